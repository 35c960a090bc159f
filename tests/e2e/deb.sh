#!/bin/bash
# The Debian package: build it from a copy of the tree (dpkg-buildpackage
# -b, unsigned) and check what it ships: the binary, man pages, the
# configuration as a conffile, the systemd units with @SBINDIR@ replaced,
# and that the units are not enabled or started by the maintainer scripts.
set -euo pipefail

MW_TOP=${MW_TOP:?}
for p in dpkg-buildpackage dpkg-deb dh; do
	command -v $p >/dev/null || { echo "missing $p (apt-get install dpkg-dev debhelper)"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {	# check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

mkdir "$tmp/src"
tar -C "$MW_TOP" --exclude=./build --exclude=./mailwarden --exclude=./.git -cf - . |
	tar -C "$tmp/src" -xf -
if ! (cd "$tmp/src" && dpkg-buildpackage -b -us -uc -j2) >"$tmp/build.log" 2>&1; then
	tail -40 "$tmp/build.log"
	echo "FAIL: dpkg-buildpackage"
	exit 1
fi
deb=$(ls "$tmp"/mailwarden_*.deb)
echo "built ${deb##*/}"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/sbin/mailwarden /usr/share/man/man8/mailwarden.8.gz \
	 /usr/share/man/man5/mailwarden.conf.5.gz /etc/mailwarden.conf \
	 /lib/systemd/system/mailwarden-nightly.service \
	 /lib/systemd/system/mailwarden-nightly.timer \
	 /lib/systemd/system/mailwarden-watch.service; do
	check "ships $f" grep -qxF "$f" "$tmp/files"
done
dpkg-deb -e "$deb" "$tmp/ctl"
check "/etc/mailwarden.conf is a conffile" grep -qxF /etc/mailwarden.conf "$tmp/ctl/conffiles"
dpkg-deb -x "$deb" "$tmp/root"
check "unit runs the packaged binary" \
	grep -qxF "ExecStart=/usr/sbin/mailwarden audit --nightly --quiet" \
	"$tmp/root/lib/systemd/system/mailwarden-nightly.service"
check "packaged binary runs" "$tmp/root/usr/sbin/mailwarden" --version
check "depends on the libraries it links" \
	bash -c "dpkg-deb -f '$deb' Depends | grep -q libsqlite3"
# Maintainer scripts must not enable or start anything on a fresh install:
# debhelper's --no-enable snippet re-enables only units the admin had
# enabled before (was-enabled), and nothing is started.
post=$tmp/ctl/postinst
if [ -e "$post" ]; then
	check "postinst starts no unit" bash -c "! grep -q 'deb-systemd-invoke' '$post'"
	check "postinst enables only what was enabled before" \
		test "$(grep -c 'deb-systemd-helper enable' "$post")" -le "$(grep -c 'was-enabled' "$post")"
fi
exit $fail
