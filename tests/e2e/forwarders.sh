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
chmod 0640 "$fx/etc/shadow"	# frank may not read it: his links to it are high
ln -s ../../etc/shadow "$fx/home/frank/.forward"
ln -s /etc/shadow "$fx/home/frank/.dovecot.sieve"
ln -s sieve/roundcube.sieve "$fx/home/ivan/.dovecot.sieve"
find "$fx" -exec touch -h -d '2020-01-01 00:00:00 UTC' {} +
touch "$fx/home/alice/.forward" "$fx/etc/valiases/shop.example"

fail=0
. "$MW_TOP/tests/lib/check.sh"

set +e
"$MW_BIN" forwarders --format json --root "$fx" >"$work/out.json" 2>"$work/err"
rc=$?
"$MW_BIN" forwarders --list --no-progress --color never --root "$fx" >"$work/out.txt" 2>&1
"$MW_BIN" forwarders --format json --list --root "$fx" >"$work/list.json" 2>/dev/null
set -e
checkq "exit code 1 (findings, no errors)" test "$rc" -eq 1
checkq "no errors reported" test "$(jq '.summary.errors' "$work/out.json")" -eq 0

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
	checkq "shadow content not in $f" bash -c "! grep -q FIXTURE-SHADOW '$work/$f'"
done
checkq "inventory absent without --list" \
	test "$(jq '.data.forwarders.inventory' "$work/out.json")" = null
n=$(jq '.data.forwarders.inventory | length' "$work/list.json")
d=$(jq '.data.forwarders.destinations' "$work/list.json")
checkq "--list inventory holds every destination ($n = $d)" test "$n" -eq "$d" -a "$n" -gt 50
checkq "inventory lists internal destinations too" \
	test "$(jq '[.data.forwarders.inventory[] | select(.external == false)] | length' "$work/list.json")" -gt 20
checkq "inventory marks the Roundcube-disabled rule" \
	test "$(jq '[.data.forwarders.inventory[] | select(.destination == "old@disabled.example" and .disabled)] | length' "$work/list.json")" -eq 1
checkq "local domains from main.cf \$references, vdomains, Exim, panels" \
	test "$(jq -r '.data.forwarders.local_domains | sort | join(" ")' "$work/out.json")" = \
	"da.example example.com example.net example.org eximdom.example eximlist.example lists.example.com localhost localhost.example.com mail.example.com shop.example"
checkq "invalid UTF-8 escaped in JSON" grep -q 'alice.\\\\xff@evil-utf8.example' "$work/out.json"
checkq "text inventory rendered" grep -q 'EXTERNAL redirect sieve       carol' "$work/out.txt"
checkq "text shows the hidden forward" grep -q 'Hidden forward to carol.archive@partner.example' "$work/out.txt"
checkq "excerpt of the rule in JSON" \
	test "$(jq -r '.findings[] | select(.evidence.line == 5 and (.evidence.path | endswith("carol/.dovecot.sieve"))) | .excerpt' "$work/out.json")" = \
	'redirect :copy "carol.archive@partner.example";'
checkq "details carry owner/destination/source" \
	test "$(jq -r '.findings[] | select(.details.destination == "dave.copy@gmail.com") | [.details.owner, .details.source] | join(",")' "$work/out.json")" = "dave,procmail"

checkq "backdated file (old mtime, new ctime) flagged in details" \
	test "$(jq -r '.findings[] | select(.details.destination == "carol.archive@partner.example") | [.details.recent, .details.ctime_recent] | map(tostring) | join(",")' "$work/out.json")" = "false,true"
checkq "cPanel per-mailbox filter owned by the mailbox" \
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
checkq "allowed_forward_domains silences a destination" \
	test "$(jq '[.findings[] | select(.details.destination == "support@partner-corp.example")] | length' "$work/cfg.json")" -eq 0
checkq "configured local_domains count as local" \
	test "$(jq '[.findings[] | select(.details.destination == "outsider@contractor.example")] | length' "$work/cfg.json")" -eq 0
checkq "recent_days = 0 turns the recent rule off" \
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
checkq "hostile tree: finishes with exit 2 (errors reported, not hung)" test "$rc" -eq 2
checkq "hostile tree: FIFO refused as not a regular file" \
	test "$(jq '[.errors[] | select(.path | endswith("/home/f/.forward"))] | length' "$work/hostile.json")" -eq 1
checkq "hostile tree: 5 MiB .forward is one medium finding, not an error" \
	test "$(jq -c '[([.findings[] | select(.evidence.path | endswith("/home/big/.forward")) | [.rule_id, .severity]]),
		([.errors[] | select(.path | endswith("/home/big/.forward"))] | length)]' "$work/hostile.json")" = \
	'[[["forwarders.oversized","medium"]],0]'
