#!/bin/bash
# Benchmark of `mailwarden logs` on a plain log file: generates a realistic
# synthetic Postfix+Exim log (bench/maillog-gen, deterministic) of
# MW_BENCH_LOG_BYTES (default 2 GB) in a temp dir, times one run, prints
# MB/s and peak RSS (from /usr/bin/time -v), deletes the file.
# Targets (issue 9): >= 200 MB/s, <= 64 MiB RSS on 2 GB.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${MW_BIN:-$top/mailwarden}
bytes=${MW_BENCH_LOG_BYTES:-2000000000}
[ -x "$bin" ] || { echo "bench/logs.sh: build first (make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/logs.sh: needs /usr/bin/time (package time)" >&2; exit 2; }

w=$(mktemp -d "${TMPDIR:-/tmp}/mw-bench-logs.XXXXXX")
trap 'rm -rf "$w"' EXIT
${CC:-cc} -O2 -o "$w/maillog-gen" "$top/bench/maillog-gen.c"
"$w/maillog-gen" "$bytes" >"$w/mail.log"
size=$(stat -c %s "$w/mail.log")
# Warm the page cache so that the figure is the parser's, not the disk's.
cat "$w/mail.log" >/dev/null

/usr/bin/time -v -o "$w/time.txt" "$bin" logs --no-progress --format json "$w/mail.log" >"$w/out.json" || true
secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
	n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$w/time.txt")
cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$w/time.txt")
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$w/time.txt")
lines=$(jq '.data.logs.lines.total' "$w/out.json" 2>/dev/null || echo "?")
mbs=$(awk -v b="$size" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "inf" }')
cpu_mbs=$(awk -v b="$size" -v s="$cpu" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "inf" }')
rss_mib=$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
echo "logs: $size bytes, $lines lines in ${secs}s wall (${cpu}s CPU): ${mbs} MB/s wall, ${cpu_mbs} MB/s per CPU second, peak RSS ${rss_mib} MiB"
# On a shared machine the wall figure includes waiting for a CPU; the CPU
# figure is what the parser does on a core of its own.
echo "logs: load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
ok=1
awk -v m="$mbs" 'BEGIN { exit !(m >= 200) }' || { echo "logs: below 200 MB/s"; ok=0; }
awk -v r="$rss_mib" 'BEGIN { exit !(r <= 64) }' || { echo "logs: above 64 MiB RSS"; ok=0; }

# Worst case for memory: every line a new key in every table.
hbytes=$((bytes / 4))
"$w/maillog-gen" --hostile "$hbytes" >"$w/hostile.log"
/usr/bin/time -v -o "$w/time-h.txt" "$bin" logs --no-progress --format json "$w/hostile.log" >/dev/null || true
hrss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$w/time-h.txt")
echo "logs: hostile log of $hbytes bytes (a new key in every table on every line): peak RSS ${hrss} MiB"
awk -v r="$hrss" 'BEGIN { exit !(r <= 64) }' || { echo "logs: hostile log above 64 MiB RSS"; ok=0; }
[ $ok = 1 ]
