#!/bin/bash
# End-to-end test of `mailwarden logs` on the fixtures in tests/fixtures/maillog:
# real Postfix lines captured by capture.sh (classic syslog via postlogd, the
# same journal as `journalctl -o short-iso` and `-o export`, and read back
# through sd-journal from a journal file built by systemd-journal-remote),
# a Postfix compromise log (web-user spike, SASL stuffing, SASL from many
# networks, blocklist bounces, relay probes, deferred growth, malformed
# lines), an Exim main log with cwd= and a PHP mail.log. Aggregates and
# findings are compared exactly with tests/fixtures/maillog/expected/*.json.
# MW_UPDATE_EXPECTED=1 rewrites the expected files (review the diff!).
set -euo pipefail

top=${MW_TOP:?}
bin=${MW_BIN:?}
fx=$top/tests/fixtures/maillog
command -v jq >/dev/null || { echo "needs jq"; exit 77; }

w=$(mktemp -d /tmp/mw-e2e-logs.XXXXXX)
trap 'rm -rf "$w"' EXIT
export TZ=UTC
cp -r "$fx"/. "$w/"
cd "$w"
# Classic syslog stamps take their year from the file's mtime.
find . -type f -exec touch -d '2026-11-23 12:00:00 UTC' {} +

fail=0
pass() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fail=1; }

# What is compared: the data section, the findings' stable fields, the exit code.
summary() {
	jq -S '{exit_code, data: .data.logs,
		findings: [.findings[] | {rule_id, severity, title, details,
			path: .evidence.path, ip: .evidence.ip, list: .evidence.list,
			log_lines: .evidence.log_lines}]}'
}

run_json() {
	local rc=0
	"$bin" logs --format json --no-progress "$@" >out.json 2>err.txt || rc=$?
	echo "$rc" >rc.txt
	jq -e . out.json >/dev/null || { bad "output of logs $* is no JSON"; cat err.txt; return 1; }
}

check_expected() {
	local name=$1; shift
	run_json "$@" || return 0
	summary <out.json >"$name.got.json"
	if [ "${MW_UPDATE_EXPECTED:-}" = 1 ]; then
		cp "$name.got.json" "$fx/expected/$name.json"
	fi
	if diff -u "$fx/expected/$name.json" "$name.got.json" >diff.txt; then
		pass "$name: aggregates and findings as expected ($(jq '.findings|length' "$name.got.json") findings, exit $(jq .exit_code "$name.got.json"))"
	else
		bad "$name: differs from expected/$name.json"
		head -60 diff.txt
	fi
}

# 1. Real Postfix lines (postlogd, classic syslog stamps).
check_expected captured postfix-captured.log
jq -e '.data.messages.web == 5 and .data.top_local_users[0].uid == 33 and
	.data.scripts[0].script == "wp-content/uploads/2026/11/mailer.php" and
	([.data.blocklist_rejections[].list] | sort) == ["b.barracudacentral.org","zen.spamhaus.org"] and
	.data.messages.relay_denied == 1' captured.got.json >/dev/null &&
	pass "captured: uid 33, X-PHP-Originating-Script, 2 lists, 1 relay refusal" ||
	bad "captured: key facts"

# 2. The same messages in journald's formats give the same aggregates.
same_as_captured() {
	local label=$1; shift
	run_json "$@" || return 0
	if diff <(jq -S '.data.logs | del(.sources, .lines)' out.json) \
		<(jq -S '.data | del(.sources, .lines)' captured.got.json) >diff.txt; then
		pass "$label: same aggregates as the syslog file"
	else
		bad "$label: aggregates differ from the syslog file"
		head -40 diff.txt
	fi
}
same_as_captured "journalctl -o short-iso" postfix-short-iso.log
same_as_captured "journalctl -o export" postfix-journal.export
same_as_captured "export with binary MESSAGE fields" postfix-binary-fields.export
jr=""
for p in /lib/systemd/systemd-journal-remote /usr/lib/systemd/systemd-journal-remote; do
	[ -x "$p" ] && jr=$p && break
