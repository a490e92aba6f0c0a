#!/usr/bin/env bash
# Configures and builds fergana into build/ (Release, -O2). Extra arguments go to CMake.
# FERGANA_BUILD_DIR and FERGANA_BUILD_TYPE choose another tree (e.g. the sanitizer build).
set -euo pipefail
cd "$(dirname "$0")/.."
"$PWD/scripts/install-deps.sh"
dir=${FERGANA_BUILD_DIR:-build}
type=${FERGANA_BUILD_TYPE:-Release}
launcher=()
# ccache, when the machine has it, makes rebuilds in several trees cheap (never required).
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