checkq "hostile tree: only the FIFO is an error" \
	test "$(jq '.errors | length' "$work/hostile.json")" -eq 1
checkq "hostile tree: no raw ESC in text output" bash -c "! grep -q \$'\\033' '$work/hostile.txt'"
checkq "hostile tree: escaped address reported" \
	grep -q 'evil\\\\x1b\[2J' "$work/hostile.json"
checkq "hostile tree: escape sequences make a not-a-forward-file finding, no address" \
	test "$(jq -c '[.findings[] | select(.evidence.path | endswith("/home/esc/.forward")) | [.rule_id, .severity]]' "$work/hostile.json")" = \
	'[["forwarders.not-a-mail-file","medium"]]'

# Issue 18, items 9-11 and 13, in a third tree (a real Postfix-style
# /etc/aliases, .forward files of every kind, Exim filters, a Sieve script
# that Dovecot's sievec compiles: tests/fixtures/sieve/valid/13-enotify-hidden-replies.sieve).
v=$work/verdicts
mkdir -p "$v/etc"
users="rand php ten exf exif exseen exfin only keep"
uid=3000
: >"$v/etc/passwd"
for u in $users; do
	uid=$((uid + 1)); mkdir -p "$v/home/$u"
	printf '%s:x:%d:%d::/home/%s:/bin/sh\n' "$u" "$uid" "$uid" "$u" >>"$v/etc/passwd"
done
cat >"$v/etc/aliases" <<'ALIASES'
devnull: /dev/null
bob: bob@external.example
carl: carl@external.example, /dev/null
ALIASES
# 9: random bytes (fixed seed) and a PHP file where .forward belongs
python3 -c 'import random,sys; random.seed(18); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(4096)))' >"$v/home/rand/.forward"
printf '<?php\nforeach (explode("\\n", $_POST["to"]) as $t) { mail($t, $s, $b); }\n' >"$v/home/php/.forward"
# 9: ten parse errors in one file: ten findings, ten ids
for i in $(seq 10); do printf ':0\n'; done >"$v/home/ten/.procmailrc"
# 10: enotify is a notification
cp "$MW_TOP/tests/fixtures/sieve/valid/13-enotify-hidden-replies.sieve" "$v/home/exf/.dovecot.sieve"
# 11: Exim filters that swallow the original
printf '# Exim filter\nunseen deliver spy@external.example\nseen finish\n' >"$v/home/exseen/.forward"
printf '# Exim filter\nif $h_subject: contains "invoice" then\n  unseen deliver inv@external.example\n  seen finish\nendif\n' >"$v/home/exfin/.forward"
printf '# Exim filter\nunseen deliver copy@external.example\nif $h_subject: contains "x" then\n  save /dev/null\nendif\n' >"$v/home/exif/.forward"
# 13: all mail out, no local copy (old file); with a local copy it stays medium
printf 'only@external.example\n' >"$v/home/only/.forward"
printf 'keep@external.example\n\\keep\n' >"$v/home/keep/.forward"
for u in $users; do chown -R "$(grep "^$u:" "$v/etc/passwd" | cut -d: -f3)" "$v/home/$u"; done
find "$v" -exec touch -h -d '2020-01-01 00:00:00 UTC' {} +
set +e
"$MW_BIN" forwarders --format json --root "$v" >"$work/v.json" 2>"$work/v.err"; vrc=$?
"$MW_BIN" audit --only forwarders --root "$v" --format json >"$work/va.json" 2>/dev/null
set -e
vf() {	# vf USER-OR-PATH-SUFFIX -> "rule_id severity destination" lines, sorted
	jq -r --arg p "$1" '.findings[] | select(.evidence.path | endswith($p)) |
		"\(.rule_id) \(.severity) \(.details.destination // "-")"' "$work/v.json" | LC_ALL=C sort
}
checkq "verdicts tree: exit 1, no errors" test "$vrc" -eq 1 -a "$(jq '.errors | length' "$work/v.json")" -eq 0
checkq "9: random bytes are one medium finding, no address" \
	test "$(vf /home/rand/.forward)" = "forwarders.not-a-mail-file medium -"
checkq "9: a PHP file as .forward is one medium finding" \
	test "$(vf /home/php/.forward)" = "forwarders.not-a-mail-file medium -"