done
if [ -n "$jr" ]; then
	mkdir -p journal
	"$jr" -o journal/system.journal postfix-journal.export >/dev/null 2>&1
	same_as_captured "sd-journal (--journal-dir)" --journal-dir journal --since all
	jq -e '.data.logs.sources[0].kind == "journal"' out.json >/dev/null &&
		pass "sd-journal: source kind journal" || bad "sd-journal: source kind"
	# Issue 18 item 14: what the real journalctl writes with -o json
	journalctl --file journal/system.journal -o json >journal.json
	same_as_captured "journalctl -o json (real journalctl)" journal.json
	jq -e '.data.logs.sources[0].kind == "json"' out.json >/dev/null &&
		pass "journalctl -o json: source kind json" || bad "journalctl -o json: source kind"
else
	bad "systemd-journal-remote missing (deps/logs.txt): journald path untested"
fi

# 3. A compromise, classic syslog.
check_expected compromise postfix-compromise.log
jq -e '[.findings[].rule_id] | index("logs.web-user-mail") and index("logs.sasl-stuffing")
	and index("logs.sasl-many-ips") and index("logs.blocklisted")
	and index("logs.deferred-growth") and index("logs.relay-denied")' compromise.got.json >/dev/null &&
	pass "compromise: all six finding kinds" || bad "compromise: finding kinds"
jq -e '.findings[] | select(.rule_id == "logs.web-user-mail") |
	.severity == "high" and .details.uid == 33 and .details.messages == 120 and
	.details.recipient_domains == 31 and .details.scripts == ["up.php"]' compromise.got.json >/dev/null &&
	pass "compromise: web user uid 33, 120 messages, 31 domains, script up.php, high" ||
	bad "compromise: web-user finding"
jq -e '.data.lines.malformed == 4 and .data.lines.overlong == 1 and
	.data.spike.hour == "2026-11-20T10:00:00Z" and .data.spike.messages == 120' compromise.got.json >/dev/null &&
	pass "compromise: 4 malformed + 1 overlong counted, spike 10:00 with 120" ||
	bad "compromise: malformed/spike"
# Our own smtpd refusing a listed client is not "we are listed".
jq -e '[.data.blocklist_rejections[].rejections] | add == 9' compromise.got.json >/dev/null &&
	pass "compromise: inbound blocklist rejects not counted as ours" || bad "compromise: inbound rejects"

# 4. Rotated .gz gives the same as the plain file.
gzip -c postfix-compromise.log >mail.log.1.gz
touch -d '2026-11-23 12:00:00 UTC' mail.log.1.gz
run_json mail.log.1.gz
if diff <(jq -S '.data.logs | del(.sources)' out.json) <(jq -S '.data | del(.sources)' compromise.got.json) >/dev/null &&
	jq -e '.data.logs.sources[0].kind == "gzip"' out.json >/dev/null; then
	pass "gzip: same aggregates as the plain file"
else
	bad "gzip: aggregates differ"
fi

# A truncated .gz: what was read counts, the run reports the error (exit 2).
head -c 3000 mail.log.1.gz >trunc.gz
run_json trunc.gz
[ "$(cat rc.txt)" = 2 ] && jq -e '.data.logs.lines.total > 100 and
	(.errors[0].message | test("truncated gzip"))' out.json >/dev/null &&
	pass "truncated gzip: lines before the cut counted, error reported, exit 2" ||
	bad "truncated gzip"

# 5. Exim main log (cwd=, U=, A=, **, ==, relay, authenticator failures) and
#    PHP mail.log, with a PHP-FPM pool user from --root.
check_expected exim-php --root root exim-mainlog php-mail.log
jq -e '.findings[] | select(.rule_id == "logs.web-user-mail" and .details.user == "site1") |
	.details.cwds == ["/var/www/site1/wp-content/uploads/2026/11"] and .details.messages == 2' \
	exim-php.got.json >/dev/null && pass "exim: pool user site1 with cwd" || bad "exim: site1 cwd"
