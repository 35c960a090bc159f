#!/bin/bash
# End-to-end test of `mailwarden queue` against a real private Postfix
# (tests/lib/postfix.sh) with Dovecot as its SASL server, port 2530 on
# loopback. Nothing leaves the host: relayhost is a closed loopback port
# ([127.0.0.1]:9), so every message stays deferred with "Connection refused".
#   - 500 messages submitted with sendmail as www-data (uid 33), half of them
#     with "X-PHP-Originating-Script: 33:mailer.php", half with
#     "33:wp-cron-x.php" (the header PHP's mail() adds: uid and script);
#   - 20 over SMTP AUTH as bob@mw.test (swaks, Dovecot passwd-file);
#   - 5 bounces to forged senders (root submits to unknown local users with
#     -f forged...@example.net; local_transport = error bounces them);
#   - 1 message from root whose header holds terminal escapes.
# The report must group 500 / 20 / 5 exactly with both scripts, raise
# queue.spike at the default threshold (500), queue.web-user-mail and
# queue.backscatter; --hold --uid 33 --apply holds exactly the 500 (checked
# with postqueue -j), --release restores them, --delete --script mailer.php
# --apply removes only that script's 250, and a --delete whose selection is
# the whole queue is refused. Every action is in the journal, id by id.
set -euo pipefail
: "${MW_TOP:?}" "${MW_BIN:?}"
. "$MW_TOP/tests/lib/postfix.sh"
. "$MW_TOP/tests/lib/dovecot-sasl.sh"
pf_require
for p in jq swaks dovecot; do
	command -v "$p" >/dev/null || { echo "$p is not installed (make deps)"; exit 77; }
done
id www-data >/dev/null 2>&1 || { echo "no www-data user"; exit 77; }

work=$(mktemp -d /tmp/mw-queue-e2e.XXXXXX)
chmod 0755 "$work"
pf=$work/pf dv=$work/dovecot state=$work/state
cleanup() {
	pf_stop "$pf"
	dv_sasl_stop "$dv"
	rm -rf "$work"
}
trap cleanup EXIT

. "$MW_TOP/tests/lib/check.sh"
mwq() {	# mwq OUT ARGS...: mailwarden queue on this instance, exit code echoed
	local out=$1 rc
	shift
	set +e
	"$MW_BIN" queue --no-progress --postfix-config "$pf/etc" --state-dir "$state" "$@" >"$out" 2>"$out.err"
	rc=$?
	set -e
	echo "$rc"
}
pq() {	# the live queue, one JSON object per message
	postqueue -c "$pf/etc" -j 2>/dev/null
}

# --- Dovecot: SASL only, its socket for Postfix in our directory ---------------
pf_create "$pf" 2530
mkdir -p "$state"
pf_postconf "$pf" -e "relayhost = [127.0.0.1]:9" "default_transport = smtp" \
	"relay_transport = smtp" "local_transport = error:5.1.1 no such user here" \
	"smtpd_sasl_auth_enable = yes" "smtpd_sasl_type = dovecot" \
	"smtpd_sasl_path = $dv/auth-postfix" "smtp_connect_timeout = 2s"
pf_master_add "$pf" "smtp      unix  -       -       n       -       -       smtp"
# local_recipient_maps would refuse nosuch@localhost at RCPT: the bounces
# must come from accepted mail, as backscatter does
pf_postconf "$pf" -e "local_recipient_maps ="
# Dovecot first: an smtpd that starts before the auth socket exists dies
# ("no SASL authentication mechanisms") and master throttles the service
dv_sasl_start "$dv" bob@mw.test:s3cret
pf_start "$pf"

# --- the queue --------------------------------------------------------------
# 500 as www-data in one private mount namespace (pf_sendmail's bind mount,
# once instead of 500 times)
unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1/etc" /etc/postfix &&
	for i in $(seq 1 500); do
		if [ $((i % 2)) = 0 ]; then s=mailer.php; else s=wp-cron-x.php; fi
		printf "X-PHP-Originating-Script: 33:%s\nTo: r%s@example.com\nSubject: offer %s\n\nbuy\n" "$s" "$i" "$i" |
			runuser -u www-data -- /usr/sbin/sendmail -f www-data@mw-test.localdomain "r$i@example.com" || exit 1
	done' _ "$pf" 2>/dev/null
for i in $(seq 1 20); do
	swaks --silent 2 --server 127.0.0.1:2530 --auth PLAIN --auth-user bob@mw.test \
		--auth-password s3cret --from bob@mw.test --to "c$i@example.org" \
		--header "Subject: sasl $i" --body x >/dev/null
