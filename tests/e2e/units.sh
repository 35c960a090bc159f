#!/bin/bash
# systemd units: every systemd/*.service and *.timer, with @SBINDIR@
# replaced by the directory of the built binary, must pass
# `systemd-analyze verify` without a single warning (systemd-analyze works
# without systemd as PID 1). Also asserts the settings the nightly run
# depends on, and that the warning detection itself works (a unit with an
# unknown key must be flagged).
set -euo pipefail

MW_BIN=${MW_BIN:?} MW_TOP=${MW_TOP:?}
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not installed"; exit 77; }
[ "$(basename "$MW_BIN")" = mailwarden ] || { echo "MW_BIN must be named mailwarden"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sbindir=$(cd "$(dirname "$MW_BIN")" && pwd)
fail=0
n=0

verify() {	# verify FILE...: no output at all, exit 0
	local out rc=0
	out=$(systemd-analyze verify --man=no "$@" 2>&1) || rc=$?
	if [ $rc -ne 0 ] || [ -n "$out" ]; then
		echo "$out"
		return 1
	fi
}

for u in "$MW_TOP"/systemd/*.service "$MW_TOP"/systemd/*.timer "$MW_TOP"/systemd/*.socket; do
	[ -e "$u" ] || continue
	sed "s|@SBINDIR@|$sbindir|g" "$u" >"$tmp/${u##*/}"
	n=$((n + 1))
done
[ $n -ge 2 ] || { echo "FAIL: expected at least the nightly service and timer"; exit 1; }

for u in "$tmp"/*; do
	if verify "$u"; then
		echo "ok: systemd-analyze verify ${u##*/}"
	else
		echo "FAIL: systemd-analyze verify ${u##*/}"; fail=1
	fi
	if grep -n '@[A-Z]*@' "$u"; then
		echo "FAIL: ${u##*/}: placeholder left after substitution"; fail=1
	fi
done

svc=$tmp/mailwarden-nightly.service tim=$tmp/mailwarden-nightly.timer
need() {	# need FILE LINE
	if grep -qxF -- "$2" "$1"; then
		echo "ok: ${1##*/} has '$2'"
	else
		echo "FAIL: ${1##*/} lacks '$2'"; fail=1
	fi
}
need "$svc" "Type=oneshot"
need "$svc" "ExecStart=$sbindir/mailwarden audit --nightly --quiet"
need "$svc" "Nice=10"
need "$svc" "IOSchedulingClass=idle"
need "$svc" "ProtectSystem=strict"
need "$svc" "ReadWritePaths=/var/lib/mailwarden"
need "$svc" "ProtectHome=read-only"
need "$svc" "PrivateTmp=yes"
need "$svc" "NoNewPrivileges=yes"
need "$tim" "OnCalendar=daily"
need "$tim" "RandomizedDelaySec=1h"
need "$tim" "Persistent=true"
need "$tim" "WantedBy=timers.target"
# The nightly run must not touch the firewall.
if grep -E '^(CapabilityBoundingSet|AmbientCapabilities)=' "$svc" | grep -q CAP_NET_ADMIN; then echo "FAIL: nightly unit grants CAP_NET_ADMIN"; fail=1; fi

# The check must be able to fail: an unknown key and a missing binary.
cp "$svc" "$tmp/bad.service"
echo "NoSuchSetting=1" >>"$tmp/bad.service"
if verify "$tmp/bad.service" >/dev/null; then
	echo "FAIL: an unknown key was not flagged"; fail=1
else
	echo "ok: an unknown key is flagged"
fi
sed "s|$sbindir/mailwarden|$tmp/none/mailwarden|" "$svc" >"$tmp/nobin.service"
if verify "$tmp/nobin.service" >/dev/null; then
	echo "FAIL: a missing ExecStart binary was not flagged"; fail=1
else
	echo "ok: a missing ExecStart binary is flagged"
fi
exit $fail
