#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest: the Release build in
# build/, then the same suite under AddressSanitizer, UndefinedBehaviorSanitizer and
# LeakSanitizer in build-asan/ (-O1, no benchmarks; docs/hostile-input.md gives its time).
# FERGANA_SKIP_SANITIZE=1 runs the Release pass only.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

./scripts/build.sh
ctest --test-dir build --output-on-failure -j "$jobs"

if [[ ${FERGANA_SKIP_SANITIZE:-0} != 1 ]]; then
  FERGANA_BUILD_DIR=build-asan FERGANA_BUILD_TYPE=Debug ./scripts/build.sh \
    -DFERGANA_SANITIZE=ON -DFERGANA_BUILD_BENCH=OFF
  . scripts/sanitizer-env.sh
  ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi
