#!/bin/bash
# End-to-end: the quarantine as a recoverable transaction (issue 19, items
# 1, 2, 3, 7, 15) on real filesystems in a private mount namespace:
#  - a 2 MiB tmpfs as quarantine_dir that the copy would fill;
#  - kill -9 before the move, after the move, after the original's unlink
#    (an LD_PRELOAD shim, tests/lib/mwfault.c: no test hook in the binary);
#  - a damaged and an empty index.sqlite;
#  - owner, group, mode, atime, mtime, xattrs, a POSIX ACL and a file
#    capability back on restore, on the same and on another filesystem;
#  - a restore racing a file or a FIFO swapped in at the path;
#  - a second run waiting for the first.
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
[ "$(id -u)" = 0 ] || { echo "needs root (mount, chown, setcap)"; exit 77; }
command -v unshare >/dev/null || { echo "needs unshare (util-linux)"; exit 77; }
command -v setcap >/dev/null || { echo "needs setcap (libcap2-bin)"; exit 77; }
if [ -z "${MW_QTEST_IN_NS:-}" ]; then
	MW_QTEST_IN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi

work=$(mktemp -d /tmp/mw-e2e-quarantine-XXXXXX)
cleanup() {
	umount "$work/small" "$work/big" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
rules=$MW_TOP/tests/fixtures/rules/good
samples=$MW_TOP/tests/fixtures/samples
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

mkdir -p "$work/small" "$work/big" "$work/state"
mount -t tmpfs -o size=2m,mode=0755 mw-small "$work/small"
mount -t tmpfs -o size=64m,mode=0755 mw-big "$work/big"
cc -shared -fPIC -O1 -o "$work/mwfault.so" "$MW_TOP/tests/lib/mwfault.c"

conf() {
	cat >"$work/mw.conf" <<CONF
[scan]
quarantine_dir = $1
quarantine_min_severity = high
[nightly]
state_dir = $work/state
CONF
}
mw() { "$MW_BIN" "$@" --config "$work/mw.conf" --no-progress; }
scanq() { mw scan --quarantine --signatures "$rules" --format json "$@"; }
# run with a fault injected; ASan must accept a preloaded library first
faulty() {
	local mode=$1; shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		LD_PRELOAD="$work/mwfault.so" MW_FAULT=$mode "$@"
}
# a mailer (rule mailer.test-post-loop, high), padded to about $2 bytes
plant() {
	mkdir -p "$(dirname "$1")"
	{
		cat "$samples/malicious/mailer/form-explode-loop.php"
		if [ "${2:-0}" -gt 0 ]; then
			printf '<?php /* '
			head -c "$2" /dev/zero | tr '\0' 'x'
			printf ' */\n'
		fi
	} >"$1"
	chown 33:33 "$1"; chmod 0644 "$1"
	touch -m -d '2026-01-02 03:04:05.123456789' "$1"
	touch -a -d '2026-02-03 04:05:06.987654321' "$1"
}
list() { mw quarantine list --format json >"$work/list.json"; }
item() { jget "$work/list.json" "[i[sys.argv[4]] for i in d['data']['quarantine']['items'] if i['path'] == sys.argv[3]]" "$1" "$2"; }
first() { jget "$work/list.json" "([i[sys.argv[4]] for i in d['data']['quarantine']['items'] if i['path'] == sys.argv[3]] + [''])[0]" "$1" "$2"; }
# id of the record that currently holds path in quarantine
qid() { jget "$work/list.json" "([i['id'] for i in d['data']['quarantine']['items'] if i['path'] == sys.argv[3] and i['state'] == 'quarantined'] + [''])[0]" "$1"; }
notes() { jget "$1" "' | '.join(n['text'] for n in d['notes'])"; }
errors() { jget "$1" "' | '.join(e['message'] for e in d['errors'])"; }
# what restore must give back: owner, group, mode, atime, mtime, every xattr
meta() {
	python3 - "$1" <<'PY'
import os, sys
p = sys.argv[1]
st = os.lstat(p)
x = {n: os.getxattr(p, n, follow_symlinks=False).hex() for n in sorted(os.listxattr(p, follow_symlinks=False))}
print(st.st_uid, st.st_gid, oct(st.st_mode), st.st_atime_ns, st.st_mtime_ns, x)
PY
}

# --- 1. the quarantine filesystem too small for the copy: refused up front
conf "$work/small/q"
list
avail=$(( $(stat -f -c '%a*%S' "$work/small") ))
# fills the tmpfs but for one page: the copy fits, the index update did not
plant "$work/www1/big.php" $(( avail - 4096 - $(stat -c %s "$samples/malicious/mailer/form-explode-loop.php") - 16 ))
cp -p "$work/www1/big.php" "$work/orig-big.php"
set +e
scanq "$work/www1" >"$work/s1.json"; rc=$?
set -e
[ $rc -eq 2 ] || fail "scan --quarantine onto a full filesystem: exit $rc, want 2"
[ -e "$work/www1/big.php" ] || fail "the file left the web root although the quarantine could not hold it"
cmp -s "$work/www1/big.php" "$work/orig-big.php" || fail "the file in the web root changed"
errors "$work/s1.json" | grep -q "not enough free space" || fail "no free-space error: $(errors "$work/s1.json")"
! notes "$work/s1.json" | grep -q "quarantined .*big.php" || fail "said 'quarantined' although it failed"
list
[ "$(item "$work/www1/big.php" state)" = "[]" ] || fail "a record was left for the refused file: $(item "$work/www1/big.php" state)"
ok "full quarantine filesystem: refused before the copy, file in place, exit 2, no 'quarantined'"

# --- 2. kill -9 after the move (same filesystem): finished on the next start
conf "$work/state/quarantine"
plant "$work/www2/a.php"
cp -p "$work/www2/a.php" "$work/orig-a.php"
set +e
faulty kill-after-move "$MW_BIN" scan --quarantine --signatures "$rules" --config "$work/mw.conf" \
	--no-progress --format json "$work/www2" >/dev/null 2>&1; rc=$?
set -e
[ $rc -eq 137 ] || fail "the fault shim did not kill the run (exit $rc)"
[ ! -e "$work/www2/a.php" ] || fail "kill-after-move: the file was not moved"
list
[ "$(first "$work/www2/a.php" state)" = quarantined ] ||
	fail "record of a file killed after the move is '$(first "$work/www2/a.php" state)' (hidden or stuck)"
notes "$work/list.json" | grep -q "finished the interrupted quarantine" || fail "recovery not reported"
id=$(first "$work/www2/a.php" id)
mw quarantine restore "$id" >/dev/null || fail "restore of a recovered record failed"
cmp -s "$work/www2/a.php" "$work/orig-a.php" || fail "restored file differs"
ok "kill -9 after the move: the record is finished on the next start, listed, restorable"

# --- 3. kill -9 before the move: rolled back, the file stays
plant "$work/www3/b.php"
set +e
faulty kill-before-move "$MW_BIN" scan --quarantine --signatures "$rules" --config "$work/mw.conf" \
	--no-progress --format json "$work/www3" >/dev/null 2>&1; rc=$?
set -e
[ $rc -eq 137 ] || fail "the fault shim did not kill the run (exit $rc)"
[ -e "$work/www3/b.php" ] || fail "kill-before-move: the file is gone"
list
notes "$work/list.json" | grep -q "rolled back the interrupted quarantine of $work/www3/b.php" ||
	fail "roll-back not reported: $(notes "$work/list.json")"
[ "$(item "$work/www3/b.php" state)" = "[]" ] || fail "rolled-back record still listed"
[ -z "$(find "$work/state/quarantine" -name '*.meta')" ] || fail "a .meta file outlived its record"
set +e
scanq "$work/www3" >"$work/s3.json"; rc=$?
set -e
[ $rc -eq 1 ] && [ ! -e "$work/www3/b.php" ] || fail "quarantine after a roll-back: exit $rc"
ok "kill -9 before the move: rolled back on the next start, the next quarantine works"

# --- 4. kill -9 after the copy's unlink (across filesystems): finished
conf "$work/big/q"
plant "$work/www4/c.php" 100000
cp -p "$work/www4/c.php" "$work/orig-c.php"
set +e
faulty kill-after-unlink "$MW_BIN" scan --quarantine --signatures "$rules" --config "$work/mw.conf" \
	--no-progress --format json "$work/www4" >/dev/null 2>&1; rc=$?
set -e
[ $rc -eq 137 ] || fail "the fault shim did not kill the run (exit $rc)"
[ ! -e "$work/www4/c.php" ] || fail "kill-after-unlink: the original is still there"
list
[ "$(first "$work/www4/c.php" state)" = quarantined ] ||
	fail "copy killed after the unlink: record '$(first "$work/www4/c.php" state)'"
mw quarantine restore "$(first "$work/www4/c.php" id)" >/dev/null || fail "restore across filesystems failed"
cmp -s "$work/www4/c.php" "$work/orig-c.php" || fail "restored file differs"
[ "$(meta "$work/www4/c.php")" = "$(meta "$work/orig-c.php")" ] ||
	fail "metadata after a copy back: $(meta "$work/www4/c.php") vs $(meta "$work/orig-c.php")"
ok "kill -9 after the original's unlink (copy to tmpfs): finished, restored with its metadata"

# --- 5. a damaged, then an empty index.sqlite: exit 2, rebuilt from .meta
plant "$work/www5/d.php"
set +e
scanq "$work/www5" >/dev/null; rc=$?
set -e
[ $rc -eq 1 ] || fail "quarantine of d.php: exit $rc"
head -c 16384 /dev/urandom >"$work/big/q/index.sqlite"
set +e
list; rc=$?
set -e
[ $rc -eq 2 ] || fail "damaged index: quarantine list exit $rc, want 2"
errors "$work/list.json" | grep -q "index.sqlite is damaged" || fail "damage not said: $(errors "$work/list.json")"
[ "$(first "$work/www5/d.php" state)" = quarantined ] || fail "d.php not rebuilt from its .meta"
ls "$work/big/q"/index.sqlite.broken-* >/dev/null || fail "damaged index not kept aside"
set +e
list; rc=$?
set -e
[ $rc -eq 0 ] || fail "second list after the rebuild: exit $rc"
: >"$work/big/q/index.sqlite"
set +e
list; rc=$?
set -e
[ $rc -eq 2 ] || fail "empty index: quarantine list exit $rc, want 2"
errors "$work/list.json" | grep -q "rebuilt from their .meta files" || fail "rebuild not said: $(errors "$work/list.json")"
[ "$(first "$work/www5/d.php" state)" = quarantined ] || fail "d.php not rebuilt into the empty index"
plant "$work/www5/e.php"
set +e
scanq "$work/www5" >"$work/s5.json"; rc=$?
set -e
[ $rc -eq 1 ] && [ ! -e "$work/www5/e.php" ] || fail "quarantine after a rebuild: exit $rc: $(errors "$work/s5.json")"
mw quarantine restore "$(first "$work/www5/d.php" id)" >/dev/null || fail "restore after the rebuild failed"
[ -e "$work/www5/d.php" ] || fail "d.php not restored"
ok "damaged and empty index: exit 2 with the reason, rebuilt from .meta, quarantine and restore go on"

# --- 6. xattrs, a POSIX ACL, a file capability, atime: same fs and tmpfs
acl() {
	# system.posix_acl_access: version 2; user::rw- user:65534:rwx group::r-- mask::rwx other::r--
	python3 - "$1" <<'PY'
import os, struct, sys
e = [(0x01, 6, 0xffffffff), (0x02, 7, 65534), (0x04, 4, 0xffffffff), (0x10, 7, 0xffffffff), (0x20, 4, 0xffffffff)]
v = struct.pack('<I', 2) + b''.join(struct.pack('<HHI', *x) for x in e)
os.setxattr(sys.argv[1], 'system.posix_acl_access', v, follow_symlinks=False)
os.setxattr(sys.argv[1], 'user.mailwarden-test', b'evidence\x00\xff', follow_symlinks=False)
PY
}
for qd in "$work/state/quarantine" "$work/big/q"; do
	conf "$qd"
	plant "$work/www6/g.php"
	acl "$work/www6/g.php"
	setcap cap_net_raw+ep "$work/www6/g.php"
	touch -a -d '2026-02-03 04:05:06.987654321' "$work/www6/g.php"
	want=$(meta "$work/www6/g.php")
	case $want in *security.capability*) ;; *) fail "setcap did not set a capability";; esac
	case $want in *posix_acl_access*) ;; *) fail "the ACL was not set";; esac
	set +e
	scanq "$work/www6" >"$work/s6.json"; rc=$?
	set -e
	[ $rc -eq 1 ] || fail "quarantine of g.php ($qd): exit $rc: $(errors "$work/s6.json")"
	list
	id=$(qid "$work/www6/g.php")
	stored=$(meta "$qd/$id.q")
	case $stored in *security.capability*|*posix_acl_access*)
		fail "the quarantined copy keeps a capability or ACL: $stored";; esac
	mw quarantine restore "$id" >/dev/null || fail "restore of g.php ($qd) failed"
	got=$(meta "$work/www6/g.php")
	[ "$got" = "$want" ] || fail "metadata not restored ($qd):
  want $want
  got  $got"
	rm -f "$work/www6/g.php"
