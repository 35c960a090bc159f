#!/bin/bash
# `mailwarden logs` on lines a real Postfix writes now: runs
# tests/fixtures/maillog/capture.sh (private Postfix on 127.0.0.1:2527 with
# postlogd, mail submitted by uid 33 with Postfix's sendmail, a relay probe,
# remote-MX blocklist refusals) and checks what the logs command makes of
# the fresh log. The committed capture is compared exactly in logs.sh; here
# queue ids and times are new, so the facts are checked.
set -euo pipefail

top=${MW_TOP:?}
bin=${MW_BIN:?}
[ "$(id -u)" -eq 0 ] || { echo "needs root (private Postfix)"; exit 77; }
command -v postfix >/dev/null && command -v swaks >/dev/null && command -v jq >/dev/null ||
	{ echo "needs postfix, swaks, jq (deps/logs.txt)"; exit 77; }

w=$(mktemp -d /tmp/mw-e2e-logs-pf.XXXXXX)
trap 'rm -rf "$w"' EXIT
bash "$top/tests/fixtures/maillog/capture.sh" "$w/maillog"
rc=0
"$bin" logs --format json --no-progress "$w/maillog" >"$w/out.json" || rc=$?
fail=0
. "$top/tests/lib/check.sh"
[ "$rc" = 1 ] && echo "ok   - exit 1 (findings)" || { echo "FAIL - exit $rc"; fail=1; }
checkq "no malformed lines in real Postfix output" jq -e '.data.logs.lines.malformed == 0 and .data.logs.lines.postfix == .data.logs.lines.total' "$w/out.json"
checkq "5 messages from uid 33 (www-data), 1 from root" \
	jq -e '[.data.logs.top_local_users[] | {user, uid, messages}] == [{"user":"www-data","uid":33,"messages":5},{"user":"root","uid":0,"messages":1}]' "$w/out.json"
checkq "uid 33 reached 4 recipient domains in 9 deliveries" \
	jq -e '.data.logs.top_local_users[0].recipient_domains == 4 and .data.logs.top_local_users[0].recipients == 9' "$w/out.json"
checkq "script from X-PHP-Originating-Script" \
	jq -e '.findings[] | select(.rule_id == "logs.web-user-mail") | .details.scripts == ["wp-content/uploads/2026/11/mailer.php"] and .details.uid == 33' "$w/out.json"
checkq "zen.spamhaus.org: 3 refusals with 554 5.7.1" \
	jq -e '.findings[] | select(.rule_id == "logs.blocklisted" and .details.list == "zen.spamhaus.org") | .details.rejections == 3 and .details.code == "554 5.7.1"' "$w/out.json"
checkq "b.barracudacentral.org: 1 refusal with 550 5.7.1" \
	jq -e '.findings[] | select(.rule_id == "logs.blocklisted" and .details.list == "b.barracudacentral.org") | .details.rejections == 1 and .details.code == "550 5.7.1"' "$w/out.json"
checkq "relay probe refused once from 127.0.0.1" \
	jq -e '.findings[] | select(.rule_id == "logs.relay-denied") | .details.attempts == 1 and .evidence.ip == "127.0.0.1"' "$w/out.json"
checkq "one message still deferred" jq -e '.data.logs.deferred_queue.open_at_end == 1' "$w/out.json"
[ "$fails" -eq 0 ] || fail=1
exit $fail
