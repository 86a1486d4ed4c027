#!/usr/bin/env bash
# Builds everything with warnings as errors and runs every test:
#   1. the GoogleTest suites, layering check, rule-catalogue check and format check
#      (ctest), with the real FHIR test server required;
#   2. a scan of the whole run's output for the secrets the tests use (tokens must never
#      reach a log);
#   3. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer;
#   4. every libFuzzer target for FUZZ_SECONDS (default 30) each.
# QUICK=1 runs only steps 1-2 (for a developer's loop).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
build="${BUILD_DIR:-$root/build-ci}"
jobs="${JOBS:-2}"
log="$build/test-output.log"

echo "== build ($build)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCDS_WERROR=ON
cmake --build "$build" -j"$jobs"

echo "== tests"
export CDS_REQUIRE_FHIR_SERVER=1 CDS_REQUIRE_JOSE=1
# -V keeps every test's output (and so every log line) in $log for the secrets scan.
set +e
ctest --test-dir "$build" -j"$jobs" -V --timeout 600 >"$log" 2>&1
rc=$?
set -e
grep -E '^[0-9]+% tests passed|tests failed|Total Test time' "$log" || true
if [ $rc -ne 0 ]; then
  grep -E 'Failed|\*\*\*Timeout|Not Run' "$log" | grep -E '^ *[0-9]+ - |Test +#' | head -n 50 >&2 || true
  ctest --test-dir "$build" --rerun-failed --output-on-failure 2>&1 | tail -n 200 >&2
  exit 1
fi

echo "== secrets in logs"
# Our log lines are JSON objects ({"ts":...,"level":...,"event":...}). None may carry an
# access token, a JWT or patient content: the tests plant these markers in what they send
# (docs/security.md). gtest failure messages may quote them, so only log lines are scanned.
if grep -E '\{"ts":"[^"]*","level":"' "$log" |
   grep -F -e 'cdssec-at-' -e 'Secrettestfamily' -e 'eyJhbGciOi' -e 'eyJ0eXAiOi' -e 'test-access-token'; then
  echo "a log line above carries a token or patient content" >&2
  exit 1
fi
echo "no token or patient content in $(grep -c -E '\{"ts":"[^"]*","level":"' "$log" || true) log lines"

if [ "${QUICK:-0}" = 1 ]; then
  echo "QUICK=1: skipping sanitizer and fuzzing runs"
  exit 0
fi

echo "== sanitizers"
bash .ci/sanitize.sh

echo "== fuzzing (${FUZZ_SECONDS:-30}s per target)"
bash .ci/fuzz.sh
echo "== all tests passed"
