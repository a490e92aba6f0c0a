#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang, into build-fuzz/) and runs each for
# SECONDS (default 60), starting from the committed corpus tests/fuzz/corpus/NAME/.
#   scripts/fuzz.sh [SECONDS] [NAME...]        e.g. scripts/fuzz.sh 300 dates where
# New interesting inputs collect in build-fuzz/corpus/NAME/; a crash or a broken property
# is saved as build-fuzz/crashes/NAME/crash-* and the script exits 1 after the other
# targets have run. docs/hostile-input.md says how a crash becomes a regression test.
# Needs clang and libclang-rt (Debian: clang-14 libclang-rt-14-dev); CI does not run this.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "usage: scripts/fuzz.sh [SECONDS] [NAME...]" >&2; exit 2; }
shift || true
all=(distance dates bbox where field_mapping style load)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")

cxx=$(command -v clang++ || command -v clang++-14 || true)
cc=$(command -v clang || command -v clang-14 || true)
if [[ -z $cxx || -z $cc ]]; then
  echo "fuzz.sh: needs clang with libFuzzer: apt-get install clang-14 libclang-rt-14-dev" >&2
  exit 1
fi

FERGANA_BUILD_DIR=build-fuzz FERGANA_BUILD_TYPE=Debug ./scripts/build.sh \
  -DFERGANA_FUZZ=ON -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc"

# Leaks are checked by the sanitizer pass of scripts/test.sh with its suppressions; here
# GDAL's per-process caches would be reported after each input.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=()
for name in "${targets[@]}"; do
  binary=build-fuzz/bin/fuzz_$name
  [[ -x $binary ]] || { echo "fuzz.sh: no target '$name' (targets: ${all[*]})" >&2; exit 2; }
  mkdir -p "build-fuzz/corpus/$name" "build-fuzz/crashes/$name"
  dict=()
  [[ -f tests/fuzz/dict/$name.dict ]] && dict=(-dict="tests/fuzz/dict/$name.dict")
  echo "fuzz.sh: $name for ${seconds}s" >&2
  if ! "$binary" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="build-fuzz/crashes/$name/" "${dict[@]}" \
      "build-fuzz/corpus/$name" "tests/fuzz/corpus/$name" > "build-fuzz/crashes/$name.log" 2>&1; then
    failed+=("$name")
    echo "fuzz.sh: $name FAILED: see build-fuzz/crashes/$name.log and build-fuzz/crashes/$name/" >&2
  fi
  grep -E "^stat::number_of_executed_units|^stat::new_units_added" "build-fuzz/crashes/$name.log" |
    sed "s/^/fuzz.sh: $name /" >&2 || true
done

if ((${#failed[@]})); then
  echo "fuzz.sh: crashes in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${targets[*]}: no crash in ${seconds}s each" >&2
