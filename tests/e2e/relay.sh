#!/bin/bash
# End-to-end test of `mailwarden relay` against real private Postfix
# instances on loopback (tests/lib/postfix.sh):
#   1. open: mynetworks = 0.0.0.0/0, no XCLIENT for us  -> 16/16 relayed,
#      trusted view explained, config audit names mynetworks = 0.0.0.0/0;
#   2. Debian 12 defaults + smtpd_authorized_xclient_hosts = 127.0.0.1
#      -> untrusted view through XCLIENT, 0/16 relayed, every refusal is
#      Debian's "454 4.7.1 <addr>: Relay access denied", 16 variants < 5 s;
#   3. open restrictions in a master.cf -o override (an access table
#      answering OK to every client before defer_unauth_destination) +
#      XCLIENT -> 16/16 relayed for a stranger: critical open-relay finding
#      and the override named by the audit (master.cf, line).
set -euo pipefail
: "${MW_TOP:?}" "${MW_BIN:?}"
. "$MW_TOP/tests/lib/postfix.sh"
pf_require
command -v jq >/dev/null || { echo "jq is not installed (make deps)"; exit 77; }

work=$(mktemp -d /tmp/mw-relay-e2e.XXXXXX)
chmod 0755 "$work"	# the postfix user must reach the queue below it
cleanup() {
	pf_stop "$work/open"
	pf_stop "$work/debian"
	pf_stop "$work/permit"
	rm -rf "$work"
}
trap cleanup EXIT

fails=0
check() {	# check "what" command...
	local what=$1
	shift
	if "$@"; then
		echo "ok:   $what"
	else
		echo "FAIL: $what"
		fails=$((fails + 1))
	fi
}
jqt() {	# jqt FILE FILTER: true when the jq filter yields true
	[ "$(jq -r "$2" "$1")" = true ]
}

run_relay() {	# run_relay NAME PORT: JSON into $work/NAME.json, text into .txt
	local name=$1 port=$2 rc
	set +e
	"$MW_BIN" relay --format json --no-progress --postfix-config "$work/$name/etc" \
		"127.0.0.1:$port" >"$work/$name.json" 2>"$work/$name.err"
	rc=$?
	"$MW_BIN" relay --format text --color never --no-progress \
		--postfix-config "$work/$name/etc" "127.0.0.1:$port" >"$work/$name.txt" 2>&1
	set -e
	echo "$rc"
}

# --- 1. open by mynetworks, probed as a trusted client -----------------------
pf_create "$work/open" 2525 "mynetworks = 0.0.0.0/0"
pf_start "$work/open"
rc=$(run_relay open 2525)
j=$work/open.json
cat "$work/open.txt"
check "open: exit code 1 (findings)" test "$rc" -eq 1
check "open: 16/16 variants relayed" jqt "$j" '.data.relay.probes[0].relayed == 16 and .data.relay.probes[0].tested == 16'
check "open: every variant verdict is relayed with a 250 reply" \
	jqt "$j" '[.data.relay.probes[0].variants[] | select(.verdict == "relayed" and .code == 250)] | length == 16'
check "open: viewpoint trusted (no XCLIENT offered to us)" \
	jqt "$j" '.data.relay.probes[0].viewpoint == "trusted" and .data.relay.probes[0].xclient_offered == false'
check "open: mynetworks entry trusting us is 0.0.0.0/0" jqt "$j" '.data.relay.probes[0].trusted_by == ["0.0.0.0/0"]'
check "open: note says the result only covers trusted clients" \
	jqt "$j" '[.notes[].text | select(test("only covers trusted clients.*0\\.0\\.0\\.0/0"))] | length == 1'
check "open: critical finding names mynetworks = 0.0.0.0/0 in main.cf with its line" \
	jqt "$j" "[.findings[] | select(.rule_id == \"relay.mynetworks-too-wide\" and .severity == \"critical\"
		and .excerpt == \"mynetworks = 0.0.0.0/0\" and .evidence.path == \"$work/open/etc/main.cf\"
		and .evidence.line == $(grep -n '^mynetworks = 0.0.0.0/0' "$work/open/etc/main.cf" | cut -d: -f1))] | length == 1"
check "open: the mynetworks finding carries the fix" \
	jqt "$j" '[.findings[] | select(.rule_id == "relay.mynetworks-too-wide" and
		(.remediation | test("mynetworks = 127\\.0\\.0\\.0/8")))] | length == 1'
check "open: info finding says it relayed for us as a trusted client" \
	jqt "$j" '[.findings[] | select(.rule_id == "relay.relayed-trusted" and .severity == "info"
		and .details.relayed == 16 and .details.viewpoint == "trusted")] | length == 1'
check "open: no untrusted open-relay claim from a trusted view" \
	jqt "$j" '[.findings[] | select(.rule_id == "relay.open-relay")] | length == 0'
check "open: text output shows the result line" \
	grep -q "result: 16/16 relayed, 0 refused, 0 errors" "$work/open.txt"
check "open: text output names the trusted viewpoint and the mynetworks entry" \
	grep -qF "viewpoint: TRUSTED client 127.0.0.1, in mynetworks via 0.0.0.0/0" "$work/open.txt"
# Postfix's own account of the session: "disconnect from ... ehlo=1
# mail=16 rcpt=16 rset=16 quit=1 commands=50", and no data= anywhere
check "open: Postfix logged one session with 16 MAIL, 16 RCPT, 16 RSET" \
	grep -q 'disconnect from localhost\[127.0.0.1\] ehlo=1 mail=16 rcpt=16 rset=16 quit=1' "$work/open/maillog"
