#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang and runs each for a bounded time.
#
#   FUZZ_SECONDS     seconds per target (default 20)
#   FUZZ_TARGETS     space-separated subset, e.g. "request jwt" (default: every target built)
#   FUZZ_BUILD_DIR   build directory (default <repo>/build-fuzz)
#   FUZZ_JOBS        parallel build jobs (default 2)
#   CDS_SHARED_DIR   read-only reference tree (default <repo>/../shared)
#
# Seeds: the committed corpus (tests/fuzz/corpus/<target>/), the crash regressions
# (tests/fuzz/regressions/<target>/) and, when present, the spec's examples and the FHIR
# samples in ../shared. All are copied to a temporary directory first: libFuzzer writes
# and deletes files in its corpus directories, and neither the repo nor ../shared may
# change. One target runs at a time (CI has 2 cores, shared).
#
# Exits non-zero if the build fails or any target finds a crash, leak, timeout or broken
# invariant; the reproducer is kept under <build>/fuzz-artifacts/<target>/ and its path
# printed. A summary table gives executions, coverage and time per target.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-20}
JOBS=${FUZZ_JOBS:-2}
SHARED=${CDS_SHARED_DIR:-$ROOT/../shared}
MAX_SEED_BYTES=65536  # larger shared samples slow every mutation; the committed seeds are small

log() { printf '[fuzz] %s\n' "$*"; }

have_libfuzzer() {
  command -v clang++ >/dev/null 2>&1 &&
    compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null
}
if ! have_libfuzzer; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing clang and libFuzzer (Debian: clang, libclang-rt-14-dev)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
  fi
  have_libfuzzer || { log "clang++ with libFuzzer is required (apt-get install clang libclang-rt-14-dev)"; exit 2; }
fi

t0=$(date +%s)
mkdir -p "$BUILD"
# -O1 -gline-tables-only: OSS-Fuzz's flags, fast to build and still fast to run.
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -DCDS_FUZZ=ON -DCDS_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" >"$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log"; exit 1; }
cmake --build "$BUILD" -j"$JOBS" --target fuzz_targets >"$BUILD/build.log" 2>&1 ||
  { grep -E -B2 -A12 'error|Error' "$BUILD/build.log" | head -120; exit 1; }
build_seconds=$(($(date +%s) - t0))
log "built fuzz targets in ${build_seconds}s"

# Read-only seed folders from ../shared for each target (written by others: used, never copied
# into the repo).
shared_seeds() {
  local spec=$SHARED/spec/cds-hooks/examples samples=$SHARED/fhir-samples
  case $1 in
    request | hook_call | prefetch_template) echo "$spec $samples/cds-hooks-requests" ;;
    fhir_views | dosage) echo "$samples/hl7-r4-examples $samples/cds-hooks-requests" ;;
    jwt | feedback) echo "$spec" ;;
  esac
}

# libFuzzer dictionary for each target (tests/fuzz/dict/).
dictionary() {
  case $1 in
    jwt) echo "$ROOT/tests/fuzz/dict/jwt.dict" ;;
    *) echo "$ROOT/tests/fuzz/dict/fhir.dict" ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
targets=${FUZZ_TARGETS:-$(find "$BUILD/fuzz" -maxdepth 1 -name '*_fuzzer' -printf '%f\n' | sed 's/_fuzzer$//' | sort | tr '\n' ' ')}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()
summary=()
for target in $targets; do
  binary=$BUILD/fuzz/${target}_fuzzer
  [[ -x $binary ]] || { log "no such target: $target"; failed+=("$target"); continue; }
  seeds=$work/$target/seeds
  corpus=$work/$target/corpus
  artifacts=$BUILD/fuzz-artifacts/$target
  rm -rf "$artifacts"
  mkdir -p "$seeds" "$corpus" "$artifacts"
  for dir in "$ROOT/tests/fuzz/corpus/$target" "$ROOT/tests/fuzz/regressions/$target" $(shared_seeds "$target"); do
    [[ -d $dir ]] || continue
    find "$dir" -maxdepth 1 -type f -size -"$((MAX_SEED_BYTES + 1))"c \
      -exec cp -t "$seeds" -- {} + 2>/dev/null || true
  done
  start=$(date +%s)
  status=0
  "$binary" "$corpus" "$seeds" -max_total_time="$SECONDS_PER_TARGET" -max_len="$MAX_SEED_BYTES" \
    -dict="$(dictionary "$target")" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" \
    >"$work/$target.log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log" | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$work/$target.log" | tail -1 || true)
  summary+=("$(printf '%-18s %10s execs  %4ss  %s' "$target" "${execs:-?}" "$elapsed" "${cov:-}")")
  if [[ $status != 0 ]]; then
    failed+=("$target")
    log "$target FAILED (exit $status); last lines of its log:"
    tail -60 "$work/$target.log"
    find "$artifacts" -type f -printf '[fuzz]   reproducer: %p\n'
  fi
done

total_seconds=$(($(date +%s) - t0))
log "target             executions   time  coverage"
for line in "${summary[@]}"; do log "$line"; done
log "build ${build_seconds}s, total ${total_seconds}s (FUZZ_SECONDS=$SECONDS_PER_TARGET)"
if ((${#failed[@]})); then
  log "FAILED: ${failed[*]} (replay a reproducer with <build>/fuzz/<target>_fuzzer <file>)"
  exit 1
fi
log "all fuzz targets ran clean"
