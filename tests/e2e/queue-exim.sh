#!/bin/bash
# End-to-end test of `mailwarden queue` against a real Exim 4.96 (Debian's
# package extracted by tests/lib/exim-fetch.sh; tests/lib/exim.sh runs it
# with its own configuration and spool). queue_only = true: nothing is
# delivered, nothing leaves. Batched SMTP (-bS) as root submits:
#   - 500 messages with -oMt www-data (Exim records ident www-data and
#     protocol local-bsmtp: what a setuid Exim records for a www-data
#     caller; -oMt stands in for running as www-data, which the private
#     -C configuration does not allow), half with
#     "X-PHP-Originating-Script: 33:mailer.php", half "33:wp-cron-x.php";
#   - 20 as if received with SMTP AUTH as bob@mw.test from 127.0.0.1
#     (-oMai, -oMaa, -oMa, -oMr esmtpa);
#   - 5 bounces (MAIL FROM:<>) to forged senders.
# `exim -bp` is parsed, every message read with `exim -Mvh`; the report
# groups 500 / 20 / 5 exactly with both scripts; --hold --uid 33 --apply
# freezes exactly the 500 (-Mf, checked with exim -bp), --release thaws
# them (-Mt), --delete --script mailer.php --apply removes exactly that
# script's 250 (-Mrm).
set -euo pipefail
: "${MW_TOP:?}" "${MW_BIN:?}"
. "$MW_TOP/tests/lib/exim.sh"
ex_require
command -v jq >/dev/null || { echo "jq is not installed (make deps)"; exit 77; }
id www-data >/dev/null 2>&1 || { echo "no www-data user"; exit 77; }

work=$(mktemp -d /tmp/mw-queue-exim.XXXXXX)
chmod 0755 "$work"
ex=$work/ex state=$work/state
trap 'rm -rf "$work"' EXIT

. "$MW_TOP/tests/lib/check.sh"
mwq() {	# mwq OUT ARGS...: mailwarden queue on this Exim, exit code echoed
	local out=$1 rc
	shift
	set +e
	"$MW_BIN" queue --no-progress --exim "$ex/exim4" --state-dir "$state" "$@" >"$out" 2>"$out.err"
	rc=$?
	set -e
	echo "$rc"
}
frozen() { "$ex/exim4" -bp | grep -c '\*\*\* frozen \*\*\*$' || true; }
queued() { "$ex/exim4" -bpc; }

ex_create "$ex" "queue_only = true" "domainlist relay_to_domains =" "hostlist relay_from_hosts = 127.0.0.1"
mkdir -p "$state"

bsmtp() {	# bsmtp SENDER RCPT HEADER: one batched-SMTP message
	printf 'MAIL FROM:<%s>\nRCPT TO:<%s>\nDATA\n%sSubject: queued\n\nbody\n.\n' "$1" "$2" "$3"
}
{
	for i in $(seq 1 500); do
		if [ $((i % 2)) = 0 ]; then s=mailer.php; else s=wp-cron-x.php; fi
		bsmtp www-data@mw-exim.localdomain "r$i@example.com" "X-PHP-Originating-Script: 33:$s
"
	done
	echo QUIT
} | "$ex/exim4" -bS -oMt www-data
{
	for i in $(seq 1 20); do bsmtp bob@mw.test "c$i@example.org" ""; done
	echo QUIT
} | "$ex/exim4" -bS -oMa 127.0.0.1.40000 -oMr esmtpa -oMaa PLAIN -oMai bob@mw.test
{
	for i in $(seq 1 5); do bsmtp "" "forged$i@example.net" ""; done
	echo QUIT
} | "$ex/exim4" -bS
n=$(queued)
check "setup: 525 messages queued" test "$n" -eq 525

rc=$(mwq "$work/r.json" --format json)
j=$work/r.json
rc_txt=$(mwq "$work/r.txt" --color never)
head -40 "$work/r.txt"
check "report: exit 1 (findings), exim, 525 messages, all inspected" \
	sh -c "test $rc -eq 1 && test $rc_txt -eq 1 && jq -e '.data.queue.mta == \"exim\" and .data.queue.messages == 525 and .data.queue.inspected == 525' '$j' >/dev/null"
check "report: uid 33 (www-data) submitted exactly 500" \
	jqt "$j" '[.data.queue.groups.uid[] | select(.key == "33" and .user == "www-data" and .messages == 500)] | length == 1'
check "report: both scripts, 250 each" \
	jqt "$j" '[.data.queue.groups.script[] | select((.key == "mailer.php" or .key == "wp-cron-x.php") and .messages == 250)] | length == 2'
check "report: SASL bob@mw.test exactly 20, from 127.0.0.1" \
	jqt "$j" '(.data.queue.groups.sasl == [.data.queue.groups.sasl[] | select(.key == "bob@mw.test" and .messages == 20)]) and
		([.data.queue.groups.client[] | select(.key == "127.0.0.1" and .messages == 20)] | length == 1)'
check "report: exactly 5 bounces" \
	jqt "$j" '.data.queue.bounces == 5 and ([.data.queue.groups.sender[] | select(.key == "<>" and .messages == 5)] | length == 1)'
check "findings: queue.spike (queue and uid 33), queue.web-user-mail, queue.backscatter" \
	jqt "$j" '([.findings[] | select(.rule_id == "queue.spike" and .details.warn == 500)] | length == 1) and
		([.findings[] | select(.rule_id == "queue.spike" and .details.key == "33")] | length == 1) and
		([.findings[] | select(.rule_id == "queue.web-user-mail" and .details.messages == 500)] | length == 1) and
		([.findings[] | select(.rule_id == "queue.backscatter" and .details.bounces == 5)] | length == 1)'

rc=$(mwq "$work/hold.json" --format json --hold --uid 33 --apply)
check "hold --uid 33 --apply: exactly 500 frozen (exim -bp), journaled" \
	sh -c "test $(frozen) -eq 500 && jq -e '.data.queue.action.applied and .data.queue.action.messages == 500' '$work/hold.json' >/dev/null &&
	       test \$(grep -c 'hold	exim	uid=33	' '$state/queue-actions.log') -eq 501"
frozen_ids=$("$ex/exim4" -bp | awk '/frozen \*\*\*$/ { print $3 }' | sort | md5sum)
check "hold: the frozen ids are the ids reported" \
	test "$frozen_ids" = "$(jq -r '.data.queue.action.ids[]' "$work/hold.json" | sort | md5sum)"
rc=$(mwq "$work/rel.json" --format json --release --uid 33 --apply)
check "release --uid 33 --apply: nothing frozen" test "$(frozen)" -eq 0
rc=$(mwq "$work/del.json" --format json --delete --script mailer.php --apply)
check "delete --script mailer.php --apply: 275 left" test "$(queued)" -eq 275
rc=$(mwq "$work/after.json" --format json)
check "after delete: wp-cron-x.php 250, SASL 20, bounces 5, no mailer.php" \
	jqt "$work/after.json" '(.data.queue.groups.script | map(select(.key == "wp-cron-x.php" and .messages == 250)) | length == 1)
		and ([.data.queue.groups.script[].key] | index("mailer.php") == null)
		and (.data.queue.groups.sasl[0].messages == 20) and .data.queue.bounces == 5'

echo "$fails failed"
[ "$fails" -eq 0 ]
