#!/bin/bash
# End-to-end test of `mailwarden firewall` against the real kernel, inside a
# fresh network namespace (unshare -n): TCP listeners on 127.0.0.1 and ::1
# (ports 25, 465, 587 and 8080), real connects as different uids
# (setpriv), both policy modes, idempotence, atomic replacement, a rejected
# batch, a foreign table left byte-identical, --status counters and
# persistence, --remove. Needs root; exits 77 where namespaces are not
# available.
set -euo pipefail

top=${MW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${MW_BIN:-$top/mailwarden}
py=/usr/bin/python3

if [ "${MW_FW_NETNS:-}" != 1 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "needs root (network namespace, nftables)"
		exit 77
	fi
	for p in unshare nft setpriv ip $py; do
		command -v "$p" >/dev/null || { echo "missing $p (deps/firewall.txt)"; exit 77; }
	done
	unshare -n true 2>/dev/null || { echo "cannot create a network namespace here"; exit 77; }
	MW_FW_NETNS=1 exec unshare -n bash "$0" "$@"
fi

fix=$top/tests/fixtures/firewall
umask 022
tmp=$(mktemp -d /tmp/mw-fw-XXXXXX)
chmod 755 "$tmp"
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

. "$top/tests/lib/check.sh"
pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }

cp "$top/tests/e2e/firewall-probe.py" "$tmp/probe.py"
chmod 755 "$tmp/probe.py"
ip link set lo up

# A foreign table that must come through everything byte-identical.
nft add table inet filter
nft add chain inet filter input '{ type filter hook input priority 0; policy accept; }'
nft add rule inet filter input tcp dport 9999 counter accept
nft list table inet filter >"$tmp/filter.before"

$py "$tmp/probe.py" serve 25 465 587 8080 >"$tmp/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
	grep -q ready "$tmp/server.out" 2>/dev/null && break
	sleep 0.1
done
grep -q ready "$tmp/server.out" || { echo "listener did not start"; cat "$tmp/server.out"; exit 1; }

smtp="127.0.0.1:25 127.0.0.1:465 127.0.0.1:587 [::1]:25 [::1]:465 [::1]:587"
other="127.0.0.1:8080 [::1]:8080"

probe_as() {	# probe_as UID TARGET...
	local uid=$1
	shift
	if [ "$uid" = 0 ]; then
		$py "$tmp/probe.py" connect "$@"
	else
		setpriv --reuid="$uid" --regid="$uid" --clear-groups $py "$tmp/probe.py" connect "$@"
	fi
}

# expect UID ok|refused TARGET...: refused must be a reset, under 100 ms.
expect() {
	local uid=$1 want=$2 host port res ms
	shift 2
	while read -r host port res ms; do
		if [ "$res" != "$want" ]; then
			fail "uid $uid -> [$host]:$port: want $want, got $res ($ms ms)"
		elif [ "$want" = refused ] && ! awk -v m="$ms" 'BEGIN { exit !(m < 100) }'; then
			fail "uid $uid -> [$host]:$port refused but slow ($ms ms)"
		else
			pass "uid $uid -> [$host]:$port $res ($ms ms)"
		fi
	done < <(probe_as "$uid" "$@")
}

jget() {	# jget FILE PYTHON-EXPR-ON-d
	$py -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

mw() {	# mw NAME ARGS...: run, keep stdout/stderr/rc in $tmp/NAME.*
	local name=$1
	shift
	set +e
	"$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
	set -e
}
rc() { cat "$tmp/$1.rc"; }

deny=(--config "$fix/deny.conf" --root "$fix/root")
allow=(--config "$fix/allow.conf" --root "$fix/root")

echo "# baseline: no rules, everyone connects"
expect 33 ok $smtp

echo "# errors"
setpriv --reuid=33 --regid=33 --clear-groups "$bin" firewall --status "${deny[@]}" \
	>"$tmp/notroot.out" 2>"$tmp/notroot.err" && echo 0 >"$tmp/notroot.rc" || echo $? >"$tmp/notroot.rc"
check "not root: exit 2" [ "$(rc notroot)" = 2 ]
check "not root: says CAP_NET_ADMIN" grep -q "CAP_NET_ADMIN" "$tmp/notroot.err"
set +e
setpriv --bounding-set=-net_admin "$bin" firewall --apply "${deny[@]}" >"$tmp/nocap.out" 2>"$tmp/nocap.err"
nocaprc=$?
set -e
check "root without CAP_NET_ADMIN: exit 2 naming the capability" \
	[ "$nocaprc/$(grep -c CAP_NET_ADMIN "$tmp/nocap.err")" = 2/1 ]
printf '[firewall]\nblock_users = www-data mw-no-such-user\n' >"$tmp/unknown.conf"
mw unknown firewall --apply --config "$tmp/unknown.conf" --root "$fix/root"
check "unknown user: exit 2" [ "$(rc unknown)" = 2 ]
check "unknown user: named in the error" grep -q "unknown user 'mw-no-such-user'" "$tmp/unknown.err"
check "unknown user: nothing installed" bash -c "! nft list ruleset | grep -q mailwarden"

echo "# deny-list mode"
mw dry firewall --dry-run "${deny[@]}"
mw apply1 firewall --apply "${deny[@]}" --format json
check "apply: exit 0" [ "$(rc apply1)" = 0 ]
check "apply: change installed" [ "$(jget "$tmp/apply1.out" 'd["data"]["firewall"]["change"]')" = installed ]
nft list table inet mailwarden >"$tmp/live1"
check "nft list table == --dry-run output" cmp -s "$tmp/live1" "$tmp/dry.out"
expect 33 refused $smtp
expect 33 ok $other
expect 0 ok $smtp
expect 2001 refused $smtp		# php-fpm pool user = 2001
expect 34 refused 127.0.0.1:25 [::1]:587	# pool [backup] user = $pool
expect 5 refused 127.0.0.1:465		# Apache SuexecUserGroup games
expect 39 refused [::1]:25		# nginx user irc
expect 65534 ok $smtp			# nobody is not a web user
expect 8 ok 127.0.0.1:25		# mail
mw status1 firewall --status "${deny[@]}" --format json
check "status: table present and matching" [ "$(jget "$tmp/status1.out" 'd["data"]["firewall"]["present"] and d["data"]["firewall"]["matches_policy"]')" = True ]
blocked=$(jget "$tmp/status1.out" 'd["data"]["firewall"]["counters"]["rejected_packets"]')
logged=$(jget "$tmp/status1.out" 'd["data"]["firewall"]["counters"]["logged_packets"]')
echo "  counters: rejected $blocked, logged $logged"
check "status: rejected counter = 16 (one SYN per refused connect)" [ "$blocked" -eq 16 ]
check "status: log counter > 0" [ "$logged" -gt 0 ]
check "status: finding firewall.blocked-attempts" \
	[ "$(jget "$tmp/status1.out" '[f["rule_id"] for f in d["findings"]]' | grep -c blocked-attempts)" = 1 ]
check "status: finding firewall.not-persistent" \
	[ "$(jget "$tmp/status1.out" '[f["rule_id"] for f in d["findings"]]' | grep -c not-persistent)" = 1 ]
check "status: exit 1 (findings)" [ "$(rc status1)" = 1 ]

mkroot=$tmp/root
cp -a "$fix/root" "$mkroot"
mkdir -p "$mkroot/etc/systemd/system/multi-user.target.wants"
ln -s /lib/systemd/system/mailwarden-firewall.service \
	"$mkroot/etc/systemd/system/multi-user.target.wants/mailwarden-firewall.service"
mw status2 firewall --status --config "$fix/deny.conf" --root "$mkroot" --format json
check "status with the unit enabled: persistent" \
	[ "$(jget "$tmp/status2.out" 'd["data"]["firewall"]["persistent"]')" = True ]
check "status with the unit enabled: no not-persistent finding" \
	[ "$(jget "$tmp/status2.out" '[f["rule_id"] for f in d["findings"]]' | grep -c not-persistent || true)" = 0 ]

nft list table inet mailwarden >"$tmp/live2"
mw apply2 firewall --apply "${deny[@]}" --format json
check "apply again: change unchanged" [ "$(jget "$tmp/apply2.out" 'd["data"]["firewall"]["change"]')" = unchanged ]
nft list table inet mailwarden >"$tmp/live2b"
check "apply again: table byte-identical, counters included" cmp -s "$tmp/live2" "$tmp/live2b"
check "apply again: counters are not zero (so the comparison means something)" \
	grep -q "reject with tcp reset" "$tmp/live2b"
check "apply again: rejected counter still 16" grep -q "counter packets 16 " "$tmp/live2b"

# Same structure, another uid set: only the set is refilled, counters stay.
sed 's/^block_users = proxy$/block_users = proxy nobody/' "$fix/deny.conf" >"$tmp/deny2.conf"
mw apply3 firewall --apply --config "$tmp/deny2.conf" --root "$fix/root" --format json
check "changed users: change sets-updated" [ "$(jget "$tmp/apply3.out" 'd["data"]["firewall"]["change"]')" = sets-updated ]
check "changed users: counters kept" \
	[ "$(jget "$tmp/apply3.out" 'd["data"]["firewall"]["counters"]["rejected_packets"]')" -ge "$blocked" ]
expect 65534 refused 127.0.0.1:25

# A batch the kernel rejects changes nothing, and the error is the kernel's
# reason. No test hook in the binary (issue 19, item 20): another process
# (nft -i) holds table inet mailwarden owner-locked (nft 'flags owner'),
# filled with the deny2 policy, so the kernel refuses our batch with EPERM
# although we have CAP_NET_ADMIN.
mw dryheld firewall --dry-run --config "$tmp/deny2.conf" --root "$fix/root"
nft delete table inet mailwarden
mkfifo "$tmp/hold.fifo"
nft -i <"$tmp/hold.fifo" >"$tmp/hold.out" 2>&1 &
holder=$!
exec 7>"$tmp/hold.fifo"
# the flag must be in the same declaration (changing it later: EOPNOTSUPP)
sed '1a\	flags owner;' "$tmp/dryheld.out" >"$tmp/held.nft"
echo "include \"$tmp/held.nft\"" >&7
for _ in $(seq 50); do
	nft list table inet mailwarden 2>/dev/null | grep -q blocked_uids && break
	sleep 0.1
done
check "owner-locked table held by another process" \
	sh -c "nft list table inet mailwarden | grep -q 'flags owner'"
nft list ruleset >"$tmp/ruleset.before-bad"
set +e
"$bin" firewall --apply "${deny[@]}" >"$tmp/bad.out" 2>"$tmp/bad.err"
badrc=$?
set -e
check "rejected batch: exit 2" [ "$badrc" = 2 ]
check "rejected batch: says so" grep -q "rejected the batch" "$tmp/bad.err"
check "rejected batch: the kernel's reason" grep -q "Operation not permitted" "$tmp/bad.err"
check "rejected batch: not blamed on privileges" sh -c "! grep -q 'needs root' '$tmp/bad.err'"
nft list ruleset >"$tmp/ruleset.after-bad"
check "rejected batch: ruleset byte-identical" cmp -s "$tmp/ruleset.before-bad" "$tmp/ruleset.after-bad"
expect 65534 refused 127.0.0.1:25

# A rejected full replacement (deny-list -> allow-list) changes nothing either.
nft list ruleset >"$tmp/ruleset.before-bad2"
set +e
"$bin" firewall --apply "${allow[@]}" >"$tmp/bad2.out" 2>"$tmp/bad2.err"
badrc=$?
set -e
nft list ruleset >"$tmp/ruleset.after-bad2"
check "rejected replacement: exit 2" [ "$badrc" = 2 ]
check "rejected replacement: the deny-list table is still there" grep -q blocked_uids "$tmp/ruleset.after-bad2"
check "rejected replacement: ruleset byte-identical" cmp -s "$tmp/ruleset.before-bad2" "$tmp/ruleset.after-bad2"
# the owner goes away, so does its table; ours comes back
exec 7>&-
wait "$holder" || true
mw apply3b firewall --apply --config "$tmp/deny2.conf" --root "$fix/root" --format json
check "after the owner left: installed" [ "$(jget "$tmp/apply3b.out" 'd["data"]["firewall"]["change"]')" = installed ]

echo "# allow-list mode (replaces the deny-list table)"
mw dry2 firewall --dry-run "${allow[@]}"
mw apply4 firewall --apply "${allow[@]}" --format json
check "mode switch: change replaced" [ "$(jget "$tmp/apply4.out" 'd["data"]["firewall"]["change"]')" = replaced ]
nft list table inet mailwarden >"$tmp/live4"
check "nft list table == --dry-run output (allow-list)" cmp -s "$tmp/live4" "$tmp/dry2.out"
expect 33 refused $smtp
expect 65534 refused $smtp		# nobody: not allowed
expect 34 refused 127.0.0.1:25
expect 33 ok $other
expect 65534 ok $other
expect 0 ok $smtp			# allow_root
expect 8 ok $smtp			# mta_users = mail
expect 2001 ok $smtp			# allow_users = 2001
mw status3 firewall --status "${allow[@]}" --format json
check "allow-list status: matching" [ "$(jget "$tmp/status3.out" 'd["data"]["firewall"]["matches_policy"]')" = True ]
check "allow-list status: rejected counter = 13" \
	[ "$(jget "$tmp/status3.out" 'd["data"]["firewall"]["counters"]["rejected_packets"]')" -eq 13 ]
mw status4 firewall --status "${deny[@]}" --format json
check "status against the other policy: differs" \
	[ "$(jget "$tmp/status4.out" 'd["data"]["firewall"]["matches_policy"]')" = False ]
check "status against the other policy: finding policy-drift" \
	[ "$(jget "$tmp/status4.out" '[f["rule_id"] for f in d["findings"]]' | grep -c policy-drift)" = 1 ]
nft list table inet mailwarden >"$tmp/live5"
mw apply5 firewall --apply "${allow[@]}" --format json
nft list table inet mailwarden >"$tmp/live5b"
check "allow-list apply again: unchanged" [ "$(jget "$tmp/apply5.out" 'd["data"]["firewall"]["change"]')" = unchanged ]
check "allow-list apply again: table byte-identical" cmp -s "$tmp/live5" "$tmp/live5b"

# Hand edits are noticed and undone.
nft add rule inet mailwarden output tcp dport 8080 counter accept
mw status5 firewall --status "${allow[@]}" --format json
check "extra rule: status says differs" [ "$(jget "$tmp/status5.out" 'd["data"]["firewall"]["matches_policy"]')" = False ]
mw apply7 firewall --apply "${allow[@]}" --format json
check "extra rule: apply replaces the table" [ "$(jget "$tmp/apply7.out" 'd["data"]["firewall"]["change"]')/$(jget "$tmp/apply7.out" 'd["data"]["firewall"]["matches_policy"]')" = replaced/True ]
nft delete element inet mailwarden allowed_uids '{ 8 }'
expect 8 refused 127.0.0.1:25
mw apply8 firewall --apply "${allow[@]}" --format json
check "deleted element: apply refills the set only" [ "$(jget "$tmp/apply8.out" 'd["data"]["firewall"]["change"]')" = sets-updated ]
expect 8 ok 127.0.0.1:25
nft add table inet mailwarden '{ flags dormant; }'
mw status6 firewall --status "${allow[@]}" --format json
check "dormant table: status says differs" [ "$(jget "$tmp/status6.out" 'd["data"]["firewall"]["difference"]')" = "the table is dormant: its rules do not run" ]
expect 33 ok 127.0.0.1:25		# dormant: nothing is enforced
mw apply10 firewall --apply "${allow[@]}" --format json
check "dormant table: apply replaces it" [ "$(jget "$tmp/apply10.out" 'd["data"]["firewall"]["change"]')/$(jget "$tmp/apply10.out" 'd["data"]["firewall"]["matches_policy"]')" = replaced/True ]
expect 33 refused 127.0.0.1:25
nft flush chain inet mailwarden output
mw apply9 firewall --apply "${allow[@]}" --format json
check "flushed chain: apply replaces the table" [ "$(jget "$tmp/apply9.out" 'd["data"]["firewall"]["change"]')" = replaced ]
nft list table inet mailwarden >"$tmp/live9"
check "flushed chain: afterwards equal to --dry-run" cmp -s "$tmp/live9" "$tmp/dry2.out"

echo "# remove"
mw remove firewall --remove "${deny[@]}" --format json
check "remove: exit 0" [ "$(rc remove)" = 0 ]
check "remove: removed" [ "$(jget "$tmp/remove.out" 'd["data"]["firewall"]["removed"]')" = True ]
check "remove: no trace in nft list ruleset" bash -c "! nft list ruleset | grep -qi mailwarden"
expect 33 ok $smtp
expect 65534 ok $smtp
mw remove2 firewall --remove "${deny[@]}" --format json
check "remove again: exit 0, nothing removed" \
	[ "$(rc remove2)/$(jget "$tmp/remove2.out" 'd["data"]["firewall"]["removed"]')" = 0/False ]
echo "# loopback exemption (allow_loopback = yes)"
mw dry3 firewall --dry-run --config "$fix/loopback.conf" --root "$fix/root"
mw apply6 firewall --apply --config "$fix/loopback.conf" --root "$fix/root"
nft list table inet mailwarden >"$tmp/live6"
check "loopback policy: nft list table == --dry-run output" cmp -s "$tmp/live6" "$tmp/dry3.out"
expect 33 ok 127.0.0.1:25 [::1]:25	# leaves through lo: exempt
mw remove3 firewall --remove --config "$fix/loopback.conf"
check "loopback policy removed" bash -c "! nft list ruleset | grep -qi mailwarden"

echo "# a big shared host: 1100 PHP-FPM pools (set elements span two netlink messages)"
big=$tmp/bigroot/etc/php/8.3/fpm/pool.d
mkdir -p "$big"
for i in $(seq 10000 11099); do
	printf '[p%d]\nuser = %d\n' "$i" "$i" >"$big/p$i.conf"
done
printf '[firewall]\n' >"$tmp/big.conf"
mw drybig firewall --dry-run --config "$tmp/big.conf" --root "$tmp/bigroot"
start=$(date +%s%N)
mw applybig firewall --apply --config "$tmp/big.conf" --root "$tmp/bigroot"
echo "  --apply with 1101 uids: $(( ($(date +%s%N) - start) / 1000000 )) ms"
check "1101 uids: apply exit 0" [ "$(rc applybig)" = 0 ]
nft list table inet mailwarden >"$tmp/livebig"
check "1101 uids: nft list table == --dry-run output" cmp -s "$tmp/livebig" "$tmp/drybig.out"
expect 11099 refused 127.0.0.1:25
rm "$big/p11099.conf"
mw applybig2 firewall --apply --config "$tmp/big.conf" --root "$tmp/bigroot" --format json
check "1100 uids: sets-updated" [ "$(jget "$tmp/applybig2.out" 'd["data"]["firewall"]["change"]')" = sets-updated ]
expect 11099 ok 127.0.0.1:25
mw removebig firewall --remove --config "$tmp/big.conf"

nft list table inet filter >"$tmp/filter.after"
check "foreign table inet filter byte-identical" cmp -s "$tmp/filter.before" "$tmp/filter.after"

echo
if [ "$fails" -ne 0 ]; then
	echo "$fails assertion(s) failed"
	exit 1
fi
echo "all firewall assertions passed"
