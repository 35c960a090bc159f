#!/bin/bash
# End-to-end: what a scan must not lose, hide or hang on (issue 19, items
# 4, 9, 14, 15, 21), in a private mount namespace:
#  - atime of every file read is kept (O_NOATIME) on a strictatime tmpfs;
#  - a 2 TiB sparse mailer is hashed to the read cap only, quarantined by
#    a rename on its filesystem and refused (not copied) onto a tmpfs;
#  - files and directories deleted during the walk are "vanished", not
#    errors (LD_PRELOAD shim tests/lib/mwfault.c deletes them just before
#    openat), and per-file errors past the report's cap are all counted;
#  - quarantine_dir inside the scanned root is not scanned;
#  - a finding replayed from the incremental cache has its sha256 and is
#    quarantined like a fresh one.
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
[ "$(id -u)" = 0 ] || { echo "needs root (mount, setpriv)"; exit 77; }
command -v unshare >/dev/null || { echo "needs unshare (util-linux)"; exit 77; }
if [ -z "${MW_STEST_IN_NS:-}" ]; then
	MW_STEST_IN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi

work=$(mktemp -d /tmp/mw-e2e-scandur-XXXXXX)
cleanup() {
	umount "$work/atime" "$work/tmpq" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work"
rules=$MW_TOP/tests/fixtures/rules/good
mailer_src=$MW_TOP/tests/fixtures/samples/malicious/mailer/form-explode-loop.php
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
errors() { jget "$1" "' | '.join(e['message'] for e in d['errors'])"; }
notes() { jget "$1" "' | '.join(n['text'] for n in d['notes'])"; }

conf() {
	cat >"$work/mw.conf" <<CONF
[scan]
quarantine_dir = $1
quarantine_min_severity = high
[nightly]
state_dir = $work/state
CONF
}
mw() { "$MW_BIN" "$@" --config "$work/mw.conf" --signatures "$rules" --no-progress; }
conf "$work/state/quarantine"
cc -shared -fPIC -O1 -o "$work/mwfault.so" "$MW_TOP/tests/lib/mwfault.c"

# --- item 4: reading leaves atime alone (strictatime: every read would set it)
mkdir -p "$work/atime"
mount -t tmpfs -o size=16m,strictatime mw-atime "$work/atime"
mkdir -p "$work/atime/site"
cp "$mailer_src" "$work/atime/site/m.php"
cp "$mailer_src" "$work/atime/site/m.gif"
echo 'hello' >"$work/atime/site/readme.txt"
chown 33:33 "$work/atime/site"/*
touch -a -d '2025-05-05 05:05:05' "$work/atime/site"/*
before=$(stat -c '%n %X' "$work/atime/site"/*)
set +e
mw scan --format json "$work/atime/site" >"$work/a.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "scan of the atime tree: exit $rc: $(errors "$work/a.json")"
after=$(stat -c '%n %X' "$work/atime/site"/*)
[ "$before" = "$after" ] || fail "the scan changed atimes:
$before
$after"
ok "a scan keeps every file's atime (O_NOATIME), PHP name, content-detected and plain"

# --- item 9: a 2 TiB sparse mailer
mkdir -p "$work/www9"
cp "$mailer_src" "$work/www9/huge.php"
truncate -s 2T "$work/www9/huge.php"
set +e
timeout 120 "$MW_BIN" scan --config "$work/mw.conf" --signatures "$rules" --no-progress \
	--format json "$work/www9" >"$work/h.json"; rc=$?
set -e
[ $rc -ne 124 ] || fail "scan of a 2 TiB sparse file did not finish in 120 s"
[ $rc -eq 1 ] || fail "scan of the sparse mailer: exit $rc"
cap=$(jget "$work/h.json" 'd["data"]["scan"]["max_file_size"]')
want=$(head -c "$cap" "$work/www9/huge.php" | sha256sum | cut -d' ' -f1)
[ "$(jget "$work/h.json" '[f["file"]["sha256"] for f in d["findings"] if f["rule_id"] == "mailer.test-post-loop"][0]')" = "$want" ] ||
	fail "file.sha256 is not the digest of the first $cap bytes"
[ "$(jget "$work/h.json" '[f["details"]["sha256_bytes"] for f in d["findings"] if f["rule_id"] == "mailer.test-post-loop"][0]')" = "$cap" ] ||
	fail "details.sha256_bytes does not say how much the hash covers"
# onto another filesystem: refused, nothing copied
mkdir -p "$work/tmpq"
mount -t tmpfs -o size=64m mw-tmpq "$work/tmpq"
conf "$work/tmpq/q"
set +e
timeout 120 "$MW_BIN" scan --quarantine --config "$work/mw.conf" --signatures "$rules" \
	--no-progress --format json "$work/www9" >"$work/h2.json"; rc=$?
set -e
[ $rc -eq 2 ] || fail "quarantine of a 2 TiB file onto tmpfs: exit $rc, want 2"
[ -e "$work/www9/huge.php" ] || fail "the huge file left the web root"
errors "$work/h2.json" | grep -q "not copying it" || fail "no reason given: $(errors "$work/h2.json")"
# on its own filesystem: a rename, and back
conf "$work/state/quarantine"
set +e
timeout 120 "$MW_BIN" scan --quarantine --config "$work/mw.conf" --signatures "$rules" \
	--no-progress --format json "$work/www9" >"$work/h3.json"; rc=$?
set -e
[ $rc -eq 1 ] && [ ! -e "$work/www9/huge.php" ] || fail "quarantine by rename: exit $rc: $(errors "$work/h3.json")"
"$MW_BIN" quarantine list --config "$work/mw.conf" --format json >"$work/l9.json"
id=$(jget "$work/l9.json" '[i["id"] for i in d["data"]["quarantine"]["items"] if i["path"].endswith("huge.php")][0]')
[ "$(jget "$work/l9.json" '[i["sha256_bytes"] for i in d["data"]["quarantine"]["items"] if i["id"] == '"$id"'][0]')" = "$cap" ] ||
	fail "quarantine list does not say the hash is partial"
timeout 120 "$MW_BIN" quarantine restore "$id" --config "$work/mw.conf" >/dev/null || fail "restore of the huge file"
[ "$(stat -c %s "$work/www9/huge.php")" = $((2 << 40)) ] || fail "restored size differs"
rm -f "$work/www9/huge.php"
ok "2 TiB sparse mailer: hashed to the cap (said in the JSON), moved by rename, refused across filesystems"

# --- item 14: deleted during the walk = vanished; errors past the cap counted
mkdir -p "$work/www14/d-vanish" "$work/www14/keep"
echo '<?php echo 1;' >"$work/www14/a-vanish.php"
echo '<?php echo 2;' >"$work/www14/keep/b.php"
set +e
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	LD_PRELOAD="$work/mwfault.so" MW_FAULT=vanish \
	"$MW_BIN" scan --config "$work/mw.conf" --signatures "$rules" --no-progress \
	--format json "$work/www14" >"$work/v.json"; rc=$?
set -e
[ ! -e "$work/www14/a-vanish.php" ] && [ ! -e "$work/www14/d-vanish" ] ||
	fail "the shim did not delete the file and the directory"
[ $rc -eq 0 ] || fail "files deleted during the scan: exit $rc, want 0: $(errors "$work/v.json")"
[ "$(jget "$work/v.json" 'd["data"]["scan"]["skipped"]["vanished"]')" = 2 ] ||
	fail "vanished files not counted"
[ "$(jget "$work/v.json" 'd["summary"]["errors"]')" = 0 ] || fail "a vanished file counted as an error"
ok "a file and a directory deleted between getdents and open are 'vanished', exit 0"

mkdir -p "$work/www14b"
for i in $(seq 1 1005); do echo x >"$work/www14b/f$i.php"; done
chmod 0000 "$work/www14b"/*.php
chmod 0755 "$work/www14b"
mkdir -p "$work/nstate"; chmod 0777 "$work/nstate"
cat >"$work/nobody.conf" <<CONF
[nightly]
state_dir = $work/nstate
CONF
set +e
setpriv --reuid=65534 --regid=65534 --clear-groups "$MW_BIN" scan --config "$work/nobody.conf" \
	--signatures "$rules" --no-progress --format json "$work/www14b" >"$work/e.json" 2>/dev/null; rc=$?
set -e
[ $rc -eq 2 ] || fail "1005 unreadable files: exit $rc, want 2"
[ "$(jget "$work/e.json" 'd["data"]["scan"]["file_errors"]')" = 1005 ] || fail "per-file errors past the cap not counted"
errors "$work/e.json" | grep -q "1005 per-file errors in all: 5 past the first 1000" ||
	fail "the total is not reported: $(errors "$work/e.json" | tail -c 300)"
ok "1005 per-file errors: 1000 listed, the total said, exit 2"

# --- item 15: quarantine_dir inside the scanned root is not scanned
mkdir -p "$work/www15"
cp "$mailer_src" "$work/www15/m.php"
conf "$work/www15/.quarantine"
set +e
mw scan --quarantine --format json "$work/www15" >"$work/q1.json"; rc1=$?
mw scan --quarantine --format json "$work/www15" >"$work/q2.json"; rc2=$?
set -e
[ $rc1 -eq 1 ] || fail "first quarantine run: exit $rc1"
[ $rc2 -eq 0 ] || fail "second run found its own quarantine: exit $rc2 ($(jget "$work/q2.json" '[f["evidence"]["path"] for f in d["findings"]]'))"
notes "$work/q2.json" | grep -q "quarantine_dir $work/www15/.quarantine is inside $work/www15: not scanned" ||
	fail "no note about the excluded quarantine_dir"
"$MW_BIN" quarantine list --config "$work/mw.conf" --format json >"$work/l15.json"
[ "$(jget "$work/l15.json" 'len(d["data"]["quarantine"]["items"])')" = 1 ] || fail "the quarantine quarantined itself"
ok "quarantine_dir inside a scanned root is excluded, with a note"

# --- item 21: a cached finding keeps its sha256 and is quarantined
conf "$work/state/quarantine"
rm -f "$work/state/scan-cache.sqlite"
mkdir -p "$work/www21"
cp "$mailer_src" "$work/www21/m.php"
set +e
mw scan --incremental --format json "$work/www21" >"$work/c1.json"; rc1=$?
mw scan --incremental --quarantine --format json "$work/www21" >"$work/c2.json"; rc2=$?
set -e
[ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] || fail "incremental runs: exit $rc1/$rc2"
[ "$(jget "$work/c2.json" 'd["data"]["scan"]["cached"]')" -ge 1 ] || fail "second run did not use the cache"
sha=$(sha256sum <"$mailer_src" | cut -d' ' -f1)
[ "$(jget "$work/c2.json" '[f["file"]["sha256"] for f in d["findings"] if f["rule_id"] == "mailer.test-post-loop"][0]')" = "$sha" ] ||
	fail "finding from the cache has no or a wrong sha256"
[ ! -e "$work/www21/m.php" ] || fail "a finding from the cache was not quarantined"
ok "a cached finding has its sha256 and is quarantined like a fresh one"

# --- item 16: paths that are not UTF-8 are escaped, never "(null)" or dropped
root16=$(printf '%s/www16/r\xff' "$work")
mkdir -p "$root16"
cp "$mailer_src" "$root16/$(printf 'm\x1b.php')"
ln -s /etc "$root16/$(printf 'l\xfe')"
set +e
mw scan --quarantine --format json "$root16" >"$work/u.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "scan of a non-UTF-8 root: exit $rc: $(errors "$work/u.json")"
esc_root="$work/www16/r\\xff"
[ "$(jget "$work/u.json" 'd["data"]["scan"]["roots"][0]["path"]')" = "$esc_root" ] ||
	fail "root path in JSON: $(jget "$work/u.json" 'd["data"]["scan"]["roots"]')"
[ "$(jget "$work/u.json" '"|".join(s["path"] for s in d["data"]["scan"]["symlink_list"])')" = "$esc_root/l\\xfe" ] ||
	fail "symlink list: $(jget "$work/u.json" 'd["data"]["scan"]["symlink_list"]')"
"$MW_BIN" quarantine list --config "$work/mw.conf" --format json >"$work/l16.json"
[ "$(jget "$work/l16.json" '"|".join(i["path"] for i in d["data"]["quarantine"]["items"] if "www16" in i["path"])')" = "$esc_root/m\\x1b.php" ] ||
	fail "quarantine list JSON: $(jget "$work/l16.json" 'd["data"]["quarantine"]["items"]')"
"$MW_BIN" quarantine list --config "$work/mw.conf" >"$work/l16.txt"
! grep -q "(null)" "$work/l16.txt" || fail "quarantine list prints (null)"
grep -qF "$esc_root/m\\x1b.php" "$work/l16.txt" || fail "quarantine list text: $(cat "$work/l16.txt")"
! grep -q "$(printf '\x1b')" "$work/l16.txt" || fail "a raw ESC reached the terminal"
ok "non-UTF-8 and control bytes in roots, symlinks and the quarantine list: escaped once"

# --- item 19: a relative root, and a mailer past PATH_MAX (4096 bytes)
conf "$work/state/quarantine"
mkdir -p "$work/www19"
cp "$mailer_src" "$work/www19/rel.php"
long=$(printf 'd%.0s' $(seq 1 200))
(
	cd "$work/www19"
	for i in $(seq 1 25); do mkdir "$long$i"; cd "$long$i"; done
	cp "$mailer_src" deep.php
)
deep_len=$(python3 -c "import sys; print(len(sys.argv[1]) + 25 * 202 + 9)" "$work/www19")
[ "$deep_len" -gt 4096 ] || fail "test tree not deep enough ($deep_len)"
set +e
(cd "$work" && "$MW_BIN" scan --quarantine --config "$work/mw.conf" --signatures "$rules" \
	--no-progress --format json www19 >"$work/r19.json"); rc=$?
set -e
[ $rc -eq 1 ] || fail "relative root with a deep mailer: exit $rc: $(errors "$work/r19.json" | head -c 600)"
[ "$(jget "$work/r19.json" 'd["data"]["scan"]["roots"][0]["path"]')" = "$work/www19" ] ||
	fail "the relative root was not made absolute"
[ "$(jget "$work/r19.json" 'd["data"]["scan"]["quarantined"]')" = 2 ] ||
	fail "not both quarantined: $(errors "$work/r19.json" | head -c 600)"
[ ! -e "$work/www19/rel.php" ] || fail "rel.php still in place"
python3 - "$work/www19" "$long" <<'PY' || fail "deep.php still in place"
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
for i in range(1, 26):
    nfd = os.open(sys.argv[2] + str(i), os.O_RDONLY, dir_fd=fd); os.close(fd); fd = nfd
sys.exit(1 if os.path.exists("/proc/self/fd/%d/deep.php" % fd) else 0)
PY
"$MW_BIN" quarantine list --config "$work/mw.conf" --format json >"$work/l19.json"
id=$(jget "$work/l19.json" '[i["id"] for i in d["data"]["quarantine"]["items"] if i["path"].endswith("/deep.php") and i["state"] == "quarantined"][0]')
"$MW_BIN" quarantine restore "$id" --config "$work/mw.conf" >"$work/r19.txt" 2>&1 ||
	fail "restore past PATH_MAX: $(cat "$work/r19.txt")"
python3 - "$work/www19" "$long" <<'PY' || fail "deep.php not restored"
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
for i in range(1, 26):
    nfd = os.open(sys.argv[2] + str(i), os.O_RDONLY, dir_fd=fd); os.close(fd); fd = nfd
os.stat("deep.php", dir_fd=fd)
PY
ok "relative root made absolute; a mailer at $deep_len bytes of path quarantined and restored"

# --- item 8: a bind mount of the same filesystem inside a root
mkdir -p "$work/www8/site/inner" "$work/outside8"
cp "$mailer_src" "$work/outside8/m.php"
echo '<?php echo 1;' >"$work/www8/site/index.php"
mount --bind "$work/outside8" "$work/www8/site/inner"
[ "$(stat -c %d "$work/www8/site/inner")" = "$(stat -c %d "$work/www8/site")" ] ||
	fail "the bind mount is on another device: not the case under test"
set +e
mw scan --format json "$work/www8" >"$work/b8.json"; rc=$?
mw scan --cross-filesystems --format json "$work/www8" >"$work/b8x.json"; rcx=$?
set -e
umount "$work/www8/site/inner"
[ $rc -eq 0 ] || fail "bind mount entered silently: exit $rc, findings $(jget "$work/b8.json" '[f["evidence"]["path"] for f in d["findings"]]')"
notes "$work/b8.json" | grep -q "not crossing into a bind mount of the same filesystem: $work/www8/site/inner" ||
	fail "bind mount not reported: $(notes "$work/b8.json")"
[ "$(jget "$work/b8.json" 'd["data"]["scan"]["skipped"]["other_filesystem"]')" = 1 ] || fail "not counted as another filesystem"
[ $rcx -eq 1 ] || fail "--cross-filesystems does not enter the bind mount (exit $rcx)"
ok "a bind mount of the same filesystem is reported like another filesystem; --cross-filesystems enters it"

# --- item 13: a symlinked ~/public_html or web root is resolved or reported
# Auto-detection looks at the real system: in this mount namespace, empty
# tmpfs over the places it reads, and a /home of our own.
for d in /home /var/www /srv/www /etc/apache2/sites-enabled /etc/nginx/sites-enabled \
	/etc/nginx/conf.d /etc/php; do
	[ -d "$d" ] && mount -t tmpfs -o size=8m mw-mask "$d"
done
mkdir -p /home/mwu/www/site /home/mwv /home/mwcfg/real
cp "$mailer_src" /home/mwu/www/site/contact.php
ln -s www/site /home/mwu/public_html
ln -s /etc /home/mwv/public_html
cp "$mailer_src" /home/mwcfg/real/form.php
ln -s /home/mwcfg/real /home/mwcfg/site
cat >"$work/mw13.conf" <<CONF
[scan]
web_roots = /home/mwcfg/site
[nightly]
state_dir = $work/state
CONF
set +e
"$MW_BIN" scan --config "$work/mw13.conf" --signatures "$rules" --no-progress --format json >"$work/d13.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "auto-detected roots: exit $rc: $(errors "$work/d13.json")"
[ "$(jget "$work/d13.json" 'sorted(f["evidence"]["path"] for f in d["findings"] if f["rule_id"] == "mailer.test-post-loop")')" = \
	"['/home/mwcfg/real/form.php', '/home/mwu/www/site/contact.php']" ] ||
	fail "mailers behind symlinked roots not found: $(jget "$work/d13.json" '[f["evidence"]["path"] for f in d["findings"]]')"
[ "$(jget "$work/d13.json" '[f["severity"] for f in d["findings"] if f["rule_id"] == "scan.docroot-symlink" and f["evidence"]["path"] == "/home/mwv/public_html"]')" = "['medium']" ] ||
	fail "public_html -> /etc is not a finding: $(jget "$work/d13.json" '[(f["rule_id"], f["evidence"]["path"]) for f in d["findings"]]')"
! jget "$work/d13.json" '[f["evidence"]["path"] for f in d["findings"]]' | grep -q "/etc/" ||
	fail "something under /etc was scanned"
for d in /etc/php /etc/nginx/conf.d /etc/nginx/sites-enabled /etc/apache2/sites-enabled \
	/srv/www /var/www /home; do
	umount "$d" 2>/dev/null || true
done
ok "symlinked public_html and web_roots inside their directory scanned; one leading to /etc is a finding"
