#!/bin/bash
# bench/policyd.sh: requests per second `mailwarden policyd` answers on one
# core. The daemon is pinned to CPU 0 (taskset), the load generator
# (bench/policyd-load.c) to CPU 1: CONNS connections asking the way
# Postfix's smtpd does (one request, wait for the answer), TOTAL requests
# over USERS SASL names at protocol_state DATA, with the SQLite state file
# on (flushed every second). Reports wall-clock requests/s and requests per
# CPU-second of the daemon (its utime+stime from /proc).
#
#   TOTAL=200000 CONNS=8 USERS=1000 bench/policyd.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/mailwarden
[ -x "$bin" ] || { echo "build ./mailwarden first (make)"; exit 2; }
total=${TOTAL:-200000} conns=${CONNS:-8} users=${USERS:-1000}
dir=$(mktemp -d /tmp/mw-bench-policyd.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
cc -O2 -o "$dir/load" "$top/bench/policyd-load.c"
printf '[harden]\nstate_db = %s/state.sqlite\nsasl_messages = 0\nsasl_recipients = 0\n' \
	"$dir" >"$dir/mw.conf"
chmod 0600 "$dir/mw.conf"
taskset -c 0 "$bin" policyd --config "$dir/mw.conf" --listen "$dir/p.sock" 2>"$dir/err" &
pid=$!
for _ in $(seq 1 100); do [ -S "$dir/p.sock" ] && break; sleep 0.05; done
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
c0=$(cpu)
read -r n secs deferred < <(taskset -c 1 "$dir/load" "$dir/p.sock" "$total" "$conns" "$users")
c1=$(cpu)
awk -v n="$n" -v s="$secs" -v c=$((c1 - c0)) -v t="$ticks" -v d="$deferred" -v k="$conns" 'BEGIN {
	printf "policyd: %d requests over %d connections in %.2f s: %.0f requests/s wall, ", n, k, s, n / s
	if (c > 0) printf "%.0f per CPU-second of the daemon", n / (c / t); else printf "daemon CPU below one tick"
	printf " (%d deferred)\n", d }'