done
ok "restore gives back owner, group, mode, atime, mtime, xattrs, ACL and capability (same fs and tmpfs)"

# --- 7. restore race: what is swapped in at the path is never touched
conf "$work/state/quarantine"
for kind in file fifo; do
	plant "$work/www7/h.php"
	chmod 04755 "$work/www7/h.php"
	set +e
	scanq "$work/www7" >/dev/null; rc=$?
	set -e
	[ $rc -eq 1 ] || fail "quarantine of h.php: exit $rc"
	list
	id=$(qid "$work/www7/h.php")
	set +e
	faulty swap-$kind timeout 20 "$MW_BIN" quarantine restore "$id" --config "$work/mw.conf" \
		--no-progress >"$work/r7.txt" 2>&1; rc=$?
	set -e
	[ $rc -ne 124 ] || fail "restore hung on a $kind swapped in at the path"
	[ "$(stat -c '%u:%g %a' "$work/www7/h.php")" = "0:0 600" ] ||
		fail "the $kind swapped in got the record's owner/mode: $(stat -c '%u:%g %a' "$work/www7/h.php")"
	rm -f "$work/www7/h.php"
done
ok "restore race: a file or FIFO swapped in keeps its owner and mode, nothing hangs"

# --- 7b. kill -9 after a restore put the file back: finished on the next start
for qd in "$work/state/quarantine" "$work/big/q"; do
	conf "$qd"
	plant "$work/www7b/k.php"
	cp -p "$work/www7b/k.php" "$work/orig-k.php"
	set +e
	scanq "$work/www7b" >/dev/null; rc=$?
	set -e
	[ $rc -eq 1 ] || fail "quarantine of k.php ($qd): exit $rc"
	list
	id=$(qid "$work/www7b/k.php")
	set +e
	faulty kill-after-restore "$MW_BIN" quarantine restore "$id" --config "$work/mw.conf" \
		--no-progress >/dev/null 2>&1; rc=$?
	set -e
	[ $rc -eq 137 ] || fail "the fault shim did not kill the restore (exit $rc)"
	cmp -s "$work/www7b/k.php" "$work/orig-k.php" || fail "k.php not back after the killed restore"
	list
	notes "$work/list.json" | grep -q "finished the interrupted restore of $work/www7b/k.php (id $id)" ||
		fail "interrupted restore not finished ($qd): $(notes "$work/list.json")"
	[ "$(jget "$work/list.json" "[i['state'] for i in d['data']['quarantine']['items'] if i['id'] == $id][0]")" = restored ] ||
		fail "record of the interrupted restore is not 'restored'"
	rm -f "$work/www7b/k.php"
done
ok "kill -9 after a restore's rename or link: the record is finished on the next start"

# --- 8. a second run waits for the first instead of failing
conf "$work/state/quarantine"
flock "$work/state/quarantine" sleep 3 &
lockpid=$!
sleep 0.5
t0=$(date +%s.%N)
set +e
list; rc=$?
set -e
t1=$(date +%s.%N)
wait $lockpid
[ $rc -eq 0 ] || fail "list while another run holds the quarantine: exit $rc"
python3 -c "import sys; sys.exit(0 if $t1 - $t0 >= 2 else 1)" || fail "did not wait for the other run"
notes "$work/list.json" | grep -q "waited for another run" || fail "the wait is not said"
ok "a second run waits for the quarantine lock and says so"
