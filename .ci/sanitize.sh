#!/usr/bin/env bash
# Builds the whole project and its test suite with AddressSanitizer and
# UndefinedBehaviorSanitizer (-DCDS_SANITIZE=address,undefined) and runs ctest.
# Any sanitizer report fails the test that triggered it, and so this script.
#
#   SANITIZE_BUILD_DIR  build directory (default <repo>/build-asan)
#   SANITIZE_JOBS       parallel build and test jobs (default 2)
#   SANITIZE_CXX        compiler (default g++; clang++ works too)
#   CTEST_ARGS          extra ctest arguments, e.g. "-R fuzz_regression"
#
# -O1 keeps the build fast and the stack traces readable. LeakSanitizer is on when this
# machine supports it (it needs ptrace-like access some sandboxes refuse): a probe
# decides and says so.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${SANITIZE_BUILD_DIR:-$ROOT/build-asan}
JOBS=${SANITIZE_JOBS:-2}
CXX_COMPILER=${SANITIZE_CXX:-g++}

log() { printf '[sanitize] %s\n' "$*"; }

detect_leaks=0
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main() { int* volatile p = new int[4]; p = nullptr; return 0; }\n' >"$probe/leak.cc"
probe_output=""
if "$CXX_COMPILER" -fsanitize=address -g "$probe/leak.cc" -o "$probe/leak" 2>/dev/null; then
  probe_output=$(ASAN_OPTIONS=detect_leaks=1 "$probe/leak" 2>&1 || true)
fi
if [[ $probe_output == *"detected memory leaks"* ]]; then
  detect_leaks=1
else
  log "LeakSanitizer does not work on this machine: running without leak detection"
fi

export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=$detect_leaks:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="${LSAN_OPTIONS:-}"

t0=$(date +%s)
mkdir -p "$BUILD"
CXX=$CXX_COMPILER cmake -S "$ROOT" -B "$BUILD" -DCDS_SANITIZE=address,undefined -DCDS_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >"$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log"; exit 1; }
cmake --build "$BUILD" -j"$JOBS" >"$BUILD/build.log" 2>&1 ||
  { grep -E -B2 -A12 'error|Error' "$BUILD/build.log" | head -120; exit 1; }
t1=$(date +%s)
log "built with address,undefined (leak detection $detect_leaks) in $((t1 - t0))s"

status=0
# shellcheck disable=SC2086
ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" ${CTEST_ARGS:-} || status=$?
t2=$(date +%s)
log "build $((t1 - t0))s, tests $((t2 - t1))s, total $((t2 - t0))s"
exit $status
