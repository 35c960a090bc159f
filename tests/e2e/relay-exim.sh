#!/bin/bash
# End-to-end test of `mailwarden relay` against a real Exim 4.96 (Debian's
# package, extracted by tests/lib/exim-fetch.sh; it cannot be installed
# beside Postfix), in two network namespaces of our own: Exim on
# 192.0.2.25:25, mailwarden on 198.51.100.66 (issue 18 items 1, 4, 5, 6):
#   1. relay_from_hosts = *, probed with --no-config: Exim drops the session
#      after smtp_max_synprot_errors (3); every lost variant is retried on a
#      new session: 16 tested, 3 relayed, critical, exit 1 (was exit 2);
#      only Exim advice;
#   2. the same with --exim: the audit reads relay_from_hosts through
#      `exim -bP +relay_from_hosts` (critical for *), the viewpoint is
#      decided from it and the open-relay fix names that finding;
#   3. relay_from_hosts = 127.0.0.1: the stranger is untrusted, 0/16,
#      "not an open relay from this viewpoint";
#   4. --no-probe audits: a wide list is high, an undefined list a note, a
#      configuration Exim cannot read an error (exit 2), never a pass;
#   5. `audit --only relay` passes --exim through.
set -euo pipefail
: "${MW_TOP:?}" "${MW_BIN:?}"
. "$MW_TOP/tests/lib/exim.sh"
ex_require
command -v jq >/dev/null || { echo "jq is not installed (make deps)"; exit 77; }

work=$(mktemp -d /tmp/mw-relay-exim.XXXXXX)
chmod 0755 "$work"	# Debian-exim must reach its spool below it
ns_srv=mwes$$ ns_cli=mwec$$
SRV=192.0.2.25 CLI=198.51.100.66
cleanup() {
	ex_stop "$work/open"
	ex_stop "$work/safe"
	ip netns del "$ns_srv" 2>/dev/null || true
	ip netns del "$ns_cli" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns_srv"
ip netns add "$ns_cli"
ip link add "mwes$$" type veth peer name "mwec$$"
ip link set "mwes$$" netns "$ns_srv"
ip link set "mwec$$" netns "$ns_cli"
ip -n "$ns_srv" link set lo up
ip -n "$ns_cli" link set lo up
ip -n "$ns_srv" addr add "$SRV/24" dev "mwes$$"
ip -n "$ns_cli" addr add "$CLI/24" dev "mwec$$"
ip -n "$ns_srv" link set "mwes$$" up
ip -n "$ns_cli" link set "mwec$$" up
ip -n "$ns_srv" route add 198.51.100.0/24 dev "mwes$$"
ip -n "$ns_cli" route add 192.0.2.0/24 dev "mwec$$"

. "$MW_TOP/tests/lib/check.sh"
mw_cli() {	# mw_cli OUT ARGS...: mailwarden in the client namespace; prints rc
	local out=$1 rc=0
	shift
	ip netns exec "$ns_cli" "$MW_BIN" "$@" >"$out" 2>"$out.err" || rc=$?
	echo "$rc"
}

# --- 1. open Exim, probed from outside without configuration -----------------
ex_create "$work/open" "hostlist relay_from_hosts = *"
EX_NETNS=$ns_srv ex_start "$work/open" 25
rc=$(mw_cli "$work/open-nc.json" relay --no-config --format json --no-progress "$SRV:25")
mw_cli "$work/open-nc.txt" relay --no-config --color never --no-progress "$SRV:25" >/dev/null
cat "$work/open-nc.txt"
j=$work/open-nc.json
check "exim: exit 1 (findings), not 2" test "$rc" -eq 1
check "exim: greeting says Exim" jqt "$j" '.data.relay.probes[0].mta == "exim"'
check "exim: 16 tested, 3 relayed, 13 refused, 0 errors" \
	jqt "$j" '.data.relay.probes[0] | .tested == 16 and .relayed == 3 and .refused == 13 and .errors == 0'
check "exim: the server hung up and the lost variants were retried on new sessions" \
	jqt "$j" '.data.relay.probes[0] | .retried >= 1 and .sessions >= 2'
check "exim: its log says why it hung up" \
	grep -q "too many syntax or protocol errors" "$work/open/log/mainlog"
check "exim: the client the server saw is the one it echoed ($CLI)" \
	jqt "$j" ".data.relay.probes[0] | .echoed_address == \"$CLI\" and .client_address == \"$CLI\""
check "exim: critical open relay, viewpoint unknown (--no-config)" \
	jqt "$j" '[.findings[] | select(.rule_id == "relay.open-relay" and .severity == "critical"
		and .details.relayed == 3 and .details.viewpoint == "unknown")] | length == 1'
check "exim: no Postfix advice and no XCLIENT refusal for an Exim target" \
	jqt "$j" '[.notes[].text, .findings[].remediation | select(test("postfix|postconf|smtpd_|refused our XCLIENT"; "i"))] | length == 0'