done
for i in $(seq 1 5); do
	printf 'Subject: to nobody %s\n\nx\n' "$i" |
		pf_sendmail "$pf" root -f "forged$i@example.net" "nosuch$i@localhost" 2>/dev/null
done
printf 'X-PHP-Originating-Script: 0:\033[2J\033]0;pwned\007evil.php\nSubject: x\n\nx\n' |
	pf_sendmail "$pf" root -f root@mw-test.localdomain hostile@example.com 2>/dev/null
# wait until all 526 sit in the deferred queue (incoming -> active -> deferred)
for _ in $(seq 1 600); do
	n=$(pq | jq -s '[.[] | select(.queue_name == "deferred")] | length')
	[ "$n" -ge 526 ] && break
	sleep 0.1
done
echo "deferred: $n"
check "setup: 526 messages deferred (500 + 20 + 5 bounces + 1)" test "$n" -eq 526

# --- report -----------------------------------------------------------------
rc=$(mwq "$work/r.json" --format json)
j=$work/r.json
rc_txt=$(mwq "$work/r.txt" --color never)
cat "$work/r.txt"
check "report: exit 1 (findings)" test "$rc" -eq 1
check "report: 526 messages, all inspected" jqt "$j" '.data.queue.messages == 526 and .data.queue.inspected == 526'
check "report: uid 33 (www-data) submitted exactly 500" \
	jqt "$j" '[.data.queue.groups.uid[] | select(.key == "33" and .user == "www-data" and .messages == 500)] | length == 1'
check "report: both scripts, 250 each" \
	jqt "$j" '[.data.queue.groups.script[] | select((.key == "mailer.php" or .key == "wp-cron-x.php") and .messages == 250)] | length == 2'
check "report: SASL bob@mw.test submitted exactly 20 from 127.0.0.1" \
	jqt "$j" '(.data.queue.groups.sasl == [.data.queue.groups.sasl[] | select(.key == "bob@mw.test" and .messages == 20)]) and
		([.data.queue.groups.client[] | select(.key == "127.0.0.1" and .messages == 20)] | length == 1)'
check "report: exactly 5 bounces, grouped as sender <>" \
	jqt "$j" '.data.queue.bounces == 5 and ([.data.queue.groups.sender[] | select(.key == "<>" and .messages == 5)] | length == 1)'
check "report: deferral reasons classed as connect (the dead relay)" \
	jqt "$j" '[.data.queue.reasons[] | select(.class == "connect" and .messages == 526)] | length == 1'
check "finding: queue.spike for the queue at the default warn (500)" \
	jqt "$j" '[.findings[] | select(.rule_id == "queue.spike" and .severity == "high" and .details.messages == 526 and .details.warn == 500)] | length == 1'
check "finding: queue.spike names uid 33 with 500 messages" \
	jqt "$j" '[.findings[] | select(.rule_id == "queue.spike" and .details.group == "uid" and .details.key == "33" and .details.messages == 500)] | length == 1'
check "finding: queue.web-user-mail for www-data with both scripts" \
	jqt "$j" '[.findings[] | select(.rule_id == "queue.web-user-mail" and .details.user == "www-data" and .details.messages == 500
		and ([.details.scripts[].script] | sort == ["mailer.php", "wp-cron-x.php"]))] | length == 1'
check "finding: queue.backscatter for the 5 bounces" \
	jqt "$j" '[.findings[] | select(.rule_id == "queue.backscatter" and .details.bounces == 5)] | length == 1'
check "text: exit 1 and the groups printed" \
	sh -c "test $rc_txt -eq 1 && grep -qE '^ +500  33 +oldest .*\\(www-data\\)' '$work/r.txt' && grep -qE '^ +20  bob@mw.test ' '$work/r.txt'"
check "escaping: no raw ESC or BEL in text or JSON, the hostile script shown escaped" \
	sh -c "! grep -q \$(printf '\\033') '$work/r.txt' && ! grep -q \$(printf '\\007') '$work/r.txt' &&
	       ! grep -q \$(printf '\\033') '$j' && grep -qF '\\x1b[2J\\x1b]0;pwned\\x07evil.php' '$work/r.txt'"

# the audit runs the queue check with --postfix-config passed through
set +e
"$MW_BIN" audit --only queue --format json --no-progress --state-dir "$state" \
	--postfix-config "$pf/etc" >"$work/audit.json" 2>/dev/null