checkq "9: ten parse errors, ten distinct finding ids" \
	test "$(jq '[.findings[] | select(.rule_id == "forwarders.parse-error" and (.evidence.path | endswith("/home/ten/.procmailrc"))) | .details.finding_id] | unique | length' "$work/va.json")" -eq 10
checkq "9: every finding id unique in the audit" \
	test "$(jq '[.findings[] | .details.finding_id] | (unique | length) == length' "$work/va.json")" = true
checkq "10: a devnull alias does not hide the other aliases" \
	test "$(vf /etc/aliases)" = "$(printf 'forwarders.external medium bob@external.example\nforwarders.hidden-forward high carl@external.example')"
checkq "10: enotify mailto: is a medium notification" \
	test "$(vf /home/exf/.dovecot.sieve)" = "forwarders.external-notify medium pager@alerts.example"
checkq "11: unseen deliver + seen finish is a hidden forward" \
	test "$(vf /home/exseen/.forward)" = "forwarders.hidden-forward high spy@external.example"
checkq "11: the same inside one if block" \
	test "$(vf /home/exfin/.forward)" = "forwarders.hidden-forward high inv@external.example"
checkq "11: a conditional save /dev/null hides the unconditional copy" \
	test "$(vf /home/exif/.forward)" = "forwarders.hidden-forward high copy@external.example"
checkq "13: all mail to an external domain, no local copy: high though old" \
	test "$(vf /home/only/.forward)" = "forwarders.forward-all-external high only@external.example"
checkq "13: with a local copy it stays medium" \
	test "$(vf /home/keep/.forward)" = "forwarders.external medium keep@external.example"

# Issue 18 item 12: virtual mailbox users under Dovecot's mail_home, in an
# image without /etc/passwd (the Sieve script is one sievec compiles:
# tests/fixtures/sieve/valid/01-redirect.sieve).
vm=$work/vmail
mkdir -p "$vm/etc/dovecot/conf.d" "$vm/var/vmail/example.net/jane/sieve" "$vm/var/vmail/example.net/joe"
printf 'mail_location = maildir:~/Maildir\nmail_home = /var/vmail/%%d/%%n\n' >"$vm/etc/dovecot/conf.d/10-mail.conf"
printf 'plugin {\n  sieve = file:/var/vmail/%%d/%%n/sieve;active=/var/vmail/%%d/%%n/.dovecot.sieve\n}\n' >"$vm/etc/dovecot/conf.d/90-sieve.conf"
printf 'ops: ops@external.example\n' >"$vm/etc/aliases"
cp "$MW_TOP/tests/fixtures/sieve/valid/01-redirect.sieve" "$vm/var/vmail/example.net/jane/sieve/fwd.sieve"
ln -s sieve/fwd.sieve "$vm/var/vmail/example.net/jane/.dovecot.sieve"
chown -R 5000:5000 "$vm/var/vmail"
set +e
"$MW_BIN" forwarders --format json --root "$vm" >"$work/vm.json" 2>/dev/null; vmrc=$?
set -e
checkq "12: no /etc/passwd: exit 1, no error, a note" \
	test "$vmrc" -eq 1 -a "$(jq '.errors | length' "$work/vm.json")" -eq 0 -a \
	"$(jq '[.notes[] | select(.text | test("no .*/etc/passwd"))] | length' "$work/vm.json")" -eq 1
checkq "12: the virtual user's Sieve redirect is found, owned by jane@example.net" \
	test "$(jq -r '.findings[] | select(.evidence.path | endswith("/var/vmail/example.net/jane/sieve/fwd.sieve")) | "\(.rule_id) \(.details.owner) \(.details.destination)"' "$work/vm.json")" = \
	"forwarders.forward-all-external jane@example.net someone@example.org"
checkq "12: the aliases are still audited" \
	test "$(jq '[.findings[] | select(.details.destination == "ops@external.example")] | length' "$work/vm.json")" -eq 1
checkq "hostile tree: Sieve nesting bomb is a parse error, not a crash" \
	test "$(jq '[.findings[] | select(.rule_id == "forwarders.parse-error" and (.evidence.path | endswith("/home/deep/.dovecot.sieve")))] | length' "$work/hostile.json")" -eq 1
checkq "hostile tree: symlinked home not walked" \
	jq -e '.notes[] | select(.text | test("home /home/link of link is reached through a symbolic link"))' "$work/hostile.json"

# a missing root is a usage/IO error (exit 2), not a clean run
set +e
"$MW_BIN" forwarders --root "$work/nope" >/dev/null 2>&1; rc=$?
set -e
checkq "missing --root exits 2" test "$rc" -eq 2

[ "$fails" -eq 0 ] || fail=1
exit $fail
