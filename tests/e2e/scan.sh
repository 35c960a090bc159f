#!/bin/bash
# End-to-end: `mailwarden scan` on a small web tree built here (a real
# WordPress copy from Debian's package plus planted samples), then
# quarantine/restore and --incremental through the CLI.
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
[ "$(id -u)" = 0 ] || { echo "needs root (chown, setpriv)"; exit 77; }

work=$(mktemp -d /tmp/mw-e2e-scan-XXXXXX)
trap 'rm -rf "$work"' EXIT
rules=$MW_TOP/tests/fixtures/rules/good
samples=$MW_TOP/tests/fixtures/samples
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

cat >"$work/mw.conf" <<CONF
[scan]
quarantine_dir = $work/state/quarantine
quarantine_min_severity = high
[nightly]
state_dir = $work/state
CONF
mw() { "$MW_BIN" "$@" --config "$work/mw.conf" --signatures "$rules" --no-progress; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# --- the tree
site=$work/www/site
mkdir -p "$site/wp-content/uploads/2026/11" "$site/empty"
if [ -d /usr/share/wordpress/wp-includes ]; then
	cp -r /usr/share/wordpress/wp-includes "$site/"
fi
cp "$samples/clean/contact-form.php" "$site/contact.php"
mailer=$site/wp-content/uploads/2026/11/logo.gif
{ printf 'GIF89a\x01\x00'; cat "$samples/malicious/mailer/form-explode-loop.php"; } >"$mailer"
chown 33:33 "$mailer"; chmod 0644 "$mailer"; touch -d '2026-01-02 03:04:05' "$mailer"
ln -s /etc "$site/etc-link"
ln -s .. "$site/empty/loop"

# --- exit 1 with findings, JSON parses, symlinks not followed
set +e
mw scan --format json "$work/www" >"$work/out.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "scan with a mailer: exit $rc, want 1"
ok "exit 1 with findings"
jget "$work/out.json" 'd["schema"]' >/dev/null || fail "JSON does not parse"
[ "$(jget "$work/out.json" '[f["rule_id"] for f in d["findings"] if f["evidence"]["path"].endswith("logo.gif")][0]')" = mailer.test-post-loop ] ||
	fail "mailer in logo.gif not found"
[ "$(jget "$work/out.json" '[f["file"]["owner"] for f in d["findings"] if f["rule_id"]=="mailer.test-post-loop"][0]')" = www-data ] ||
	fail "owner not www-data"
[ "$(jget "$work/out.json" '[f["evidence"]["line"] for f in d["findings"] if f["rule_id"]=="mailer.test-post-loop"][0]')" = 5 ] ||
	fail "line of first match not 5"
[ "$(jget "$work/out.json" 'len([f for f in d["findings"] if "/etc/" in f["evidence"]["path"] or "etc-link/" in f["evidence"]["path"]])')" = 0 ] ||
	fail "something behind the /etc symlink was scanned"
[ "$(jget "$work/out.json" 'sorted(s["path"][len(sys.argv[3]):] for s in d["data"]["scan"]["symlink_list"] if s["path"] in (sys.argv[3] + "/etc-link", sys.argv[3] + "/empty/loop"))' "$site")" = "['/empty/loop', '/etc-link']" ] ||
	fail "symlinks not reported"
[ "$(jget "$work/out.json" 'd["data"]["scan"]["candidates_by_content"]')" -ge 1 ] || fail "gif not a candidate"
ok "JSON parses; finding in logo.gif with owner www-data, line 5; symlinks reported, not followed"

# --- 0 on a clean tree (real WordPress files + the clean sample)
rm "$mailer"
set +e
mw scan --quiet "$work/www" >"$work/out.txt"; rc=$?
set -e
[ $rc -eq 0 ] || { cat "$work/out.txt"; fail "clean tree: exit $rc, want 0"; }
ok "exit 0 on a clean tree"

# --- 2 on a nonexistent root and on an unreadable root
set +e
mw scan --quiet "$work/does-not-exist" >/dev/null 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "nonexistent root: exit $rc, want 2"
mkdir -p "$work/locked/inner" && echo '<?php' >"$work/locked/inner/a.php"
chmod 0755 "$work"; chmod 0 "$work/locked/inner"
set +e
setpriv --reuid=65534 --regid=65534 --clear-groups "$MW_BIN" scan --quiet --no-progress \
	--signatures "$rules" --config "$work/mw.conf" "$work/locked" >"$work/locked.txt" 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || { cat "$work/locked.txt"; fail "unreadable directory: exit $rc, want 2"; }
grep -q "locked/inner" "$work/locked.txt" || fail "error does not name the directory"
ok "exit 2 on a nonexistent root and on an unreadable directory (as nobody)"

# --- larger than max_file_size: said, not silently skipped
head -c 4096 /dev/zero | tr '\0' 'a' >"$site/big.php"
set +e
mw scan --format json --max-file-size 1k "$site/big.php" >"$work/big.json"; rc=$?
set -e
[ $rc -eq 1 ] && [ "$(jget "$work/big.json" 'd["findings"][0]["rule_id"]')" = scan.not-fully-scanned ] ||
	fail "oversized PHP file not reported (exit $rc)"
rm "$site/big.php"
ok "oversized PHP file reported as not fully scanned"
head -c 1024 /dev/zero | tr '\0' 'a' >"$site/exact.php"
cp "$site/exact.php" "$site/exact.txt"
set +e
mw scan --format json --max-file-size 1k "$site/exact.php" "$site/exact.txt" >"$work/exact.json"; rc=$?
set -e
[ $rc -eq 0 ] || fail "files of exactly max_file_size reported (exit $rc)"
rm "$site/exact.php" "$site/exact.txt"
ok "files of exactly max_file_size are not 'not fully scanned'"

# --- the code at the end of a long file: several reads (PHP name, no stat
# before reading) and the streaming tag search (other name) both get there
{ head -c 300000 /dev/zero | tr '\0' '\n'; cat "$samples/malicious/mailer/form-explode-loop.php"; } >"$site/long.php"
{ head -c 300000 /dev/zero | tr '\0' ' '; cat "$samples/malicious/mailer/form-explode-loop.php"; } >"$site/long.txt"
set +e
mw scan --format json "$site/long.php" "$site/long.txt" >"$work/long.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "long files: exit $rc, want 1"
[ "$(jget "$work/long.json" 'sorted(f["evidence"]["path"].rsplit("/",1)[1] for f in d["findings"] if f["rule_id"] == "mailer.test-post-loop")')" = "['long.php', 'long.txt']" ] ||
	fail "mailer at the end of a 300 KB file not found in both"
[ "$(jget "$work/long.json" '[f["file"]["size"] for f in d["findings"] if f["evidence"]["path"].endswith("long.php")][0]')" = "$(stat -c %s "$site/long.php")" ] ||
	fail "size of long.php wrong in the finding"
rm "$site/long.php" "$site/long.txt"
ok "mailer after 300 KB found in a .php and a .txt, with the file's size"

# --- quarantine and restore
{ printf 'GIF89a\x01\x00'; cat "$samples/malicious/mailer/form-explode-loop.php"; } >"$mailer"
chown 33:33 "$mailer"; chmod 0644 "$mailer"; touch -d '2026-01-02 03:04:05' "$mailer"
cp -p "$mailer" "$work/orig.gif"
set +e
mw scan --quarantine --format json "$work/www" >"$work/q.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "scan --quarantine: exit $rc"
[ ! -e "$mailer" ] || fail "mailer still in place after --quarantine"
[ "$(stat -c %a "$work/state/quarantine")" = 700 ] || fail "quarantine dir not 0700"
[ -z "$(find "$work/state/quarantine" -type f -perm /111)" ] || fail "executable file in quarantine"
"$MW_BIN" quarantine list --config "$work/mw.conf" --format json >"$work/list.json"
id=$(jget "$work/list.json" '[i["id"] for i in d["data"]["quarantine"]["items"] if i["path"].endswith("logo.gif")][0]')
[ -n "$id" ] || fail "quarantined file not listed"
"$MW_BIN" quarantine restore "$id" --config "$work/mw.conf" >/dev/null
cmp "$mailer" "$work/orig.gif" || fail "restored file differs"
[ "$(stat -c '%u:%g %a %Y' "$mailer")" = "$(stat -c '%u:%g %a %Y' "$work/orig.gif")" ] ||
	fail "owner/mode/mtime not restored"
ok "quarantine moves the file; restore is byte-identical with owner, mode, mtime"

# --- incremental: the second run reads nothing unchanged, findings stay
set +e
mw scan --incremental --format json "$work/www" >"$work/i1.json"; rc1=$?
mw scan --incremental --format json "$work/www" >"$work/i2.json"; rc2=$?
set -e
[ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] || fail "incremental runs: exit $rc1/$rc2"
files=$(jget "$work/i2.json" 'd["data"]["scan"]["files"]')
cached=$(jget "$work/i2.json" 'd["data"]["scan"]["cached"]')
[ "$cached" = "$files" ] || fail "second incremental run: $cached of $files cached"
[ "$(jget "$work/i1.json" 'len(d["findings"])')" = "$(jget "$work/i2.json" 'len(d["findings"])')" ] ||
	fail "cached run lost findings"
echo "<?php // changed" >>"$site/contact.php"
mw scan --incremental --format json "$work/www" >"$work/i3.json" || true
[ "$(jget "$work/i3.json" 'd["data"]["scan"]["cached"]')" = $((files - 1)) ] || fail "changed file not re-read"
printf 'garbage' >"$work/state/scan-cache.sqlite"
mw scan --incremental --format json "$work/www" >"$work/i4.json" || true
jget "$work/i4.json" '[n for n in d["notes"] if "starting fresh" in n["text"]][0]' >/dev/null ||
	fail "corrupt cache not noted"
ok "incremental: $cached/$files unchanged files not re-read, findings replayed, corrupt cache -> fresh start"
echo "all scan e2e checks passed"