check "exim: Exim advice instead" \
	jqt "$j" '[.notes[].text | select(test("Exim has no XCLIENT"))] | length == 1'

# --- 2. the same with Exim's configuration (--exim) ---------------------------
rc=$(mw_cli "$work/open.json" relay --format json --no-progress --exim "$work/open/exim4" "$SRV:25")
j=$work/open.json
jq -c '.findings[] | {rule_id, severity, title}' "$j"
check "exim config: exit 1" test "$rc" -eq 1
check "exim config: relay_from_hosts = * is critical (read with -bP +relay_from_hosts)" \
	jqt "$j" '[.findings[] | select(.rule_id == "relay.exim-relay-hosts-too-wide" and .severity == "critical"
		and .excerpt == "hostlist relay_from_hosts = *")] | length == 1'
check "exim config: viewpoint trusted only through '*', which trusts everyone -> critical" \
	jqt "$j" '(.data.relay.probes[0] | .viewpoint == "trusted" and .trust_list == "relay_from_hosts"
		and .trusted_by == ["*"] and .trusts_everyone)
		and ([.findings[] | select(.rule_id == "relay.open-relay" and .severity == "critical")] | length == 1)'
check "exim config: the open-relay fix names the relay_from_hosts finding, Exim's way" \
	jqt "$j" '[.findings[] | select(.rule_id == "relay.open-relay" and
		(.remediation | test("relay\\.exim-relay-hosts-too-wide")) and
		(.remediation | test("update-exim4.conf")) and (.remediation | test("postfix") | not))] | length == 1'
check "exim config: data shows relay_from_hosts" jqt "$j" '.data.relay.exim.relay_from_hosts == "*"'
ex_stop "$work/open"

# --- 3. a safe relay_from_hosts: the stranger is refused ----------------------
ex_create "$work/safe" "hostlist relay_from_hosts = 127.0.0.1"
EX_NETNS=$ns_srv ex_start "$work/safe" 25
rc=$(mw_cli "$work/safe.json" relay --format json --no-progress --exim "$work/safe/exim4" "$SRV:25")
mw_cli "$work/safe.txt" relay --color never --no-progress --exim "$work/safe/exim4" "$SRV:25" >/dev/null
j=$work/safe.json
check "safe: exit 0" test "$rc" -eq 0
check "safe: untrusted from relay_from_hosts, 0/16, no errors" \
	jqt "$j" ".data.relay.probes[0] | .viewpoint == \"untrusted\" and .relayed == 0 and .errors == 0
		and .viewpoint_reason == \"$CLI is not in relay_from_hosts\""
check "safe: says 'not an open relay from this viewpoint'" \
	grep -qF "verdict: not an open relay from this viewpoint (untrusted client $CLI): 0/16 relayed" "$work/safe.txt"
ex_stop "$work/safe"

# --- 4. the configuration audit alone -----------------------------------------
ex_create "$work/wide" "hostlist relay_from_hosts = <; 127.0.0.1 ; 10.0.0.0/8"
rc=$(mw_cli "$work/wide.json" relay --no-probe --format json --exim "$work/wide/exim4")
check "wide: 10.0.0.0/8 in relay_from_hosts is high" \
	jqt "$work/wide.json" '[.findings[] | select(.rule_id == "relay.exim-relay-hosts-too-wide" and .severity == "high")] | length == 1'
check "wide: exit 1" test "$rc" -eq 1
ex_create "$work/none"
sed -i 's/accept hosts = +relay_from_hosts/accept hosts = 127.0.0.1/' "$work/none/exim.conf"
rc=$(mw_cli "$work/none.json" relay --no-probe --format json --exim "$work/none/exim4")
check "undefined relay_from_hosts: a note, no error, exit 0" \
	jqt "$work/none.json" '(.errors | length == 0) and ([.notes[].text | select(test("no relay_from_hosts list is defined"))] | length == 1)'
check "undefined relay_from_hosts: exit 0" test "$rc" -eq 0
ex_create "$work/broken"
rm "$work/broken/exim.conf"
rc=$(mw_cli "$work/broken.json" relay --no-probe --format json --exim "$work/broken/exim4")
check "unreadable configuration: an error naming the query, exit 2 (never a pass)" \
	jqt "$work/broken.json" '[.errors[].message | select(test("not audited [(]exim -bP acl_smtp_rcpt[)]: .*/broken/exim4 failed with status 1"))] | length == 1'
check "unreadable configuration: exit 2" test "$rc" -eq 2

# --- 5. audit passes --exim through -------------------------------------------
rc=$(mw_cli "$work/audit.json" audit --only relay --format json --exim "$work/wide/exim4" \
	--relay-target 127.0.0.1:1)
check "audit --exim: the relay check audited that Exim" \
	jqt "$work/audit.json" '[.findings[] | select(.rule_id == "relay.exim-relay-hosts-too-wide")] | length == 1'

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all relay Exim e2e checks passed"
