#!/bin/bash
# End-to-end: `mailwarden logs` on hostile or damaged input (issue 19,
# items 11 and 17): a gzip bomb among rotated logs is stopped at the
# decompression cap and said; a garbage and a truncated journal file are
# errors (exit 2), not "0 lines".
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
work=$(mktemp -d /tmp/mw-e2e-logsdur-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
errors() { jget "$1" "' | '.join(e['message'] for e in d['errors'])"; }
mw() { "$MW_BIN" logs --config "$work/empty.conf" --no-progress --format json "$@"; }
fixtures=$MW_TOP/tests/fixtures/maillog
: >"$work/empty.conf"

# --- item 11: 200 MiB of zeros in 200 KiB of gzip
head -c 200M /dev/zero | gzip -9 >"$work/mail.log.2.gz"
set +e
timeout 60 "$MW_BIN" logs --config "$work/empty.conf" --no-progress --format json --since all \
	"$work/mail.log.2.gz" >"$work/b.json"; rc=$?
set -e
[ $rc -ne 124 ] || fail "the gzip bomb was not stopped in 60 s"
[ $rc -eq 2 ] || fail "gzip bomb: exit $rc, want 2"
errors "$work/b.json" | grep -q "gzip: stopped after .* (ratio [0-9]*, cap 200): a decompression bomb" ||
	fail "the cap is not reported: $(errors "$work/b.json")"
bytes=$(jget "$work/b.json" 'd["data"]["logs"]["bytes"]' 2>/dev/null ||
	jget "$work/b.json" 'sum(s.get("bytes", 0) for s in d["data"]["logs"]["sources"])')
[ "$bytes" -lt $((100 << 20)) ] || fail "inflated $bytes bytes before stopping"
# a real rotated log still reads whole
gzip -9 <"$fixtures/postfix-captured.log" >"$work/mail.log.1.gz"
set +e
mw --since all "$work/mail.log.1.gz" >"$work/g.json"; rc=$?
set -e
[ $rc -le 1 ] && [ "$(jget "$work/g.json" 'd["summary"]["errors"]')" = 0 ] ||
	fail "a real rotated log: exit $rc: $(errors "$work/g.json")"
ok "gzip bomb stopped at the ratio cap (exit 2, said); a real .gz reads whole"

# --- item 17: damaged journal files
jr=""
for p in /lib/systemd/systemd-journal-remote /usr/lib/systemd/systemd-journal-remote; do
	[ -x "$p" ] && jr=$p && break
done
[ -n "$jr" ] || { echo "needs systemd-journal-remote (deps/logs.txt)"; exit 77; }
mkdir -p "$work/good" "$work/garbage" "$work/cut"
"$jr" -o "$work/good/system.journal" "$fixtures/postfix-journal.export" >/dev/null 2>&1
set +e
mw --since all --journal-dir "$work/good" >"$work/j0.json"; rc=$?
set -e
[ $rc -le 1 ] && [ "$(jget "$work/j0.json" 'd["summary"]["errors"]')" = 0 ] ||
	fail "a good journal: exit $rc: $(errors "$work/j0.json")"
head -c 65536 /dev/urandom >"$work/garbage/system.journal"
set +e
mw --since all --journal-dir "$work/garbage" >"$work/j1.json"; rc=$?
set -e
[ $rc -eq 2 ] || fail "garbage journal: exit $rc, want 2"
errors "$work/j1.json" | grep -q "not a journal file" || fail "garbage not said: $(errors "$work/j1.json")"
cp "$work/good/system.journal" "$work/cut/system.journal"
truncate -s 1M "$work/cut/system.journal"
set +e
mw --since all --journal-dir "$work/cut" >"$work/j2.json"; rc=$?
set -e
[ $rc -eq 2 ] || fail "truncated journal: exit $rc, want 2"
errors "$work/j2.json" | grep -q "truncated journal file: 1048576 bytes" ||
	fail "truncation not said: $(errors "$work/j2.json")"
ok "a garbage and a truncated journal file: exit 2 with the reason; a good one reads clean"

# --- item 18: an ESC next to a byte that is not UTF-8 is escaped once
printf 'Nov 20 08:00:00 web1 postfix/pickup[1]: 3A1B2C: uid=33 from=<\033[2Jevil\377>\nNov 20 08:00:00 web1 postfix/qmgr[1]: 3A1B2C: from=<\033[2Jevil\377>, size=1, nrcpt=1 (queue active)\n' >"$work/hostile.log"
set +e
mw --since all "$work/hostile.log" >"$work/h.json"
"$MW_BIN" logs --config "$work/empty.conf" --no-progress --since all "$work/hostile.log" >"$work/h.txt" 2>&1
set -e
grep -qF '\\x1b' "$work/h.json" || fail "no escaped ESC in the JSON"
! grep -qF '\\\\x1b' "$work/h.json" || fail "ESC escaped twice in the JSON: $(grep -oF '\\\\x1b[2Jevil' "$work/h.json" | head -1)"
grep -qF '\x1b[2Jevil\xff' "$work/h.txt" || fail "text output: $(grep -a evil "$work/h.txt" | head -2)"
! grep -qF '\\x1b' "$work/h.txt" || fail "ESC escaped twice in the text output"
! grep -q $'\033' "$work/h.txt" || fail "raw ESC in the text output"
ok "log text with an ESC and an invalid byte: escaped once, in JSON and text"