check "open: DATA never sent (no data= or message-id= in the Postfix log)" \
	sh -c "! grep -qE 'data=|message-id=' '$work/open/maillog'"
pf_stop "$work/open"

# --- 2. Debian defaults, probed as a stranger through XCLIENT ----------------
pf_create "$work/debian" 2526 "smtpd_authorized_xclient_hosts = 127.0.0.1"
pf_start "$work/debian"
rc=$(run_relay debian 2526)
j=$work/debian.json
cat "$work/debian.txt"
check "debian: exit code 1 (the low rate-limit finding), not 2" test "$rc" -eq 1
check "debian: XCLIENT untrusted view as 192.0.2.1" \
	jqt "$j" '.data.relay.probes[0].viewpoint == "untrusted" and .data.relay.probes[0].client_address == "192.0.2.1"'
check "debian: 0/16 relayed, 16 refused, 0 errors" \
	jqt "$j" '.data.relay.probes[0] | .relayed == 0 and .refused == 16 and .errors == 0 and .tested == 16'
check "debian: every refusal is 454 4.7.1 <addr>: Relay access denied at RCPT" \
	jqt "$j" '[.data.relay.probes[0].variants[] | select(.stage == "RCPT" and .code == 454
		and (.text | test("^4\\.7\\.1 <[^>]+>: Relay access denied$")))] | length == 16'
check "debian: text output carries Debian's refusal" \
	grep -qF "454 4.7.1 <relaytest@example.com>: Relay access denied" "$work/debian.txt"
ms=$(jq '.data.relay.probes[0].elapsed_ms' "$j")
echo "debian: 16 variants probed in $ms ms"
check "debian: 16 variants in under 5 s ($ms ms)" test "$ms" -lt 5000
check "debian: no open-relay, mynetworks or restriction finding" \
	jqt "$j" '[.findings[] | select(.rule_id | test("open-relay|mynetworks|open-restrictions|permit-before"))] | length == 0'
check "debian: no trusted-only note" \
	jqt "$j" '[.notes[].text | select(test("only covers trusted"))] | length == 0'
check "debian: STARTTLS reported as not offered" jqt "$j" '.data.relay.probes[0].starttls_offered == false'
# helper self-check for the other e2e tests: a local submission as www-data
printf 'Subject: helper check\n\nhello\n' |
	pf_sendmail "$work/debian" www-data -f www-data@localhost someone@example.com
for _ in $(seq 1 50); do
	grep -q 'postfix/discard.*to=<someone@example.com>.*status=sent' "$work/debian/maillog" && break
	sleep 0.1
done
check "helper: pf_sendmail as www-data shows as pickup uid=33 and is discarded" \
	sh -c "grep -q 'postfix/pickup.*uid=33 from=<www-data@localhost>' '$work/debian/maillog' &&
	       grep -q 'postfix/discard.*to=<someone@example.com>.*status=sent' '$work/debian/maillog'"
pf_stop "$work/debian"

# --- 3. open restrictions in a master.cf override, probed as a stranger -----
# main.cf keeps Debian's safe default; the smtpd service itself gets
# "-o smtpd_relay_restrictions=" with an access table answering OK to every
# client before defer_unauth_destination (Postfix refuses a literal
# "permit" there, so this is how such configs look in practice).
pf_create "$work/permit" 2525 "smtpd_authorized_xclient_hosts = 127.0.0.1"
pf_smtpd_opts "$work/permit" \
	-o smtpd_relay_restrictions=permit_mynetworks,check_client_access,static:OK,defer_unauth_destination
pf_start "$work/permit"
rc=$(run_relay permit 2525)
j=$work/permit.json
cat "$work/permit.txt"
check "permit: exit code 1" test "$rc" -eq 1
check "permit: 16/16 relayed for the untrusted client" \
	jqt "$j" '.data.relay.probes[0] | .relayed == 16 and .viewpoint == "untrusted"'
check "permit: critical relay.open-relay finding" \
	jqt "$j" '[.findings[] | select(.rule_id == "relay.open-relay" and .severity == "critical" and .details.relayed == 16)] | length == 1'
check "permit: audit names the master.cf override of service 2525 (line 1)" \
	jqt "$j" "[.findings[] | select(.rule_id == \"relay.open-restrictions\" and .severity == \"critical\"
		and .evidence.path == \"$work/permit/etc/master.cf\" and .evidence.line == 1
		and .excerpt == \"2525 inet: -o smtpd_relay_restrictions=permit_mynetworks,check_client_access,static:OK,defer_unauth_destination\")] | length == 1"
check "permit: main.cf itself is not blamed" \
	jqt "$j" '[.findings[] | select(.rule_id == "relay.open-restrictions")] | length == 1'
check "permit: data lists the override of the smtpd service" \
	jqt "$j" '.data.relay.postfix.smtpd_services[0].overrides.smtpd_relay_restrictions | startswith("permit_mynetworks,check_client_access,static:OK")'
pf_stop "$work/permit"

# --- errors: nothing listens, bad targets ---------------------------------------
set +e
"$MW_BIN" relay --no-config --format json 127.0.0.1:2525 >"$work/down.json" 2>/dev/null
rc=$?
"$MW_BIN" relay --no-config '[::1' >/dev/null 2>"$work/usage.err"
rc_usage=$?
set -e
check "down: explicit target with nothing listening exits 2" test "$rc" -eq 2
check "down: error says connection refused" \
	jqt "$work/down.json" '[.errors[].message | select(test("127\\.0\\.0\\.1:2525: .*Connection refused"))] | length == 1'
check "usage: malformed target exits 2 with a message" \
	sh -c "test $rc_usage -eq 2 && grep -q 'bad target' '$work/usage.err'"

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all relay e2e checks passed"