jq -e '[.findings[] | select(.rule_id == "logs.php-mail-script") | .evidence.path // .path] |
	index("/var/www/site2/wp-content/uploads/wso.php")' exim-php.got.json >/dev/null &&
	pass "php mail.log: eval()'d script reduced to its file" || bad "php mail.log: script path"

# 6. Window: only the hour of the spike.
run_json postfix-compromise.log --since '2026-11-20 10:00' --until '2026-11-20 10:59:59'
jq -e '.data.logs.messages.received == 120 and .data.logs.lines.out_of_window > 0 and
	.data.logs.window.since == "2026-11-20T10:00:00Z"' out.json >/dev/null &&
	pass "--since/--until: 120 messages in the window" || bad "--since/--until"

# 7. Discovery beneath --root: mail.log, mail.log.1.gz, exim4/mainlog.
mkdir -p disc/var/log/exim4
cp postfix-captured.log disc/var/log/mail.log
gzip -c postfix-compromise.log >disc/var/log/mail.log.1.gz
cp exim-mainlog disc/var/log/exim4/mainlog
ln -s /etc/shadow disc/var/log/mail.log.2
touch -d '2026-11-22 12:00:00 UTC' disc/var/log/mail.log.1.gz
touch -d '2026-11-23 12:00:00 UTC' disc/var/log/mail.log disc/var/log/exim4/mainlog
run_json --root disc --since all
got=$(jq -c '[.data.logs.sources[] | select(.kind != "journal") | .name]' out.json)
if [ "$got" = '["/var/log/mail.log.1.gz","/var/log/exim4/mainlog","/var/log/mail.log"]' ]; then
	pass "discovery: rotated .gz first, symlink skipped: $got"
else
	bad "discovery: got $got"
fi

# 8. Exit codes and errors.
run_json postfix-compromise.log
[ "$(cat rc.txt)" = 1 ] && pass "exit 1 with findings" || bad "exit code $(cat rc.txt), want 1"
printf 'Nov 20 08:00:00 web1 postfix/qmgr[1]: 3A0: removed\n' >quiet.log
run_json quiet.log
[ "$(cat rc.txt)" = 0 ] && pass "exit 0 on a clean log" || bad "clean log: exit $(cat rc.txt)"
run_json does-not-exist.log
[ "$(cat rc.txt)" = 2 ] && jq -e '.errors[0].path == "does-not-exist.log"' out.json >/dev/null &&
	pass "missing file: exit 2 with the path in errors" || bad "missing file"
ln -s postfix-compromise.log link.log
run_json link.log
[ "$(cat rc.txt)" = 2 ] && jq -e '.errors[0].message | test("symbolic link")' out.json >/dev/null &&
	pass "symlink refused (exit 2)" || bad "symlink not refused"
rc=0
"$bin" logs --since yesterday-ish quiet.log >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] && pass "bad --since: exit 2" || bad "bad --since: exit $rc"

# 10. Issue 18 item 14: a file of which nothing parses is an error that
# names what it looks like, never a clean run.
printf '<html><body>not a log</body></html>\n<p>x</p>\n' >page.html
run_json page.html
[ "$(cat rc.txt)" = 2 ] && jq -e '.errors[0].path == "page.html" and
	(.errors[0].message | test("none of its 2 lines is in a format mailwarden reads \\(XML or HTML"))' out.json >/dev/null &&
	pass "unreadable format: exit 2 naming it (XML or HTML)" || { bad "unreadable format"; cat out.json; }
printf '{"a": 1}\n{"b": 2}\n' >other.json
run_json other.json
[ "$(cat rc.txt)" = 2 ] && jq -e '.errors[0].message | test("JSON, but not journalctl -o json")' out.json >/dev/null &&
	pass "JSON that is not the journal's: exit 2 naming it" || bad "foreign JSON"