set -e
check "audit --only queue: invoked with --postfix-config, same findings as queue" \
	jqt "$work/audit.json" "(.data.audit.checks[] | select(.name == \"queue\") | .status == \"ok\" and .argv == \"queue --postfix-config $pf/etc\")
		and ([.findings[] | select(.check == \"queue\")] | length == $(jq '.findings | length' "$j"))"

# --- hold: a dry run first, then --apply --------------------------------------
before=$(pq | md5sum)
rc=$(mwq "$work/hold-dry.json" --format json --hold --uid 33)
check "hold dry run: 500 ids listed, nothing applied, exit 1" \
	jqt "$work/hold-dry.json" '.data.queue.action | .action == "hold" and .messages == 500 and (.ids | length) == 500 and .applied == false'
check "hold dry run: the queue is unchanged, no journal" \
	sh -c "test '$(pq | md5sum)' = '$before' && test ! -e '$state/queue-actions.log'"
rc=$(mwq "$work/hold.json" --format json --hold --uid 33 --apply)
pq >"$work/after-hold.jsonl"
check "hold --apply: exactly the 500 are in the hold queue (postqueue -j)" \
	test "$(jq -r 'select(.queue_name == "hold") | .queue_id' "$work/after-hold.jsonl" | sort | md5sum)" = \
	     "$(jq -r '.data.queue.action.ids[]' "$work/hold-dry.json" | sort | md5sum)"
check "hold --apply: the 20 SASL, 5 bounces and 1 other still deferred" \
	test "$(jq -s '[.[] | select(.queue_name == "deferred")] | length' "$work/after-hold.jsonl")" -eq 26
journal_ok() {
	local tab=$'\t'
	jq -e '.data.queue.action.applied == true' "$work/hold.json" >/dev/null &&
		[ "$(grep -c "${tab}hold${tab}postfix${tab}uid=33${tab}[0-9A-Za-z]*${tab}sender=<www-data@mw-test.localdomain>$" "$state/queue-actions.log")" -eq 500 ] &&
		grep -q "${tab}hold${tab}postfix${tab}uid=33${tab}result${tab}ok, 500 ids" "$state/queue-actions.log"
}
check "hold --apply: reported applied, journal has one line per id" journal_ok
check "journal: mode 0600" test "$(stat -c %a "$state/queue-actions.log")" = 600
rc=$(mwq "$work/hold2.json" --format json --hold --uid 33 --apply)
check "hold again: idempotent, 0 messages to hold" jqt "$work/hold2.json" '.data.queue.action.messages == 0 and .data.queue.held == 500'

# --- release ------------------------------------------------------------------
rc=$(mwq "$work/release.json" --format json --release --uid 33 --apply)
check "release --apply: nothing left on hold, 526 deferred" \
	test "$(pq | jq -s '[.[] | select(.queue_name == "deferred")] | length')" -eq 526

# --- delete -------------------------------------------------------------------
rc=$(mwq "$work/usage.txt" --delete --apply)
check "delete without a selector: usage error, exit 2" \
	sh -c "test $rc -eq 2 && grep -q 'needs a selector' '$work/usage.txt.err'"
rc=$(mwq "$work/del.json" --format json --delete --script mailer.php --apply)
pq >"$work/after-del.jsonl"
check "delete --script mailer.php --apply: 276 left" test "$(wc -l <"$work/after-del.jsonl")" -eq 276
deleted_ok() {
	[ "$(jq '.data.queue.action.messages' "$work/del.json")" -eq 250 ] &&
		[ -z "$(comm -12 <(jq -r '.data.queue.action.ids[]' "$work/del.json" | sort) \
			<(jq -r .queue_id "$work/after-del.jsonl" | sort))" ]
}
check "delete: the 250 deleted ids are gone" deleted_ok
rc=$(mwq "$work/after.json" --format json)
check "after delete: wp-cron-x.php's 250, the 20 SASL and 5 bounces remain" \
	jqt "$work/after.json" '(.data.queue.groups.script | map(select(.key == "wp-cron-x.php" and .messages == 250)) | length == 1)
		and ([.data.queue.groups.script[].key] | index("mailer.php") == null)
		and (.data.queue.groups.sasl[0].messages == 20) and .data.queue.bounces == 5'
rc=$(mwq "$work/all.json" --format json --delete --older-than 1s --apply)
refused_ok() {
	[ "$rc" -eq 2 ] && [ "$(pq | wc -l)" -eq 276 ] &&
		jq -e '.data.queue.action.refused and .data.queue.action.applied == false' "$work/all.json" >/dev/null
}
check "delete matching the whole queue: refused, exit 2, nothing deleted" refused_ok

echo "$fails failed"
[ "$fails" -eq 0 ]
