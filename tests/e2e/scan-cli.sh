#!/bin/bash
# End-to-end: the scan command line of issue 18, items 21-23.
#   --files-from FILE|- (NUL- or newline-separated), one header line for
#   the given paths, a list longer than the fd limit, symlinks in a list not
#   followed; an empty list scans nothing (never the configured or detected
#   web roots); --min-severity for every command (output and exit status);
#   --state-dir so that a scan need not write the configured state_dir.
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"

work=$(mktemp -d /tmp/mw-e2e-scancli-XXXXXX)
trap 'rm -rf "$work"' EXIT
rules=$MW_TOP/tests/fixtures/rules/good
samples=$MW_TOP/tests/fixtures/samples
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# A configured web root holding a mailer: any run that falls back to the
# configured/detected roots finds it. state_dir cannot be created (below a
# regular file), so a run that writes there fails.
webroot=$work/webroot
mkdir -p "$webroot" "$work/site/up"
cp "$samples/malicious/mailer/form-explode-loop.php" "$webroot/mailer.php"
: >"$work/not-a-dir"
cat >"$work/mw.conf" <<CONF
[scan]
web_roots = $webroot
quarantine_dir = $work/q
[nightly]
state_dir = $work/not-a-dir/state
CONF
mw() { "$MW_BIN" "$@" --config "$work/mw.conf" --signatures "$rules" --no-progress; }

site=$work/site
cp "$samples/malicious/mailer/form-explode-loop.php" "$site/up/logo.gif"
cp "$samples/clean/contact-form.php" "$site/contact.php"
printf 'hello\n' >"$site/readme.txt"
ln -s "$webroot/mailer.php" "$site/link.php"

# --- item 21: NUL-separated list from a file
(cd "$site" && find "$site" -mindepth 1 \( -type f -o -type l \) -print0) >"$work/list0"
set +e
mw scan --format json --files-from "$work/list0" >"$work/l0.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "--files-from (NUL): exit $rc, want 1"
[ "$(jget "$work/l0.json" 'd["data"]["scan"]["files"]')" = 3 ] || fail "NUL list: files != 3"
[ "$(jget "$work/l0.json" '[f["evidence"]["path"] for f in d["findings"]]')" = "['$site/up/logo.gif']" ] ||
	fail "NUL list: the mailer in logo.gif not the one finding: $(jget "$work/l0.json" 'd["findings"]')"
[ "$(jget "$work/l0.json" 'd["data"]["scan"]["symlinks"]')" = 1 ] ||
	fail "symlink in the list was followed"
[ "$(jget "$work/l0.json" 'sorted(set(r["source"] for r in d["data"]["scan"]["roots"]))')" = "['--files-from']" ] ||
	fail "roots not marked as from --files-from"
ok "--files-from with a NUL-separated list: 3 files, the mailer found, the symlink not followed"

# --- newline-separated from standard input, plus an operand; one header line
find "$site" -type f -name '*.php' -o -type f -name '*.txt' >"$work/list"
set +e
mw scan --files-from - "$site/up/logo.gif" <"$work/list" >"$work/l1.txt"; rc=$?
set -e
[ $rc -eq 1 ] || fail "--files-from - : exit $rc, want 1"
grep -q '^  roots: 3 paths given (command line, --files-from)$' "$work/l1.txt" ||
	{ cat "$work/l1.txt"; fail "text header is not one roots line"; }
if grep -q '^  root: ' "$work/l1.txt"; then fail "text header repeats a root line per file"; fi
grep -q '^  files: 3 in 0 directories' "$work/l1.txt" || fail "stdin list: not 3 files"
ok "--files-from - (newline list on stdin) with an operand: one 'roots: 3 paths given' header line"

# --- a list longer than the open-file limit: every file scanned, no EMFILE
mkdir "$work/many"
for i in $(seq 1 1500); do printf '<?php echo %d;\n' "$i" >"$work/many/f$i.php"; done
cp "$samples/malicious/mailer/form-explode-loop.php" "$work/many/zz.php"
find "$work/many" -type f >"$work/many.list"
set +e
(ulimit -n 512; mw scan --format json --files-from "$work/many.list" >"$work/many.json"); rc=$?
set -e
[ $rc -eq 1 ] || fail "1501-file list with ulimit -n 512: exit $rc, want 1"
[ "$(jget "$work/many.json" 'd["data"]["scan"]["files"]')" = 1501 ] || fail "not 1501 files"
[ "$(jget "$work/many.json" 'len(d["errors"])')" = 0 ] || fail "errors: $(jget "$work/many.json" 'd["errors"]')"
ok "1501 listed files under ulimit -n 512: all scanned, no errors"

