#!/usr/bin/env bash
# Installs what building, running and testing cds-hooks-server needs on Debian 12
# (bookworm): the compiler and libraries from Debian's packages (libpq for the PostgreSQL
# store; the PostgreSQL 15 server for its tests), and the pinned npm test tooling (a FHIR
# server and a JOSE library, used by tests only).
#
# Run it as root (a container or CI image, where there is no sudo) or as a user who may use
# sudo: only the package installation runs as root (through sudo when the caller is not
# root); the npm tooling is installed as the caller, so the worktree stays theirs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "setup-debian.sh: installing Debian packages needs root: run this as root, or install sudo" >&2
  exit 1
fi

# postgresql: the server binaries the tests start private servers from (each in its own
# folder, on a Unix socket only; tests/support/postgres_test_server.h). Debian's own cluster,
# if the package starts one, is not used.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  build-essential cmake pkg-config git ca-certificates curl \
  libcpp-httplib-dev rapidjson-dev libboost-dev libsqlite3-dev libssl-dev zlib1g-dev libbrotli-dev \
  libpq-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  clang libclang-rt-14-dev clang-format \
  sqlite3 wrk openssl postgresql

# Test tooling runs on Node.js >= 20 (the machine image provides it; Debian 12's own
# nodejs is 18, too old for @medplum/fhir-router).
if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then
  npm ci --prefix tests/fhir_server --no-audit --no-fund
  npm ci --prefix tests/auth/jose --no-audit --no-fund
  if [ -f tests/security/jose/package-lock.json ]; then
    npm ci --prefix tests/security/jose --no-audit --no-fund
  fi
else
  echo "setup-debian.sh: Node.js >= 20 not found; tests that need the FHIR test server or jose will fail" >&2
  exit 1
fi
