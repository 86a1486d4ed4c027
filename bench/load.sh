#!/usr/bin/env bash
# Load test: order-select requests of ~5 KB, 100 KB and 1 MB posted by wrk to a running
# cds-hooks-server, at 1 and 16 connections. Prints requests/s and p50/p99 latency.
#
#   bench/load.sh [BUILD_DIR]          (default build; DURATION=10s, PORT=18099)
#
# The server runs on its defaults (bundled config, SQLite in a temp data dir) with every
# prefetch key present in the requests, so it never calls a FHIR server.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
duration="${DURATION:-10s}"
port="${PORT:-18099}"
work="$(mktemp -d)"
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$build/bench/write_requests" "$work" >/dev/null
"$build/cds-hooks-server" --listen "127.0.0.1:$port" --data-dir "$work/data" --log-level error &
server_pid=$!
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

url="http://127.0.0.1:$port/cds-services/rituximab-safety-order-select"
printf '%-6s %-5s %12s %10s %10s %8s\n' size conns "requests/s" "p50" "p99" non200
for size in 5k 100k 1m; do
  for conns in 1 16; do
    threads=$([ "$conns" -eq 1 ] && echo 1 || echo 2)
    out=$(BODY_FILE="$work/order-select-$size.json" wrk -t"$threads" -c"$conns" -d"$duration" --latency \
          -s "$here/post.lua" "$url")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    bad=$(echo "$out" | awk -F= '/non200=/ {print $2}')
    printf '%-6s %-5s %12s %10s %10s %8s\n' "$size" "$conns" "$rps" "$p50" "$p99" "$bad"
  done
done
