#!/bin/bash
# Benchmark of `mailwarden watch` on the bench tree (bench/run's "full"
# tree, generated when missing): time to ready (the initial scan fills a
# fresh cache), idle CPU and RSS over MW_BENCH_IDLE seconds (default 30;
# the filesystem mark sees every write on the tree's filesystem, so other
# activity on it counts, as on a real host), then a burst of 100,000 small
# PHP files written into the tree: files scanned per second and events
# read per second until the last one is reported, unthrottled
# (--max-rate 1000000) and at the default rate.
# Targets (issue 24): idle CPU < 1 %, RSS <= 64 MiB.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${MW_BIN:-$top/mailwarden}
dir=${BENCH_DIR:-/var/tmp/mailwarden-bench}
tree=$dir/tree-${MW_BENCH_WATCH_TREE:-full}
idle=${MW_BENCH_IDLE:-30}
n=${MW_BENCH_BURST:-100000}
[ -x "$bin" ] || { echo "bench/watch.sh: build first (make)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench/watch.sh: needs root (fanotify)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench/watch.sh: needs python3" >&2; exit 2; }

stamp="$tree/.generated-$(sha256sum "$top/bench/gen-tree" | cut -c1-16)"
if [ ! -e "$stamp" ]; then
	echo "generating $tree ..."
	rm -rf "$tree"
	arg=; case $tree in *-heavy) arg=--php-heavy;; *-small) arg=--small;; esac
	"$top/bench/gen-tree" "$tree" $arg >/dev/null
	touch "$stamp"
fi
w=$(mktemp -d "${TMPDIR:-/tmp}/mw-bench-watch.XXXXXX")
burst=$tree/watch-burst
pid=''
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$w" "$burst"' EXIT
printf '[nightly]\nstate_dir = %s/state\nmail_to =\n' "$w" >"$w/mw.conf"
files=$(find "$tree" -type f | wc -l)

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
# run_watch OUT [ARGS...]: start, wait until watching; sets pid, ready_s
run_watch() {
	local out=$1 t0; shift
	t0=$EPOCHREALTIME
	"$bin" --format jsonl --config "$w/mw.conf" --no-progress watch "$@" "$tree" \
		>"$out" 2>"$w/err" &
	pid=$!
	until grep -q '"watching ' "$out" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || { cat "$w/err"; exit 1; }
		sleep 0.2
	done
	ready_s=$(echo "$EPOCHREALTIME - $t0" | bc)
}
stop_watch() { kill "$pid"; wait "$pid" || true; pid=''; }
# burst OUT: n files and a marker the rules flag; prints seconds until the
# marker's finding is out (FIFO: everything before it was scanned)
burst() {
	local out=$1 t0
	rm -rf "$burst"; mkdir -p "$burst"
	t0=$EPOCHREALTIME
	python3 - "$burst" "$n" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
body = b"<?php\n// generated page fragment\necho 'hello';\n"
for i in range(n):
    sub = "%s/d%03d" % (d, i // 1000)
    if i % 1000 == 0:
        os.mkdir(sub)
    fd = os.open("%s/f%d.php" % (sub, i), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, body)
    os.close(fd)
PY
	cp "$top/tests/samples/malicious/mailer/form-explode-loop.php" "$burst/zz-marker.php"
	until grep -q "$burst/zz-marker.php" "$out"; do sleep 0.05; done
	echo "$EPOCHREALTIME - $t0" | bc
}
data() { grep '"type":"data","check":"watch"' "$1" | python3 -c \
	"import json,sys; d=json.loads(sys.stdin.read())['data']; print(d['$2'])"; }

run_watch "$w/out1"
c0=$(ticks "$pid"); sleep "$idle"; c1=$(ticks "$pid")
hz=$(getconf CLK_TCK)
cpu=$(echo "scale=2; ($c1 - $c0) * 100 / $hz / $idle" | bc)
rss=$(kib "$pid" VmRSS); hwm=$(kib "$pid" VmHWM)
rss_mib=$(echo "scale=1; $rss / 1024" | bc); hwm_mib=$(echo "scale=1; $hwm / 1024" | bc)
echo "watch: $tree ($files files): ready in ${ready_s}s (initial scan, empty cache);" \
	"idle ${idle}s: CPU ${cpu} %, RSS ${rss_mib} MiB (peak ${hwm_mib} MiB during the scan)"
stop_watch

run_watch "$w/out2" --no-initial-scan --max-rate 1000000
secs=$(burst "$w/out2")
rss2=$(echo "scale=1; $(kib "$pid" VmHWM) / 1024" | bc)
stop_watch
ev=$(data "$w/out2" events); ovf=$(data "$w/out2" overflows); rd=$(data "$w/out2" read)
echo "watch: burst of $n files, unthrottled: all scanned in ${secs}s:" \
	"$(echo "$n / $secs" | bc) files/s, $(echo "$ev / $secs" | bc) events/s read," \
	"$rd files read, $ovf overflow(s), peak RSS ${rss2} MiB"

run_watch "$w/out3" --no-initial-scan
secs3=$(burst "$w/out3")
stop_watch
echo "watch: burst of $n files at the default max_rate (2000 files/s): ${secs3}s," \
	"$(echo "$n / $secs3" | bc) files/s, $(data "$w/out3" overflows) overflow(s)"

ok=1
awk -v c="$cpu" 'BEGIN { exit !(c < 1) }' || { echo "watch: idle CPU not under 1 %"; ok=0; }
awk -v r="$rss_mib" 'BEGIN { exit !(r <= 64) }' || { echo "watch: above 64 MiB RSS"; ok=0; }
[ $ok = 1 ]
