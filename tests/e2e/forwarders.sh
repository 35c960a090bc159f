#!/bin/bash
# End-to-end: `mailwarden forwarders --root` over the fixture tree
# tests/fixtures/forwarders (an /etc with passwd, aliases, Postfix main.cf
# and maps, Dovecot, Exim, cPanel and DirectAdmin files, and home
# directories with every format). Git keeps neither mtimes, owners, modes
# nor the symlink cases, so they are set up here on a copy:
#   - every file dated 2020-01-01, except the ones that must count as
#     "recently changed" (touched now);
#   - home directories chowned to their users, one .forward owned by a
#     stranger, one world-writable;
#   - a .forward and a .dovecot.sieve symlinked to /etc/shadow (must be
#     refused and never echoed), and a Dovecot-style active-script link.
# The (rule_id, severity, path, line, destination) tuples are compared
# exactly with tests/fixtures/forwarders.expected.
set -euo pipefail

: "${MW_BIN:?}" "${MW_TOP:?}"
if [ "$(id -u)" -ne 0 ]; then
	echo "needs root (chown of fixture files)"; exit 77
fi
command -v jq >/dev/null || { echo "jq missing"; exit 77; }

work=$(mktemp -d /tmp/mw-fwd-XXXXXX)
trap 'rm -rf -- "$work"' EXIT
fx=$work/root
cp -a "$MW_TOP/tests/fixtures/forwarders" "$fx"
# git keeps no empty directories: frank's home and two empty sieve dirs
mkdir -p "$fx/home/frank" "$fx/home/grace/sieve" "$fx/home/heidi/sieve"
chown -R 0:0 "$fx"
chmod -R u+rwX,go+rX,go-w "$fx"
for u in alice:1001 bob:1002 carol:1003 dave:1004 erin:1005 frank:1006 oscar:1012 \
	 grace:1007 heidi:1008 ivan:1009 judy:1010 mallory:1011; do
	chown -R "${u#*:}:${u#*:}" "$fx/home/${u%%:*}"
done
chown 33:33 "$fx/var/www/.forward"
chown 4242 "$fx/home/mallory/.forward"
chmod 0666 "$fx/home/heidi/.forward"
ln -s ../../etc/shadow "$fx/home/frank/.forward"
ln -s /etc/shadow "$fx/home/frank/.dovecot.sieve"
ln -s sieve/roundcube.sieve "$fx/home/ivan/.dovecot.sieve"
find "$fx" -exec touch -h -d '2020-01-01 00:00:00 UTC' {} +
touch "$fx/home/alice/.forward" "$fx/etc/valiases/shop.example"

fail=0
check() {	# check DESCRIPTION COMMAND...
	if "${@:2}" >/dev/null; then echo "ok   - $1"; else echo "FAIL - $1"; fail=1; fi
}

set +e
"$MW_BIN" forwarders --format json --root "$fx" >"$work/out.json" 2>"$work/err"
rc=$?
"$MW_BIN" forwarders --list --no-progress --color never --root "$fx" >"$work/out.txt" 2>&1
"$MW_BIN" forwarders --format json --list --root "$fx" >"$work/list.json" 2>/dev/null
set -e
check "exit code 1 (findings, no errors)" test "$rc" -eq 1
check "no errors reported" test "$(jq '.summary.errors' "$work/out.json")" -eq 0

