#!/usr/bin/env bash
# scripts/setup-debian.sh as the README runs it, with stand-ins for id, sudo, apt-get, npm
# and node that record how they were called: as root (no sudo on the machine) packages
# are installed directly; as a user with sudo only apt-get goes through sudo; as a user
# without sudo the script stops with a clear message and installs nothing. Also checks
# that the README's commands do not start with sudo. Run by ctest.
set -u
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
fail() {
  echo "FAIL: $*"
  status=1
}

mkdir -p "$work/repo/scripts" "$work/repo/tests/security/jose"
cp "$root/scripts/setup-debian.sh" "$work/repo/scripts/"

# bin: the real tools the script needs, and stand-ins that log "<tool> <args>".
make_bin() {  # make_bin <dir> <uid> <with_sudo>
  local bin="$1"
  mkdir -p "$bin"
  for tool in bash env dirname cat; do ln -sf "$(command -v "$tool")" "$bin/$tool"; done
  printf '#!/bin/bash\n[ "$1" = "-u" ] && echo %s\n' "$2" >"$bin/id"
  printf '#!/bin/bash\necho "apt-get $*" >>"%s/log"\n' "$work" >"$bin/apt-get"
  printf '#!/bin/bash\necho "npm $*" >>"%s/log"\n' "$work" >"$bin/npm"
  printf '#!/bin/bash\necho 20\n' >"$bin/node"
  if [ "$3" = yes ]; then
    printf '#!/bin/bash\necho "sudo $1" >>"%s/log"\nexec "$@"\n' "$work" >"$bin/sudo"
  fi
  chmod +x "$bin"/*
}

run() {  # run <uid> <with_sudo>; leaves the log in $work/log and the exit code in $rc
  rm -f "$work/log"
  rm -rf "$work/bin"
  make_bin "$work/bin" "$1" "$2"
  PATH="$work/bin" bash "$work/repo/scripts/setup-debian.sh" >"$work/out" 2>&1
  rc=$?
  touch "$work/log"
}

run 0 no
[ "$rc" -eq 0 ] || fail "as root without sudo: exit $rc: $(cat "$work/out")"
grep -q '^apt-get update' "$work/log" || fail "as root: apt-get update not run"
grep -q '^apt-get install' "$work/log" || fail "as root: apt-get install not run"
grep -q '^sudo' "$work/log" && fail "as root: sudo was used"
grep -q '^npm ci --prefix tests/fhir_server' "$work/log" || fail "as root: npm ci not run"

run 1000 yes
[ "$rc" -eq 0 ] || fail "as a user with sudo: exit $rc: $(cat "$work/out")"
[ "$(grep -c '^sudo env' "$work/log")" -eq 2 ] || fail "as a user: apt-get did not run through sudo"
grep -q '^apt-get install' "$work/log" || fail "as a user: apt-get install not run"
grep -q '^sudo npm' "$work/log" && fail "as a user: npm ran as root"
grep -q '^npm ci --prefix tests/auth/jose' "$work/log" || fail "as a user: npm ci not run"

run 1000 no
[ "$rc" -ne 0 ] || fail "as a user without sudo: the script succeeded"
grep -q 'needs root' "$work/out" || fail "as a user without sudo: no clear message: $(cat "$work/out")"
[ -s "$work/log" ] && fail "as a user without sudo: something ran: $(cat "$work/log")"

if grep -nE '^\s*sudo ' "$root/README.md"; then
  fail "a README command starts with sudo, which a root-only image does not have"
fi

[ $status -eq 0 ] && echo "setup-debian.sh OK as root, as a user with sudo, and without sudo"
exit $status
