#!/usr/bin/env bash
# Builds everything with warnings as errors and runs every test:
#   1. one build of the product, the tests and the benchmarks with AddressSanitizer and
#      UndefinedBehaviorSanitizer (-O1 -g; any sanitizer report fails the test that
#      triggered it);
#   2. the GoogleTest suites, layering check, rule-catalogue check and format check
#      (ctest), with the real FHIR test server, the JOSE library and PostgreSQL required;
#   3. a scan of the whole run's output for the secrets the tests use (tokens and patient
#      content must never reach a log);
#   4. every libFuzzer target for FUZZ_SECONDS (default 20) each (.ci/fuzz.sh).
# The suites run once, sanitized: a separate optimised run would double CI's build time
# and find nothing the sanitized run does not.
#
#   QUICK=1      plain RelWithDebInfo build, no sanitizers, no fuzzing (a developer's loop)
#   BUILD_DIR    build directory (default <repo>/build-ci, or build-quick with QUICK=1)
#   JOBS         parallel build and test jobs (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
quick="${QUICK:-0}"
jobs="${JOBS:-2}"
if [ "$quick" = 1 ]; then
  build="${BUILD_DIR:-$root/build-quick}"
  build_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
else
  build="${BUILD_DIR:-$root/build-ci}"
  build_flags=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" -DCDS_SANITIZE=address,undefined)
fi
log="$build/test-output.log"
t0=$(date +%s)

echo "== build ($build: ${build_flags[*]})"
cmake -S . -B "$build" -DCDS_WERROR=ON "${build_flags[@]}" >/dev/null
cmake --build "$build" -j"$jobs"
t1=$(date +%s)

if [ "$quick" != 1 ]; then
  # LeakSanitizer needs ptrace-like access that some sandboxes refuse: a probe decides.
  detect_leaks=0
  probe=$(mktemp -d)
  printf 'int main() { int* volatile p = new int[4]; p = nullptr; return 0; }\n' >"$probe/leak.cc"
  if "${CXX:-c++}" -fsanitize=address -g "$probe/leak.cc" -o "$probe/leak" 2>/dev/null &&
     [[ $(ASAN_OPTIONS=detect_leaks=1 "$probe/leak" 2>&1 || true) == *"detected memory leaks"* ]]; then
    detect_leaks=1
  else
    echo "LeakSanitizer does not work on this machine: running without leak detection"
  fi
  rm -rf "$probe"
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=$detect_leaks:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:strict_string_checks=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
fi

echo "== tests"
export CDS_REQUIRE_FHIR_SERVER=1 CDS_REQUIRE_JOSE=1 CDS_REQUIRE_POSTGRES=1
# -V keeps every test's output (and so every log line) in $log for the secrets scan.
set +e
ctest --test-dir "$build" -j"$jobs" -V --timeout 900 >"$log" 2>&1
rc=$?
set -e
t2=$(date +%s)
grep -E '^[0-9]+% tests passed|tests failed|Total Test time' "$log" || true
# In-process suites are one CTest entry each: count the GoogleTest cases themselves.
grep -oE '\[==========\] [0-9]+ tests? from [0-9]+ test suites? ran' "$log" |
  awk '{n += $2} END {print n " GoogleTest cases ran"}'
if [ $rc -ne 0 ]; then
  grep -E 'Failed|\*\*\*Timeout|Not Run' "$log" | grep -E '^ *[0-9]+ - |Test +#' | head -n 50 >&2 || true
  grep -E -A30 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$log" | head -n 120 >&2 || true
  ctest --test-dir "$build" --rerun-failed --output-on-failure 2>&1 | tail -n 200 >&2
  exit 1
fi
if grep -E -m5 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$log"; then
  echo "a sanitizer reported the errors above" >&2
  exit 1
fi

echo "== secrets in logs"
# Our log lines are JSON objects ({"ts":...,"level":...,"event":...}). None may carry an
# access token, a JWT, patient content or a database password: the tests plant these
# markers in what they send and in the PostgreSQL passwords they use (docs/security.md).
# gtest failure messages may quote them, so only log lines are scanned.
if grep -E '\{"ts":"[^"]*","level":"' "$log" |
   grep -F -e 'cdssec-at-' -e 'cdssec-pw-' -e 'Secrettestfamily' -e 'eyJhbGciOi' -e 'eyJ0eXAiOi' \
     -e 'test-access-token'; then
  echo "a log line above carries a token or patient content" >&2
  exit 1
fi
echo "no token or patient content in $(grep -c -E '\{"ts":"[^"]*","level":"' "$log" || true) log lines"
echo "build $((t1 - t0))s, tests $((t2 - t1))s"

if [ "$quick" = 1 ]; then
  echo "QUICK=1: no sanitizers, no fuzzing"
  exit 0
fi

echo "== fuzzing (${FUZZ_SECONDS:=20}s per target)"
FUZZ_SECONDS=$FUZZ_SECONDS bash .ci/fuzz.sh
echo "== all tests passed in $(($(date +%s) - t0))s"
