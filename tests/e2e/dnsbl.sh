#!/bin/bash
# mailwarden dnsbl against a real dnsmasq on 127.0.0.1 serving fake zones for
# every default blocklist (listings with several codes, Spamhaus error codes,
# 127.0.0.1, an answer outside 127/8, TXT reasons, an IPv6 listing, NXDOMAIN
# for clean addresses) plus a list whose server never answers (a real
# timeout). Asserts the exact verdict per IP and list from the JSON output,
# then measures 4 IPs x 6 lists with the dead one.
set -euo pipefail

top=${MW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${MW_BIN:-$top/mailwarden}
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$dnsmasq" ] || { echo "dnsmasq not installed (package dnsmasq-base)"; exit 77; }
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }

tmp=$(mktemp -d /tmp/mw-dnsbl-XXXXXX)
dpid=
cleanup() {
	if [ -n "$dpid" ]; then kill "$dpid" 2>/dev/null || true; wait "$dpid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Two free UDP ports in 5354-5358 (5353 is mDNS): dnsmasq and a dead
# upstream where nobody listens. dnsmasq forwards dead.example there from an
# unconnected socket, so no ICMP error comes back and the query simply never
# gets an answer.
free_ports=()
for p in 5354 5355 5356 5357 5358; do
	if ! ss -Hlun "sport = :$p" | grep -q .; then free_ports+=("$p"); fi
done
[ ${#free_ports[@]} -ge 2 ] || { echo "no free ports in 5354-5358"; exit 77; }
port=${free_ports[0]} dead_port=${free_ports[1]}

A=192.0.2.10 B=198.51.100.20 C=203.0.113.30 D=2001:db8::25
rA=10.2.0.192 rB=20.100.51.198 rC=30.113.0.203
rD=5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2

zones=(zen.spamhaus.org bl.spamcop.net b.barracudacentral.org psbl.surriel.com
       dnsbl-1.uceprotect.net bl.mailspike.net)
args=(--cache-size=0)
for z in "${zones[@]}"; do
	# RFC 5782 test points: 127.0.0.2 listed, 127.0.0.1 not
	args+=(--local="/$z/" --host-record="2.0.0.127.$z,127.0.0.2")
done
args+=(
	# Spamhaus ZEN: XBL + PBL with a TXT reason, public-resolver refusal,
	# rate limit, CSS for the IPv6 address
	--host-record="$rA.zen.spamhaus.org,127.0.0.4"
	--host-record="$rA.zen.spamhaus.org,127.0.0.10"
	--txt-record="$rA.zen.spamhaus.org,https://www.spamhaus.org/query/ip/$A"
	--host-record="$rB.zen.spamhaus.org,127.255.255.254"
	--host-record="$rC.zen.spamhaus.org,127.255.255.255"
	--host-record="$rD.zen.spamhaus.org,127.0.0.3"
	# a typo'd Spamhaus zone answers 127.255.255.252 for everything
	--address="/zem.spamhaus.org/127.255.255.252"
	# SpamCop: A listed with a TXT reason
	--host-record="$rA.bl.spamcop.net,127.0.0.2"
	--txt-record="$rA.bl.spamcop.net,Blocked - see https://www.spamcop.net/bl.shtml?$A"
	# Barracuda: B listed
	--host-record="$rB.b.barracudacentral.org,127.0.0.2"
	# PSBL: an answer outside 127/8 (a resolver rewriting NXDOMAIN)
	--host-record="$rB.psbl.surriel.com,192.0.2.99"
	# UCEPROTECT: 127.0.0.1 is never a listing
	--host-record="$rC.dnsbl-1.uceprotect.net,127.0.0.1"
	# Mailspike: L4 plus a stray outside answer; L5 for the IPv6 address
	--host-record="$rA.bl.mailspike.net,127.0.0.11"
	--host-record="$rA.bl.mailspike.net,198.51.100.1"
	--host-record="$rD.bl.mailspike.net,127.0.0.10"
	# the address a Postfix configuration binds to (discovery test)
	--host-record="25.114.0.203.zen.spamhaus.org,127.0.0.2"
	# a list whose servers never answer
	--server="/dead.example/127.0.0.1#$dead_port"
	# a dead list whose domain now answers 127.0.0.2 for every name,
	# its test point 127.0.0.1 included (what AHBL and SpamCannibal did)
	--address="/wild.example/127.0.0.2"
	# a list that does not list its test point 127.0.0.2, but lists A
	--local="/notp.example/"
	--host-record="$rA.notp.example,127.0.0.2"
)
. "$top/tests/lib/dnsmasq.sh"
dns_start "$port" "$tmp/dnsmasq.log" "${args[@]}"
echo "dnsmasq pid $dpid on 127.0.0.1:$port, dead upstream 127.0.0.1:$dead_port"

conf=$tmp/mw.conf
printf '[dnsbl]\ntimeout_ms = 400\ntries = 2\n' >"$conf"

fail=0
out=$tmp/out.json
rc=0
"$bin" dnsbl --config "$conf" --format json --resolver "127.0.0.1:$port" \
	--list "${zones[*]}" --list zem.spamhaus.org --list dead.example \
	"$A" "$B" --ip "$C" --ip "$D" >"$out" || rc=$?

# One jq run for the whole verdict table (jq is slow to start on a busy box).
table=$(jq -r '.data.dnsbl.results[] | "\(.ip) \(.list) \(.verdict) \(.code // "-")"' "$out")
verdict() {	# ip list verdict [code]
	local got
	got=$(awk -v ip="$1" -v l="$2" '$1 == ip && $2 == l { print $3, $4 }' <<<"$table")
	if [ "${got% *}" = "$3" ] && { [ $# -lt 4 ] || [ "${got#* }" = "$4" ]; }; then
		echo "ok    $1 $2 = $got"
	else
		echo "FAIL  $1 $2: want $3 ${4:-}, got '$got'"; fail=1
	fi
}
. "$top/tests/lib/check.sh"
assert() {	# description jq-expression (must print true)
	check "$1" jqt "$out" "$2"
}

verdict "$A" zen.spamhaus.org listed 127.0.0.4
verdict "$B" zen.spamhaus.org error 127.255.255.254
verdict "$C" zen.spamhaus.org error 127.255.255.255
verdict "$D" zen.spamhaus.org listed 127.0.0.3
for ip in "$A" "$B" "$C" "$D"; do verdict "$ip" zem.spamhaus.org error 127.255.255.252; done
verdict "$A" bl.spamcop.net listed 127.0.0.2
verdict "$B" bl.spamcop.net clean
verdict "$C" bl.spamcop.net clean
verdict "$D" bl.spamcop.net clean
verdict "$A" b.barracudacentral.org clean
verdict "$B" b.barracudacentral.org listed 127.0.0.2
verdict "$C" b.barracudacentral.org clean
verdict "$D" b.barracudacentral.org clean
verdict "$A" psbl.surriel.com clean
verdict "$B" psbl.surriel.com error 192.0.2.99
verdict "$C" psbl.surriel.com clean
verdict "$D" psbl.surriel.com clean
verdict "$A" dnsbl-1.uceprotect.net clean
verdict "$B" dnsbl-1.uceprotect.net clean
verdict "$C" dnsbl-1.uceprotect.net error 127.0.0.1
verdict "$D" dnsbl-1.uceprotect.net clean
verdict "$A" bl.mailspike.net listed 127.0.0.11
verdict "$B" bl.mailspike.net clean
verdict "$C" bl.mailspike.net clean
verdict "$D" bl.mailspike.net listed 127.0.0.10
for ip in "$A" "$B" "$C" "$D"; do verdict "$ip" dead.example unknown; done

assert "exit code 1 (findings)" "$rc == 1 and .exit_code == 1"
assert "32 lookups" '.data.dnsbl.lookups == 32 and (.data.dnsbl.results | length) == 32'
assert "summary 6 listed / 14 clean / 8 error / 4 unknown" \
	'.data.dnsbl.summary == {"listed":6,"clean":14,"error":8,"unknown":4}'
assert "ZEN listing carries both codes and the TXT reason" \
	".data.dnsbl.results[] | select(.ip == \"$A\" and .list == \"zen.spamhaus.org\") |
	 .codes == [\"127.0.0.4\",\"127.0.0.10\"] and
	 .txt == \"https://www.spamhaus.org/query/ip/$A\" and
	 (.meaning | test(\"XBL\")) and (.meaning | test(\"PBL\"))"
assert "mailspike stray answer ignored, listing kept" \
	".data.dnsbl.results[] | select(.ip == \"$A\" and .list == \"bl.mailspike.net\") |
	 .ignored == [\"198.51.100.1\"] and (.meaning | test(\"outside 127.0.0.0/8\"))"
assert "listed finding: high, evidence ip/list, details per convention" \
	"[.findings[] | select(.rule_id == \"dnsbl.listed\" and .evidence.ip == \"$A\" and
	  .evidence.list == \"bl.spamcop.net\")] | length == 1 and
	 (.[0].severity == \"high\") and
	 (.[0].details.code == \"127.0.0.2\") and
	 (.[0].details.txt | test(\"spamcop.net/bl.shtml\")) and
	 (.[0].details.delist_url == \"https://www.spamcop.net/bl.shtml\") and
	 (.[0].details.meaning | test(\"SpamCop\")) and
	 (.[0].remediation | test(\"Fix the cause first\"))"
assert "6 listed findings, all high" \
	'[.findings[] | select(.rule_id == "dnsbl.listed")] | length == 6 and all(.severity == "high")'
assert "public-resolver error is low, explained, never listed" \
	"[.findings[] | select(.evidence.ip == \"$B\" and .evidence.list == \"zen.spamhaus.org\")] |
	 length == 1 and .[0].rule_id == \"dnsbl.error\" and .[0].severity == \"low\" and
	 (.[0].details.meaning | test(\"public/open resolver\")) and
	 (.[0].remediation | test(\"resolver of your own\"))"
assert "rate limit explained" \
	"[.findings[] | select(.evidence.ip == \"$C\" and .evidence.list == \"zen.spamhaus.org\")][0].details.meaning | test(\"excessive number of queries\")"
assert "typo code explained" \
	"[.findings[] | select(.evidence.list == \"zem.spamhaus.org\")][0].details.meaning | test(\"typing error\")"
assert "answer outside 127/8 reported as misbehaving resolver" \
	"[.findings[] | select(.evidence.ip == \"$B\" and .evidence.list == \"psbl.surriel.com\")][0] |
	 .rule_id == \"dnsbl.error\" and (.details.meaning | test(\"resolver misbehaves\"))"
assert "127.0.0.1 is not a listing" \
	"[.findings[] | select(.evidence.ip == \"$C\" and .evidence.list == \"dnsbl-1.uceprotect.net\")][0] |
	 .rule_id == \"dnsbl.error\" and (.details.meaning | test(\"never a valid listing\"))"
assert "a list that never answers: one finding for the list, not one per address" \
	'([.findings[] | select(.evidence.list == "dead.example")] | length == 1) and
	 ([.findings[] | select(.rule_id == "dnsbl.list-no-answer")] | length == 1) and
	 ([.findings[] | select(.rule_id == "dnsbl.unknown")] | length == 0)'
assert "test points: 6 default zones healthy, dead.example no answer, zem error" \
	'(.data.dnsbl.lists | map({(.zone): .health}) | add) as $h |
	 ([$h["zen.spamhaus.org","bl.spamcop.net","b.barracudacentral.org","psbl.surriel.com",
	   "dnsbl-1.uceprotect.net","bl.mailspike.net"]] | all(. == "ok")) and
	 $h["dead.example"] == "no-answer" and $h["zem.spamhaus.org"] == "error" and
	 .data.dnsbl.test_point_lookups == 16'
assert "typo zone: one list finding instead of four" \
	'[.findings[] | select(.evidence.list == "zem.spamhaus.org")] | length == 1 and .[0].rule_id == "dnsbl.list-error"'
assert "given addresses are listed with their sources" \
	".data.dnsbl.addresses | map({(.ip): .sources}) | add |
	 .[\"$A\"] == [\"command line\"] and .[\"$C\"] == [\"--ip\"] and .[\"$D\"] == [\"--ip\"]"
assert "resolver shown" ".data.dnsbl.resolver == \"127.0.0.1:$port\""
# the dead list bounds the run: 2 tries x 400 ms, plus the TXT round trips
assert "whole run bounded by the timeout budget (< 1500 ms)" '.data.dnsbl.elapsed_ms < 1500'

# Issue 18 item 8: RFC 5782 test points. wild.example answers 127.0.0.2
# for everything, its test point 127.0.0.1 included: a wildcard (dead)
# list, so none of its answers is a listing; one finding for the list,
# not one per address. notp.example does not list 127.0.0.2: one finding
# that its "not listed" answers cannot be trusted; its listing of A stands.
rc=0
"$bin" dnsbl --config "$conf" --format json --resolver "127.0.0.1:$port" \
	--list "bl.spamcop.net wild.example notp.example" "$A" "$B" "$C" "$D" >"$out" || rc=$?
table=$(jq -r '.data.dnsbl.results[] | "\(.ip) \(.list) \(.verdict) \(.code // "-")"' "$out")
for ip in "$A" "$B" "$C" "$D"; do verdict "$ip" wild.example error 127.0.0.2; done
verdict "$A" bl.spamcop.net listed 127.0.0.2
verdict "$A" notp.example listed 127.0.0.2
assert "wildcard list: never a listing, one dnsbl.list-wildcard finding" \
	'([.findings[] | select(.evidence.list == "wild.example")] | length == 1) and
	 ([.findings[] | select(.rule_id == "dnsbl.list-wildcard" and .evidence.list == "wild.example"
	   and (.details.meaning | test("test point 127.0.0.1")))] | length == 1) and
	 ([.findings[] | select(.rule_id == "dnsbl.listed" and .evidence.list == "wild.example")] | length == 0)'
assert "wildcard list: health and test points in the data" \
	'.data.dnsbl.lists[] | select(.zone == "wild.example") | .health == "wildcard" and
	 .test_points["127.0.0.1"].answers == ["127.0.0.2"]'
assert "no test point: one finding for the list, the listing of A stands" \
	'([.findings[] | select(.rule_id == "dnsbl.list-no-test-point" and .evidence.list == "notp.example")] | length == 1) and
	 ([.findings[] | select(.rule_id == "dnsbl.listed" and .evidence.list == "notp.example")] | length == 1)'
assert "test points looked up once per list (3 lists x 2)" '.data.dnsbl.test_point_lookups == 6 and .data.dnsbl.lookups == 12'
assert "wildcard run: exit 1 (the real listings)" "$rc == 1"
# Only unusable lists: nothing was checked, exit 2.
rc=0
"$bin" dnsbl --config "$conf" --format json --resolver "127.0.0.1:$port" \
	--list "wild.example zem.spamhaus.org" "$A" >"$out" || rc=$?
assert "only wildcard/error lists: exit 2, the blocklists could not be checked" \
	"$rc == 2 and ([.errors[].message | select(test(\"none of the 2 blocklists.*could not be checked\"))] | length == 1)
	 and ([.findings[] | select(.rule_id == \"dnsbl.listed\")] | length == 0)"

# The text renderer shows the verdict table.
"$bin" dnsbl --config "$conf" --no-progress --resolver "127.0.0.1:$port" --list zen.spamhaus.org \
	"$A" >"$tmp/out.txt" || true
if grep -Eq "^  $A +zen.spamhaus.org +listed +127.0.0.4, 127.0.0.10" "$tmp/out.txt"; then
	echo "ok    text table row"
else
	echo "FAIL  text table row"; cat "$tmp/out.txt"; fail=1
fi

# A clean address on every list exits 0.
rc=0
"$bin" dnsbl --config "$conf" --format json --resolver "127.0.0.1:$port" \
	--list "${zones[*]}" 203.0.113.99 >"$out" || rc=$?
assert "clean address: exit 0, 6 clean" "$rc == 0 and .data.dnsbl.summary.clean == 6"

# Discovery: the addresses a Postfix configuration binds to (main.cf and a
# master.cf -o override, read with the real postconf -c DIR) are found,
# labelled with their source and looked up.
if command -v postconf >/dev/null && [ -e /etc/postfix/master.cf ]; then
	pf=$tmp/postfix
	mkdir "$pf"
	cp /etc/postfix/master.cf "$pf/"
	printf 'smtp_bind_address = 203.0.114.25\n' >"$pf/main.cf"
	printf 'smtpout unix - - y - - smtp\n  -o smtp_bind_address6=2a00:1450:4001::25\n' >>"$pf/master.cf"
	rc=0
	"$bin" dnsbl --config "$conf" --format json --resolver "127.0.0.1:$port" \
		--list zen.spamhaus.org --postfix-config "$pf" >"$out" || rc=$?
	assert "postfix main.cf bind address discovered and listed" \
		'(.data.dnsbl.addresses[] | select(.ip == "203.0.114.25") |
		  .sources == ["postfix main.cf smtp_bind_address"] and .class == "public" and .queried) and
		 (.data.dnsbl.results[] | select(.ip == "203.0.114.25") | .verdict == "listed" and .code == "127.0.0.2")'
	assert "postfix master.cf -o smtp_bind_address6 discovered, clean" \
		'(.data.dnsbl.addresses[] | select(.ip == "2a00:1450:4001::25") |
		  .sources == ["postfix master.cf smtpout/unix -o smtp_bind_address6"] and .queried) and
		 (.data.dnsbl.results[] | select(.ip == "2a00:1450:4001::25") | .verdict == "clean")'
	assert "non-public discovered addresses are not looked up" \
		'[.data.dnsbl.addresses[] | select(.class != "public") | .queried] | all(. == false)'
	assert "discovery run exits 1 (listed)" "$rc == 1"
else
	echo "FAIL  postconf not installed (package postfix)"; fail=1
fi

# Discovery from the kernel, in a network namespace of our own: a public
# and a private IPv4 address and a public IPv6 address on a veth
# interface, default routes via the public ones (RTM_GETADDR/RTM_GETROUTE
# through libmnl). Lookups go to a closed port on the namespace's loopback.
if unshare -n true 2>/dev/null; then
	rc=0
	unshare -n bash -c '
		set -e
		ip link set lo up
		ip link add mw0 type veth peer name mw1
		ip addr add 10.9.9.9/8 dev mw0
		ip addr add 203.0.114.9/24 dev mw0
		ip -6 addr add 2a00:1450:4001::9/64 dev mw0 nodad
		ip link set mw1 up
		ip link set mw0 up
		ip route add default via 203.0.114.1 src 203.0.114.9
		ip -6 route add default via 2a00:1450:4001::1
		"$0" dnsbl --format json --resolver 127.0.0.1:53 --timeout 100 --tries 1 \
			--list zen.spamhaus.org --postfix-config /nonexistent
	' "$bin" >"$out" 2>"$tmp/ns.err" || rc=$?
	assert "netns: public IPv4 found on the interface and as route source" \
		'.data.dnsbl.addresses[] | select(.ip == "203.0.114.9") |
		 .sources == ["interface mw0", "route to the internet"] and .class == "public" and .queried'
	assert "netns: private address marked, not looked up, with the --ip advice" \
		'(.data.dnsbl.addresses[] | select(.ip == "10.9.9.9") | .class == "private" and (.queried | not)) and
		 ([.notes[].text | select(test("^10.9.9.9 .*private.*--ip"))] | length == 1)'
	assert "netns: IPv6 address found, route source for IPv6" \
		'.data.dnsbl.addresses[] | select(.ip == "2a00:1450:4001::9") |
		 (.sources | index("route to the internet") != null) and .queried'
	assert "netns: loopback and link-local never listed" \
		'[.data.dnsbl.addresses[] | select(.class == "loopback" or .class == "link-local")] | length == 0'
	assert "netns: 2 addresses looked up, resolver unreachable -> unknown, exit 2" \
		".data.dnsbl.lookups == 2 and .data.dnsbl.summary.unknown == 2 and $rc == 2"
else
	echo "FAIL  unshare -n not possible here (root and util-linux needed)"; fail=1
fi

# Issue 18 item 7: a resolver port where nothing listens. No lookup got an
# answer, so nothing was checked: exit 2 with an error saying so (it was
# exit 1 with "0 errors").
rc=0
"$bin" dnsbl --config "$conf" --format json --resolver "127.0.0.1:$dead_port" \
	--list "zen.spamhaus.org bl.spamcop.net" 203.0.113.99 >"$out" 2>"$tmp/err" || rc=$?
assert "unreachable resolver: exit 2, error says the blocklists could not be checked" \
	"$rc == 2 and .exit_code == 2 and .data.dnsbl.summary.unknown == 2 and
	 ([.errors[].message | select(test(\"no lookup got an answer.*the blocklists could not be checked\"))] | length == 1)"
assert "unreachable resolver: no per-lookup or per-list noise" '.findings | length == 0'
"$bin" dnsbl --config "$conf" --no-progress --resolver "127.0.0.1:$dead_port" \
	--list zen.spamhaus.org 203.0.113.99 >"$tmp/out.txt" 2>&1 || true
if grep -q "could not be checked" "$tmp/out.txt" && ! grep -q ", 0 errors" "$tmp/out.txt"; then
	echo "ok    unreachable resolver: text output says so, not '0 errors'"
else
	echo "FAIL  unreachable resolver text"; cat "$tmp/out.txt"; fail=1
fi

# A zone dnsmasq has no data and no upstream for: it answers REFUSED.
rc=0
"$bin" dnsbl --config "$conf" --format json --resolver "127.0.0.1:$port" \
	--list refused.example 203.0.113.99 >"$out" || rc=$?
assert "REFUSED for every lookup: unknown, nothing checked, exit 2" \
	".data.dnsbl.results[0].verdict == \"unknown\" and .data.dnsbl.results[0].dns == \"REFUSED\" and
	 $rc == 2 and (.errors | length == 1)"

# Bad input is a usage error (exit 2) with a clear message.
rc=0
"$bin" dnsbl --resolver "127.0.0.1:$port" 1.2.3 2>"$tmp/err" >/dev/null || rc=$?
if [ $rc -eq 2 ] && grep -q "bad IP address '1.2.3'" "$tmp/err"; then
	echo "ok    bad IP -> exit 2"; else echo "FAIL  bad IP (rc $rc)"; cat "$tmp/err"; fail=1; fi
rc=0
"$bin" dnsbl --resolver "127.0.0.1:99999" 192.0.2.1 2>"$tmp/err" >/dev/null || rc=$?
if [ $rc -eq 2 ] && grep -q "port" "$tmp/err"; then
	echo "ok    bad resolver port -> exit 2"; else echo "FAIL  bad resolver (rc $rc)"; fail=1; fi

# Benchmark: 4 IPs x 6 lists (5 answering + the dead one), default-like
# budget of 2 tries x 500 ms.
printf '[dnsbl]\ntimeout_ms = 500\ntries = 2\n' >"$conf"
start=$(date +%s%N)
"$bin" dnsbl --config "$conf" --format json --resolver "127.0.0.1:$port" \
	--list "zen.spamhaus.org bl.spamcop.net b.barracudacentral.org psbl.surriel.com bl.mailspike.net dead.example" \
	"$A" "$B" "$C" "$D" >"$out" || true
end=$(date +%s%N)
wall=$(( (end - start) / 1000000 ))
echo "bench: 4 IPs x 6 lists (1 dead), 2 x 500 ms: wall ${wall} ms, lookups $(jq .data.dnsbl.elapsed_ms "$out") ms"
assert "bench: 24 lookups, 4 unknown" '.data.dnsbl.lookups == 24 and .data.dnsbl.summary.unknown == 4'
# The bound is asserted on the lookup time the program measures itself;
# process wall time (printed above) includes sanitizer start-up and exit.
assert "bench: lookups done in < 1500 ms" ".data.dnsbl.elapsed_ms < 1500"

[ "$fails" -eq 0 ] || fail=1
exit $fail
