#!/bin/bash
# End-to-end: without --root, `mailwarden forwarders` asks the installed
# Postfix (`postconf -n`) for its settings. The test gives Postfix its own
# configuration by bind-mounting a scratch directory over /etc/postfix in a
# private mount namespace (unshare -m): the host's configuration is never
# touched, and the real postconf binary parses the test main.cf.
set -euo pipefail

: "${MW_BIN:?}" "${MW_TOP:?}"
[ "$(id -u)" -eq 0 ] || { echo "needs root (unshare -m, mount --bind)"; exit 77; }
command -v postconf >/dev/null || { echo "postfix not installed"; exit 77; }
command -v unshare >/dev/null || { echo "unshare missing"; exit 77; }
command -v jq >/dev/null || { echo "jq missing"; exit 77; }

work=$(mktemp -d /tmp/mw-fwd-postconf-XXXXXX)
trap 'rm -rf -- "$work"' EXIT
cfg=$work/postfix
mkdir -p "$cfg"
cp -a /etc/postfix/. "$cfg/"
cat >"$cfg/main.cf" <<CF
myhostname = mx.test-postconf.example
mydomain = test-postconf.example
mydestination = \$myhostname, \$mydomain, localhost
virtual_alias_domains = vdom-postconf.example
virtual_alias_maps = hash:$work/virtual
alias_maps = hash:$work/aliases
CF
printf 'boss@vdom-postconf.example  boss@test-postconf.example, boss.leak@gmail.com\n' >"$work/virtual"
printf 'postmaster: root\nsales: sales@mx.test-postconf.example\n' >"$work/aliases"

unshare -m --propagation private bash -c '
	mount --bind "$1" /etc/postfix || exit 3
	"$2" forwarders --format json --list --no-progress
' _ "$cfg" "$MW_BIN" >"$work/out.json" 2>"$work/err" || true

fail=0
. "$MW_TOP/tests/lib/check.sh"
checkq "output is a report" jq -e '.schema' "$work/out.json"
checkq "settings came from postconf -n" \
	jq -e '.notes[] | select(.text == "Postfix settings from postconf -n")' "$work/out.json"
doms=$(jq -r '.data.forwarders.local_domains | join(" ")' "$work/out.json")
for d in mx.test-postconf.example test-postconf.example vdom-postconf.example; do
	checkq "local domain $d (mydestination with \$references, virtual_alias_domains)" \
		grep -qw "$d" <<<"$doms"
done
checkq "virtual_alias_maps text source audited: external forward found" \
	test "$(jq --arg p "$work/virtual" '[.findings[] | select(.evidence.path == $p and .details.destination == "boss.leak@gmail.com")] | length' "$work/out.json")" -eq 1
checkq "internal virtual destination is not a finding but is listed" \
	test "$(jq --arg p "$work/virtual" '[.data.forwarders.inventory[] | select(.path == $p and .external == false)] | length' "$work/out.json")" -eq 1
checkq "alias_maps from postconf read: sales is local" \
	test "$(jq --arg p "$work/aliases" '[.data.forwarders.inventory[] | select(.path == $p)] | length' "$work/out.json")" -eq 2
[ "$fails" -eq 0 ] || fail=1
exit $fail