jq -r --arg root "$fx" '.findings[] | [.rule_id, .severity,
	(.evidence.path | ltrimstr($root)), (.evidence.line // 0 | tostring),
	(.details.destination // "-")] | @tsv' "$work/out.json" | LC_ALL=C sort >"$work/got"
LC_ALL=C sort "$MW_TOP/tests/fixtures/forwarders.expected" >"$work/want"
if diff -u "$work/want" "$work/got"; then
	echo "ok   - findings equal tests/fixtures/forwarders.expected ($(wc -l <"$work/got") findings)"
else
	echo "FAIL - findings differ from tests/fixtures/forwarders.expected"; fail=1
fi

# The fake shadow's secret must never be read into any output.
for f in out.json out.txt list.json err; do
	check "shadow content not in $f" bash -c "! grep -q FIXTURE-SHADOW '$work/$f'"
done
check "inventory absent without --list" \
	test "$(jq '.data.forwarders.inventory' "$work/out.json")" = null
n=$(jq '.data.forwarders.inventory | length' "$work/list.json")
d=$(jq '.data.forwarders.destinations' "$work/list.json")
check "--list inventory holds every destination ($n = $d)" test "$n" -eq "$d" -a "$n" -gt 50
check "inventory lists internal destinations too" \
	test "$(jq '[.data.forwarders.inventory[] | select(.external == false)] | length' "$work/list.json")" -gt 20
check "inventory marks the Roundcube-disabled rule" \
	test "$(jq '[.data.forwarders.inventory[] | select(.destination == "old@disabled.example" and .disabled)] | length' "$work/list.json")" -eq 1
check "local domains from main.cf \$references, vdomains, Exim, panels" \
	test "$(jq -r '.data.forwarders.local_domains | sort | join(" ")' "$work/out.json")" = \
	"da.example example.com example.net example.org eximdom.example eximlist.example lists.example.com localhost localhost.example.com mail.example.com shop.example"
check "invalid UTF-8 escaped in JSON" grep -q 'alice.\\\\xff@evil-utf8.example' "$work/out.json"
check "text inventory rendered" grep -q 'EXTERNAL redirect sieve       carol' "$work/out.txt"
check "text shows the hidden forward" grep -q 'Hidden forward to carol.archive@partner.example' "$work/out.txt"
check "excerpt of the rule in JSON" \
	test "$(jq -r '.findings[] | select(.evidence.line == 5 and (.evidence.path | endswith("carol/.dovecot.sieve"))) | .excerpt' "$work/out.json")" = \
	'redirect :copy "carol.archive@partner.example";'
check "details carry owner/destination/source" \
	test "$(jq -r '.findings[] | select(.details.destination == "dave.copy@gmail.com") | [.details.owner, .details.source] | join(",")' "$work/out.json")" = "dave,procmail"

check "backdated file (old mtime, new ctime) flagged in details" \
	test "$(jq -r '.findings[] | select(.details.destination == "carol.archive@partner.example") | [.details.recent, .details.ctime_recent] | map(tostring) | join(",")' "$work/out.json")" = "false,true"
check "cPanel per-mailbox filter owned by the mailbox" \
	test "$(jq -r '.findings[] | select(.details.destination == "phish@collector.example") | .details.owner + "," + .details.source' "$work/out.json")" = "info@shop.example,cpanel"

# allowed_forward_domains and recent_days from the configuration
cat >"$work/mw.conf" <<CONF
[general]
allowed_forward_domains = partner-corp.example
local_domains = contractor.example
[forwarders]
recent_days = 0
CONF
set +e
"$MW_BIN" forwarders --format json --config "$work/mw.conf" --root "$fx" >"$work/cfg.json" 2>/dev/null
set -e
check "allowed_forward_domains silences a destination" \
	test "$(jq '[.findings[] | select(.details.destination == "support@partner-corp.example")] | length' "$work/cfg.json")" -eq 0
check "configured local_domains count as local" \
	test "$(jq '[.findings[] | select(.details.destination == "outsider@contractor.example")] | length' "$work/cfg.json")" -eq 0
check "recent_days = 0 turns the recent rule off" \
	test "$(jq '[.findings[] | select(.rule_id == "forwarders.recent-external")] | length' "$work/cfg.json")" -eq 0

# Hostile inputs in a second tree: a FIFO where .forward belongs (must not
# hang), a 5 MiB .forward (capped, reported), terminal escapes in an
# address (escaped in text and JSON), a Sieve bomb of nested tests, and a
# home that is a symlink to /etc (never walked).
h=$work/hostile
mkdir -p "$h/etc" "$h/home/f" "$h/home/big" "$h/home/esc" "$h/home/deep"
printf 'f:x:2001:2001::/home/f:/bin/sh\nbig:x:2002:2002::/home/big:/bin/sh\nesc:x:2003:2003::/home/esc:/bin/sh\ndeep:x:2004:2004::/home/deep:/bin/sh\nlink:x:2005:2005::/home/link:/bin/sh\n' >"$h/etc/passwd"
mkfifo "$h/home/f/.forward"
head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$h/home/big/.forward"
printf 'evil\033[2J\033]0;pwned\007@attacker.example\n' >"$h/home/esc/.forward"
{ printf 'if '; for _ in $(seq 5000); do printf 'not '; done; printf 'true { redirect "x@y.example"; }\n'; } >"$h/home/deep/.dovecot.sieve"
ln -s ../etc "$h/home/link"
set +e
timeout 60 "$MW_BIN" forwarders --format json --root "$h" >"$work/hostile.json" 2>/dev/null
rc=$?
timeout 60 "$MW_BIN" forwarders --color never --root "$h" >"$work/hostile.txt" 2>&1
set -e
check "hostile tree: finishes with exit 2 (errors reported, not hung)" test "$rc" -eq 2
check "hostile tree: FIFO refused as not a regular file" \
	test "$(jq '[.errors[] | select(.path | endswith("/home/f/.forward"))] | length' "$work/hostile.json")" -eq 1
check "hostile tree: 5 MiB .forward capped and reported" \
	test "$(jq '[.errors[] | select((.path | endswith("/home/big/.forward")) and (.message | test("only the start")))] | length' "$work/hostile.json")" -eq 1
check "hostile tree: no raw ESC in text output" bash -c "! grep -q \$'\\033' '$work/hostile.txt'"
check "hostile tree: escaped address reported" \
	grep -q 'evil\\\\x1b\[2J' "$work/hostile.json"
check "hostile tree: Sieve nesting bomb is a parse error, not a crash" \
	test "$(jq '[.findings[] | select(.rule_id == "forwarders.parse-error" and (.evidence.path | endswith("/home/deep/.dovecot.sieve")))] | length' "$work/hostile.json")" -eq 1
check "hostile tree: symlinked home not walked" \
	jq -e '.notes[] | select(.text | test("home /home/link of link is reached through a symbolic link"))' "$work/hostile.json"

# a missing root is a usage/IO error (exit 2), not a clean run
set +e
"$MW_BIN" forwarders --root "$work/nope" >/dev/null 2>&1; rc=$?
set -e
check "missing --root exits 2" test "$rc" -eq 2

exit $fail
