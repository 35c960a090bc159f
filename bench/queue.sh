#!/bin/bash
# Benchmark of `mailwarden queue` on a recorded 10,000-message Postfix queue
# (bench/queue-gen writes `postqueue -j` output; no live queue): wall and
# CPU time and peak RSS (/usr/bin/time -v) of one analysis.
# Targets (issue 21): < 3 s, <= 64 MiB RSS.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${MW_BIN:-$top/mailwarden}
n=${MW_BENCH_QUEUE:-10000}
[ -x "$bin" ] || { echo "bench/queue.sh: build first (make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/queue.sh: needs /usr/bin/time (package time)" >&2; exit 2; }

w=$(mktemp -d "${TMPDIR:-/tmp}/mw-bench-queue.XXXXXX")
trap 'rm -rf "$w"' EXIT
awk -v n="$n" -f "$top/bench/queue-gen" >"$w/postqueue.json"
/usr/bin/time -v -o "$w/time.txt" "$bin" queue --no-progress --format json \
	--postqueue-json "$w/postqueue.json" >"$w/out.json" || true
secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
	n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$w/time.txt")
cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$w/time.txt")
rss_mib=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$w/time.txt")
got=$(jq '.data.queue.messages' "$w/out.json")
echo "queue: $got of $n messages ($(stat -c %s "$w/postqueue.json") bytes of postqueue -j) in ${secs}s wall (${cpu}s CPU), peak RSS ${rss_mib} MiB"
ok=1
[ "$got" = "$n" ] || { echo "queue: read $got messages, want $n"; ok=0; }
awk -v s="$secs" 'BEGIN { exit !(s < 3) }' || { echo "queue: not under 3 s"; ok=0; }
awk -v r="$rss_mib" 'BEGIN { exit !(r <= 64) }' || { echo "queue: above 64 MiB RSS"; ok=0; }
[ $ok = 1 ]
