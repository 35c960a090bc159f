#!/bin/bash
# Operating on a fleet (issue 27), end to end, in a private network and
# mount namespace:
#   - hooks: a recording on_finding hook receives exactly the new findings
#     of each nightly run as --format jsonl lines (ids = the report's);
#     on_listing gets the DNSBL listing; a hanging on_run_complete hook
#     (with a child of its own) is killed with its process group at the
#     timeout and the run completes with its normal exit status; a hook
#     others can write is refused, logged, and changes nothing else;
#   - journal: a real systemd-journald on a tmpfs over /run/systemd holds
#     one entry per new finding with MESSAGE_ID, MAILWARDEN_RULE,
#     MAILWARDEN_SEVERITY, MAILWARDEN_PATH equal to the report's; with no
#     journal socket the entries go to syslog (/dev/log, a datagram socket
#     this test binds in the namespace);
#   - metrics: promtool check metrics accepts mailwarden.prom and its values
#     equal the report's (findings by severity, new findings, scan files,
#     the DNSBL listing of a fake zone served by dnsmasq in the namespace).
set -euo pipefail

MW_BIN=${MW_BIN:?} MW_TOP=${MW_TOP:?}
if [ -z "${MW_OPERATE_IN_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "needs root (namespaces)"; exit 77; }
	for p in unshare ip jq python3 dnsmasq; do
		command -v "$p" >/dev/null || { echo "missing $p"; exit 77; }
	done
	exec unshare -n -m --propagation private env MW_OPERATE_IN_NS=1 bash "$0" "$@"
fi
ip link set lo up

tmp=$(mktemp -d /tmp/mw-operate-e2e.XXXXXX)
chmod 755 "$tmp"
dnspid= jpid= logpid=
cleanup() {
	for p in $dnspid $jpid $logpid; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

fail=0
. "$MW_TOP/tests/lib/check.sh"
N() { jq -r "$2" "$1"; }

# ---------------------------------------------------------------- fixtures
web=$tmp/www
mkdir -p "$web" "$tmp/prom" "$tmp/hook"
samples=$MW_TOP/tests/samples/malicious/mailer
cp "$samples/kit-inbox-mass.php" "$web/a.php"
second=$samples/mass-wrapper-function.php

# Hooks: record stdin and environment; hang (with a background child)
# and note the pids; one others can write.
cat >"$tmp/hook/record" <<SH
#!/bin/sh
n=\$(ls $tmp/hook | grep -c "^in\.\$MAILWARDEN_HOOK\." || true)
cat >"$tmp/hook/in.\$MAILWARDEN_HOOK.\$n"
env >"$tmp/hook/env.\$MAILWARDEN_HOOK.\$n"
SH
cat >"$tmp/hook/hang" <<SH
#!/bin/sh
sleep 300 &
echo \$\$ \$! >"$tmp/hook/hang.pids"
sleep 300
SH
cp "$tmp/hook/record" "$tmp/hook/open"
chmod 755 "$tmp/hook/record" "$tmp/hook/hang"
chmod 777 "$tmp/hook/open"

# ------------------------------------------------------------- dnsmasq
dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --bind-interfaces \
	--listen-address=127.0.0.1 --port=5358 --user=root --group=root \
	--local=/operate-test/ --address=/7.113.0.203.bl.operate-test/127.0.0.2 \
	--address=/2.0.0.127.bl.operate-test/127.0.0.2 \
	--log-facility="$tmp/dnsmasq.log" &
dnspid=$!

# ------------------------------------------------------------- journald
journal=0
if [ -x /lib/systemd/systemd-journald ] && command -v journalctl >/dev/null &&
   mount -t tmpfs tmpfs /run/systemd; then
	mkdir -p /run/log /run/systemd/journal
	mount -t tmpfs tmpfs /run/log
	[ -d /var/log/journal ] && mount -t tmpfs tmpfs /var/log/journal
	/lib/systemd/systemd-journald >/dev/null 2>&1 &
	jpid=$!
	for i in $(seq 1 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
	[ -S /run/systemd/journal/socket ] && journal=1
fi
jentries() { journalctl --no-pager -o json SYSLOG_IDENTIFIER=mailwarden 2>/dev/null || true; }

conf=$tmp/mailwarden.conf
cat >"$conf" <<CF
[general]
metrics_textfile = $tmp/prom
[scan]
signatures_dir = $MW_TOP/signatures
[nightly]
state_dir = $tmp/state
mail_to =
[hooks]
on_finding = $tmp/hook/record
on_listing = $tmp/hook/record
on_run_complete = $tmp/hook/hang
timeout_s = 3
CF
mw() { "$MW_BIN" "$1" --config "$conf" --no-progress "${@:2}"; }
dns=(--resolver 127.0.0.1:5358 --ip 203.0.113.7 --list bl.operate-test)

# ------------------------------------------------ run 1: nightly, all new
t0=$(date +%s)
rc=0; mw audit --nightly --only scan --only dnsbl --web-root "$web" "${dns[@]}" \
	--format json >"$tmp/n1.json" 2>"$tmp/n1.err" || rc=$?
t1=$(date +%s)
check "nightly 1: exit 1 (findings)" test $rc = 1
n1=$(N "$tmp/n1.json" .data.audit.nightly.new)
check "nightly 1: some new findings ($n1)" test "$n1" -ge 2
check "on_finding: one line per new finding" test "$(wc -l <"$tmp/hook/in.on_finding.0")" = "$n1"
N "$tmp/n1.json" '[.findings[].details.finding_id] | sort | .[]' >"$tmp/ids1"
jq -r '.details.finding_id' "$tmp/hook/in.on_finding.0" | sort >"$tmp/hids1"
check "on_finding: exactly the report's findings (ids)" cmp -s "$tmp/ids1" "$tmp/hids1"
check "on_finding: lines are --format jsonl finding lines" \
	test "$(jq -s '[.[] | select(.type == "finding" and .rule_id and .severity)] | length' \
		"$tmp/hook/in.on_finding.0")" = "$n1"
check "on_finding: minimal environment" \
	test "$(grep -cvE '^(PATH|LC_ALL|MAILWARDEN_HOOK|MAILWARDEN_COMMAND|MAILWARDEN_LINES|PWD|SHLVL|_)=' \
		"$tmp/hook/env.on_finding.0")" = 0
check "on_finding: MAILWARDEN_LINES=$n1" grep -qx "MAILWARDEN_LINES=$n1" "$tmp/hook/env.on_finding.0"
check "on_listing: the one DNSBL listing" \
	test "$(jq -s -r '[.[] | .rule_id] | join(",")' "$tmp/hook/in.on_listing.0")" = dnsbl.listed
check "on_run_complete killed at its 3 s timeout, run went on ($((t1 - t0)) s)" \
	test $((t1 - t0)) -lt 20
check "hook timeout noted in the report" \
	test "$(N "$tmp/n1.json" '[.notes[] | select(.text | startswith("hook on_run_complete failed: killed after the 3 s timeout"))] | length')" = 1
read -r hpid cpid <"$tmp/hook/hang.pids"
sleep 0.2
ps -o pid,stat,comm -p "$hpid,$cpid" || true
gone() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null || true); [ -z "$s" ] || [ "${s#Z}" != "$s" ]; }
check "hanging hook and its child are gone (or zombies of init)" bash -c "$(declare -f gone); gone $hpid && gone $cpid"
if command -v promtool >/dev/null; then
	check "metrics: promtool accepts mailwarden.prom" promtool check metrics <"$tmp/prom/mailwarden.prom"
elif [ "${CI:-}" = true ]; then
	echo "FAIL: promtool missing (Debian package prometheus, deps/operate.txt)"; fail=1
else
	echo "WARNING: promtool NOT INSTALLED: mailwarden.prom syntax NOT checked (apt-get install prometheus)"
fi
m() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/prom/mailwarden.prom"; }
check "metrics: new findings = $n1" test "$(m mailwarden_new_findings)" = "$n1"
check "metrics: listed on bl.operate-test" test "$(m 'mailwarden_dnsbl_listed{list="bl.operate-test"}')" = 1
for sev in critical high medium low info; do
	want=$(N "$tmp/n1.json" "[.findings[] | select(.check == \"scan\" and .severity == \"$sev\")] | length")
	check "metrics: scan $sev findings = $want" \
		test "$(m "mailwarden_findings{check=\"scan\",severity=\"$sev\"}")" = "$want"
done
check "metrics: scan files = report" test "$(m mailwarden_scan_files)" = "$(N "$tmp/n1.json" .data.scan.files)"
check "metrics: firewall table known in a nightly run (0 or 1)" \
	bash -c "case '$(m mailwarden_firewall_installed)' in 0|1) true;; *) false;; esac"
check "metrics: file mode 0644, no temporary left" \
	bash -c "test \"\$(stat -c %a '$tmp/prom/mailwarden.prom')\" = 644 && test \"\$(ls -A '$tmp/prom')\" = mailwarden.prom"

if [ $journal = 1 ]; then
	echo "mode: private systemd-journald -> journal read back with journalctl"
	sleep 0.3
	jentries >"$tmp/j1"
	check "journal: one entry per new finding" \
		test "$(jq -s '[.[] | select(.MESSAGE_ID == "6a32aad5284e47d18ba25dffcc7fcee8")] | length' "$tmp/j1")" = "$n1"
	check "journal: each marked MAILWARDEN_NIGHTLY=new" \
		test "$(jq -s '[.[] | select(.MAILWARDEN_NIGHTLY == "new")] | length' "$tmp/j1")" = "$n1"
	for id in $(head -3 "$tmp/ids1"); do
		want=$(N "$tmp/n1.json" ".findings[] | select(.details.finding_id == \"$id\") | [.rule_id, .severity, (.evidence.path // \"\")] | join(\"|\")")
		got=$(jq -r "select(.MAILWARDEN_FINDING_ID == \"$id\") | [.MAILWARDEN_RULE, .MAILWARDEN_SEVERITY, (.MAILWARDEN_PATH // \"\")] | join(\"|\")" "$tmp/j1")
		check "journal: fields of $id match the report ($want)" test "$got" = "$want"
	done
	check "journal: hook failure logged at priority err" \
		test "$(jq -s '[.[] | select(.MAILWARDEN_HOOK == "on_run_complete" and .PRIORITY == "3")] | length' "$tmp/j1")" = 1
	# PHP's mail.log = syslog (what harden --apply sets per pool) goes to
	# journald as ident "php", facility user; logs reads it back from the
	# journal files and names the script (real php-cli, sendmail /bin/true)
	if command -v php >/dev/null; then
		mkdir -p "$tmp/phpsite"
		printf '<?php mail("v@example.org", "s", "b", "From: x@example.org");\n' >"$tmp/phpsite/send.php"
		# this namespace has no /dev/log: give php one, to journald's
		unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /dev &&
			mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/urandom c 1 9 &&
			mknod -m 666 /dev/zero c 1 5 &&
			ln -s /run/systemd/journal/dev-log /dev/log &&
			exec php -n -d mail.log=syslog -d sendmail_path=/bin/true "$1"' sh "$tmp/phpsite/send.php"
		sleep 0.3
		check "journal: PHP's mail() line is in the journal as ident php" \
			test "$(journalctl --no-pager -o json SYSLOG_IDENTIFIER=php 2>/dev/null | jq -s '[.[] | select(.MESSAGE | contains("mail() on ["))] | length')" = 1
		jdir=$(journalctl --header 2>/dev/null | sed -n 's/^File path: //p' | head -n 1)
		jdir=${jdir%/*}
		rc=0; mw logs --since all --journal-dir "$jdir" --format json >"$tmp/pl.json" 2>/dev/null || rc=$?
		check "journal: logs reads the PHP mail() line and names the script" \
			test "$(N "$tmp/pl.json" "[.data.logs.scripts[] | select(.script == \"$tmp/phpsite/send.php\")] | length")" = 1
	else
		echo "mode: no php-cli -> PHP mail.log read-back skipped"
	fi
else
	echo "mode: no journald here -> journal read-back skipped"
	[ "${CI:-}" = true ] && { echo "FAIL: CI needs systemd-journald"; fail=1; }
fi

# ------------------------------------- run 2: one new file, only it is new
cp "$second" "$web/b.php"
rm -f "$tmp/hook"/in.* "$tmp/hook"/env.*
rc=0; mw audit --nightly --only scan --web-root "$web" --format json >"$tmp/n2.json" 2>/dev/null || rc=$?
n2=$(N "$tmp/n2.json" .data.audit.nightly.new)
check "nightly 2: new findings only for b.php ($n2)" \
	test "$n2" -ge 1 -a "$(N "$tmp/n2.json" "[.findings[] | select(.evidence.path != \"$web/b.php\")] | length")" = 0
N "$tmp/n2.json" '[.findings[].details.finding_id] | sort | .[]' >"$tmp/ids2"
jq -r '.details.finding_id' "$tmp/hook/in.on_finding.0" | sort >"$tmp/hids2"
check "nightly 2: on_finding got exactly the new findings" cmp -s "$tmp/ids2" "$tmp/hids2"
check "metrics: open findings still counted (nightly 2)" \
	test "$(awk '$1 ~ /^mailwarden_findings\{check="scan"/ { s += $2 } END { print s }' "$tmp/prom/mailwarden.prom")" -gt "$n2"
check "metrics: new findings = $n2" test "$(m mailwarden_new_findings)" = "$n2"

# ------------------------------------------------- run 3: nothing new
rm -f "$tmp/hook"/in.* "$tmp/hook"/env.*
sed -i "s|^on_run_complete = .*|on_run_complete = $tmp/hook/open|" "$conf"
rc=0; mw audit --nightly --only scan --web-root "$web" --format json >"$tmp/n3.json" 2>/dev/null || rc=$?
check "nightly 3: nothing new, exit 0" test "$rc/$(N "$tmp/n3.json" .data.audit.nightly.new)" = 0/0
check "nightly 3: on_finding not run" bash -c "! ls '$tmp/hook'/in.on_finding.* >/dev/null 2>&1"
check "nightly 3: world-writable hook refused and noted" \
	test "$(N "$tmp/n3.json" '[.notes[] | select(.text | contains("refusing a hook that is group/world-writable"))] | length')" = 1
check "nightly 3: refused hook did not run" bash -c "! ls '$tmp/hook'/in.on_run_complete.* >/dev/null 2>&1"

# ---------------------------------- syslog when there is no journal socket
if [ $journal = 1 ]; then kill "$jpid"; wait "$jpid" 2>/dev/null || true; jpid=; fi
umount /run/systemd 2>/dev/null || true
if [ ! -S /run/systemd/journal/socket ] && mount -t tmpfs tmpfs /dev 2>/dev/null; then
	mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/urandom c 1 9; mknod -m 666 /dev/zero c 1 5
	python3 - "$tmp/syslog" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
s.settimeout(30)
with open(sys.argv[1], "wb") as out:
    try:
        while True:
            out.write(s.recv(65536) + b"\n")
            out.flush()
    except socket.timeout:
        pass
PY
	logpid=$!
	for i in $(seq 1 50); do [ -S /dev/log ] && break; sleep 0.1; done
	sed -i '/^on_/d' "$conf"
	rc=0; mw scan "$web/a.php" --format json >"$tmp/s.json" 2>/dev/null || rc=$?
	sleep 0.3
	ns=$(N "$tmp/s.json" '.findings | length')
	rule=$(N "$tmp/s.json" '.findings[0].rule_id')
	check "syslog fallback: one line per finding ($ns)" \
		test "$(grep -c 'mailwarden\[[0-9]*\]: mailwarden: ' "$tmp/syslog")" = "$ns"
	check "syslog fallback: fields appended (MAILWARDEN_RULE=$rule)" \
		grep -q "MAILWARDEN_RULE=$rule MAILWARDEN_SEVERITY=" "$tmp/syslog"
	check "syslog fallback: no journal-loss note" \
		test "$(N "$tmp/s.json" '[.notes[] | select(.text | startswith("journal:"))] | length')" = 0
else
	echo "mode: could not set up /dev/log in the namespace -> syslog fallback skipped"
fi
[ "$fails" -eq 0 ] || fail=1
exit $fail
