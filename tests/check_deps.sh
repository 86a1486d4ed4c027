#!/usr/bin/env bash
# Layering check: a layer may include only what is below it.
#   base <- {fhir, cards, config, store, auth} <- hooks <- app
#   and inside hooks/: rule_kit <- rules/<domain> (domains independent of each other)
# fhir/ and cards/ never include hooks/ (nor each other, nor config/); config/ knows no
# FHIR, cards or rules. Run by ctest; exits non-zero listing every offending include.
set -u
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
status=0

check() {  # check <folder> <forbidden include prefixes...>
  local folder="$1"
  shift
  local pattern
  pattern=$(printf '%s|' "$@")
  pattern="^[[:space:]]*#[[:space:]]*include[[:space:]]*\"(${pattern%|})/"
  local hits
  hits=$(grep -rEn "$pattern" "$root/$folder" --include='*.h' --include='*.cc' 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering violation: $folder/ must not include $*:"
    echo "$hits" | sed "s|$root/||"
    status=1
  fi
}

check base fhir cards config store auth hooks app
check fhir cards config store auth hooks app
check cards fhir config store auth hooks app
check config fhir cards store auth hooks app
check store fhir cards config auth hooks app
check auth fhir cards config store hooks app
check hooks app

# Inside hooks/: the rule kit (what rule authors use) knows no rule, and a clinical domain
# under hooks/rules/ uses the kit and its own folder, never another domain.
check hooks/rule_kit hooks/rules
for domain in "$root"/hooks/rules/*/; do
  name=$(basename "$domain")
  others=()
  for other in "$root"/hooks/rules/*/; do
    [ "$other" = "$domain" ] || others+=("hooks/rules/$(basename "$other")")
  done
  [ ${#others[@]} -gt 0 ] && check "hooks/rules/$name" "${others[@]}"
done

# cpp-httplib is only for the HTTP edge: app/ and the FHIR client implementation.
httplib=$(grep -rln '#include <httplib.h>' "$root/base" "$root/fhir" "$root/cards" "$root/config" \
  "$root/store" "$root/auth" "$root/hooks" --include='*.h' --include='*.cc' 2>/dev/null |
  grep -v 'fhir/http_fhir_client.cc')
if [ -n "$httplib" ]; then
  echo "httplib.h included outside app/ and fhir/http_fhir_client.cc:"
  echo "$httplib" | sed "s|$root/||"
  status=1
fi

# libpq is for the PostgreSQL store only: its connection layer (and the tests' server).
libpq=$(grep -rln '#include <libpq-fe.h>' "$root/base" "$root/fhir" "$root/cards" "$root/config" \
  "$root/store" "$root/auth" "$root/hooks" "$root/app" --include='*.h' --include='*.cc' 2>/dev/null |
  grep -v -E 'store/postgres_[a-z_]+\.(h|cc)$')
if [ -n "$libpq" ]; then
  echo "libpq-fe.h included outside store/postgres_*:"
  echo "$libpq" | sed "s|$root/||"
  status=1
fi

[ $status -eq 0 ] && echo "layering OK"
exit $status
