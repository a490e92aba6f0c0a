# Sourced by scripts/test.sh before running build-asan/'s tests; source it yourself to rerun
# one test as CI does:  . scripts/sanitizer-env.sh && ctest --test-dir build-asan -R NAME
# Every finding aborts (a CLI test then sees a signal, not an exit code it might expect);
# leaks are checked; the suppressions (third-party code only, each with its reason) are
# in tests/sanitizers/.
_fergana_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_init_order=1:check_initialization_order=1
export LSAN_OPTIONS=suppressions=$_fergana_root/tests/sanitizers/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1:suppressions=$_fergana_root/tests/sanitizers/ubsan.supp
unset _fergana_root
