#!/bin/bash
# End-to-end: the audit's verdict on a web mailer, issue 18 items 15, 18,
# 19 and 20, with the real scan over a web root and mail logs built from
# real Postfix lines (tests/fixtures/maillog/postfix-captured.log, captured
# by capture.sh from Postfix 3.7: pickup uid=, cleanup's
# X-PHP-Originating-Script warning, qmgr) and PHP mail.log lines:
#   - wp-content/cache/wp-cache.php (a mailer, www-data) sent 40 mails and
#     the site's contact.php 2, the contact form first; the log is two
#     weeks old;
#   - audit --log FILE without --since reads it whole ("in the whole log");
#   - the mailer is one line in "Stop the sender", with its 40 mails (not
#     the user's 42) and the user it sent as;
#   - audit --only logs names the top script, not the first one seen.
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root (chown to www-data)"; exit 77; }

w=$(mktemp -d /tmp/mw-e2e-auditplan-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$w"' EXIT
export TZ=UTC
fail=0
. "$MW_TOP/tests/lib/check.sh"

site=$w/www/site
mkdir -p "$site/wp-content/cache"
mailer=$site/wp-content/cache/wp-cache.php
cp "$MW_TOP/tests/fixtures/samples/malicious/mailer/form-explode-loop.php" "$mailer"
cp "$MW_TOP/tests/fixtures/samples/clean/contact-form.php" "$site/contact.php"
chown -R 33:33 "$w/www"
cat >"$w/mw.conf" <<CONF
[scan]
signatures_dir = $MW_TOP/signatures
[nightly]
state_dir = $w/state
CONF

# Mail log: the captured lines of one PHP mail() message, repeated with
# new queue ids and the script each message came from.
tpl=$MW_TOP/tests/fixtures/maillog/postfix-captured.log
qid=0B943A7202B
grep -F "$qid: uid=" "$tpl" >"$w/t.pickup"
grep -F "$qid: warning: header X-PHP-Originating-Script" "$tpl" >"$w/t.header"
grep -F "$qid: from=<" "$tpl" | grep -F qmgr >"$w/t.qmgr"
[ -s "$w/t.pickup" ] && [ -s "$w/t.header" ] && [ -s "$w/t.qmgr" ] ||
	{ echo "FAIL - template lines missing in $tpl"; exit 1; }
n=0
emit() {	# emit SCRIPT (one message)
	n=$((n + 1))
	local q
	q=$(printf 'AB%09X' "$n")
	sed "s/$qid/$q/; s/^Nov 23 16:47:59/Nov 20 09:$(printf %02d $((n / 60))):$(printf %02d $((n % 60)))/" \
		"$w/t.pickup" >>"$w/mail.log"
	sed "s/$qid/$q/; s#33:wp-content/uploads/2026/11/mailer.php#33:$1#; s/^Nov 23 16:47:59/Nov 20 09:$(printf %02d $((n / 60))):$(printf %02d $((n % 60)))/" \
		"$w/t.header" >>"$w/mail.log"
	sed "s/$qid/$q/; s/^Nov 23 16:47:59/Nov 20 09:$(printf %02d $((n / 60))):$(printf %02d $((n % 60)))/" \
		"$w/t.qmgr" >>"$w/mail.log"
}
emit contact.php
emit contact.php
for _ in $(seq 40); do emit wp-cache.php; done
for i in $(seq 40); do
	printf '[20-Nov-2026 09:%02d:00 UTC] mail() on [%s:12]: To: v%d@victim%d.example -- Headers: From: x@y.example -- Subject: hi\n' \
		"$((i % 60))" "$mailer" "$i" "$i" >>"$w/php-mail.log"
done
# The logs are two weeks old: a 7-day window would hold none of it.
touch -d '2026-11-20 12:00:00 UTC' "$w/mail.log" "$w/php-mail.log"

mw() { "$MW_BIN" audit --config "$w/mw.conf" --no-progress --format json "$@"; }
set +e
mw --only logs --only scan --log "$w/mail.log" --log "$w/php-mail.log" --web-root "$w/www" >"$w/a.json" 2>"$w/a.err"
rc=$?
mw --only logs --log "$w/mail.log" >"$w/l.json" 2>/dev/null
set -e
A() { jq -r "$1" "$w/a.json"; }

checkq "exit 1 (findings, no errors)" test "$rc" -eq 1
checkq "15: --log without --since reads the whole file" \
	test "$(A '.data.audit.checks[] | select(.name == "logs") | .argv')" = "logs --since all $w/mail.log $w/php-mail.log"
checkq "15/20: the headline says 'in the whole log', not 'since all'" \
	bash -c "jq -r .data.audit.headline '$w/a.json' | grep -q 'in the whole log' && ! jq -r .data.audit.headline '$w/a.json' | grep -q 'since all'"
checkq "18: one correlation for the mailer file" \
	test "$(A '[.findings[] | select(.rule_id == "audit.mailer-sent-mail")] | length')" -eq 1
checkq "18: one line in Stop the sender, with its own 40 mails and the user" \
	test "$(A "[.data.audit.plan[] | select(.phase == \"stop-sender\") | .actions[] | select(contains(\"$mailer\"))] | map(contains(\"sent 40 mails as www-data\")) | tostring")" = "[true]"
checkq "18: the contact form is in no stop line" \
	test "$(A '[.data.audit.plan[] | select(.phase == "stop-sender") | .actions[] | select(contains("contact.php"))] | length')" -eq 0
checkq "19: audit --only logs names the top script" \
	bash -c "jq -r .data.audit.headline '$w/l.json' | grep -q 'top script wp-cache.php'"
checkq "16: the mailer under cache/ is high in the logs" \
	test "$(A '[.findings[] | select(.rule_id == "logs.php-mail-script") | .severity] | unique | join(",")')" = high
echo "headline: $(A .data.audit.headline)"
[ "$fails" -eq 0 ] || fail=1
exit $fail