# --- item 23: an empty list scans nothing, not the web roots
: >"$work/empty"
set +e
mw scan --files-from "$work/empty" >"$work/e.txt" 2>&1; rc=$?
printf '\n\n' | mw scan --format json --files-from - >"$work/e.json" 2>&1; rc2=$?
set -e
[ $rc -eq 0 ] && [ $rc2 -eq 0 ] || { cat "$work/e.txt"; fail "empty list: exit $rc/$rc2, want 0"; }
grep -q 'no files given' "$work/e.txt" || fail "empty list: no 'no files given'"
if grep -q "$webroot" "$work/e.txt"; then fail "empty list scanned the configured web root"; fi
[ "$(jget "$work/e.json" 'd["data"]["scan"]["files"]')" = 0 ] || fail "blank-lines list scanned files"
ok "empty --files-from: exit 0, 'no files given', the web roots untouched"
set +e
mw scan --files-from "$work/nope" >/dev/null 2>"$work/nope.err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'nope' "$work/nope.err" || fail "missing list: exit $rc, want 2 naming it"
ok "a missing --files-from file is an error (exit 2)"

# --- item 22: --min-severity, scan and another command
set +e
mw scan --min-severity critical "$site" >"$work/m.txt"; rc=$?
mw scan --min-severity critical --format json "$site" >"$work/m.json"; rcj=$?
mw scan --min-severity high --format json "$site" >"$work/h.json"; rch=$?
mw scan --min-severity bogus "$site" >/dev/null 2>&1; rcb=$?
set -e
[ $rc -eq 0 ] && [ $rcj -eq 0 ] || fail "--min-severity critical with a high finding: exit $rc/$rcj, want 0"
grep -q '1 finding below critical not shown' "$work/m.txt" || fail "hidden findings not said"
[ "$(jget "$work/m.json" 'd["summary"]["hidden"], d["summary"]["min_severity"], len(d["findings"])')" = "(1, 'critical', 0)" ] ||
	fail "JSON summary of --min-severity: $(jget "$work/m.json" 'd["summary"]')"
[ $rch -eq 1 ] && [ "$(jget "$work/h.json" 'len(d["findings"])')" = 1 ] || fail "--min-severity high hid a high finding"
[ $rcb -eq 2 ] || fail "--min-severity bogus: exit $rcb, want 2"
fwd=$MW_TOP/tests/fixtures/forwarders
set +e
"$MW_BIN" forwarders --root "$fwd" --config "$work/mw.conf" --format json >"$work/f-all.json"; rca=$?
"$MW_BIN" --min-severity critical forwarders --root "$fwd" --config "$work/mw.conf" --format json >"$work/f-crit.json"; rcc=$?
set -e
[ $rca -eq 1 ] || fail "forwarders fixture: exit $rca, want 1"
jget "$work/f-crit.json" 'all(f["severity"] == "critical" for f in d["findings"])' | grep -qx True ||
	fail "forwarders --min-severity critical shows lower findings"
[ "$(jget "$work/f-crit.json" 'd["summary"]["hidden"] + len(d["findings"])')" = "$(jget "$work/f-all.json" 'len(d["findings"])')" ] ||
	fail "forwarders: shown + hidden != all"
ok "--min-severity: scan and forwarders show only LEVEL and above, the exit status follows, JSON counts the hidden"

# --- item 22: --state-dir; the configured state_dir is never written
set +e
mw scan --incremental "$site" >"$work/s0.txt" 2>&1; rc0=$?
mw scan --incremental --state-dir "$work/st" "$site" >"$work/s1.txt" 2>&1; rc1=$?
mw scan --incremental --state-dir "$work/st" --format json "$site" >"$work/s2.json" 2>/dev/null; rc2=$?
mw scan --state-dir relative "$site" >/dev/null 2>&1; rcr=$?
set -e
[ $rc0 -eq 2 ] || { cat "$work/s0.txt"; fail "incremental with an unwritable state_dir: exit $rc0, want 2"; }
[ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] || { cat "$work/s1.txt"; fail "--state-dir: exit $rc1/$rc2, want 1"; }
[ -f "$work/st/scan-cache.sqlite" ] || fail "--state-dir: no cache in it"
[ "$(jget "$work/s2.json" 'd["data"]["scan"]["cached"]')" = 3 ] || fail "--state-dir: second run did not use the cache"
[ $rcr -eq 2 ] || fail "--state-dir relative: exit $rcr, want 2"
ok "--state-dir DIR holds the scan cache; the configured state_dir is not needed"
echo "all scan command-line checks passed"