# 11. Issue 18 item 15: lines outside --since are said, with the age of
# the newest one; an empty window is an info finding, exit 0.
run_json --since 2026-12-01 postfix-compromise.log
nl=$(jq '.data.logs.lines.out_of_window' out.json)
[ "$(cat rc.txt)" = 0 ] && [ "$nl" -gt 100 ] &&
	jq -e --arg n "$nl" '[.notes[] | select(.text | test("^" + $n + " lines outside the window since 2026-12-01T00:00:00Z; the newest line is [0-9]+ days old$"))] | length == 1' out.json >/dev/null &&
	jq -e '[.findings[] | select(.rule_id == "logs.outside-window" and .severity == "info")] | length == 1' out.json >/dev/null &&
	pass "window: $nl lines outside said, with the newest line's age; info finding" ||
	{ bad "window note"; jq '.notes, [.findings[].rule_id]' out.json; }

# 12. Issue 18 item 16: PHP mail.log stamps are in the window; the scripts
# table joins the header's bare name and mail.log's full path; a script in
# an upload/cache dir or with an image-like name is high at any volume.
run_json --since '2026-11-21 10:00:02' php-mail.log
jq -e '.data.logs.lines.php == 2 and .data.logs.lines.out_of_window == 1' out.json >/dev/null &&
	pass "PHP mail.log: stamps parsed, the window applies (2 in, 1 out)" ||
	{ bad "PHP mail.log window"; jq '.data.logs.lines' out.json; }
: >join.log
for i in 1 2 3; do
	q=$(printf 'C0FFEE%02d' "$i")
	printf 'Nov 20 10:00:0%d web1 postfix/pickup[10]: %s: uid=33 from=<www-data>\n' "$i" "$q" >>join.log
	printf 'Nov 20 10:00:0%d web1 postfix/cleanup[11]: %s: warning: header X-PHP-Originating-Script: 33:wp-cache.php from local; from=<www-data@web1.example.test>\n' "$i" "$q" >>join.log
	printf 'Nov 20 10:00:0%d web1 postfix/qmgr[12]: %s: from=<www-data@web1.example.test>, size=438, nrcpt=1 (queue active)\n' "$i" "$q" >>join.log
	printf '[20-Nov-2026 10:00:0%d UTC] mail() on [/var/www/site/wp-content/cache/wp-cache.php:7]: To: v%d@victim.example -- Headers: From: x@y.example\n' "$i" "$i" >>php-join.log
done
run_json join.log php-join.log
jq -e '(.data.logs.scripts | length) == 1 and .data.logs.scripts[0].script == "/var/www/site/wp-content/cache/wp-cache.php"
	and .data.logs.scripts[0].messages == 3 and .data.logs.scripts[0].also_as == ["wp-cache.php"]' out.json >/dev/null &&
	pass "scripts table: bare name and full path are one row of 3 mails" ||
	{ bad "scripts join"; jq '.data.logs.scripts' out.json; }
jq -e '[.findings[] | select(.rule_id == "logs.php-mail-script")][0] | .severity == "high" and .details.suspicious_location' out.json >/dev/null &&
	pass "3 mails from a script under cache/: high" || bad "cache script severity"

# 9. Hostile text: no raw control characters reach the terminal.
printf 'Nov 20 08:00:00 web1 postfix/pickup[1]: 3A1B2C: uid=33 from=<\033[2Jevil\033]0;x\007>\nNov 20 08:00:00 web1 postfix/qmgr[1]: 3A1B2C: from=<\033[2Jevil>, size=1, nrcpt=1 (queue active)\n' >hostile.log
"$bin" logs --no-progress hostile.log >text.txt 2>&1 || true
if grep -q $'\033' text.txt; then bad "raw ESC in text output"; else pass "text output escapes control characters"; fi
grep -q 'x1b\[2Jevil' text.txt && pass "escaped sender shown" || bad "escaped sender missing"

exit $fail
