#!/bin/bash
# The Debian package, its whole life on this host, and the Ansible role:
#   build   dpkg-buildpackage -b from a copy of the tree; what it ships
#           (binary, man pages, conffile, every unit in systemd/ with
#           @SBINDIR@ replaced); lintian --fail-on error,warning;
#   install nothing enabled or started by the maintainer scripts;
#   upgrade to the same build repacked with a bumped version (a second
#           compile would test the compiler, not the package): the
#           admin's edited conffile and the enabled timer survive;
#   remove  program gone, configuration and state kept;
#   purge   configuration and /var/lib/mailwarden gone, and nothing the
#           package or its scripts made is left (file list before/after);
#   ansible tests/lib/ansible-role.sh runs contrib/ansible/mailwarden with
#           this .deb against localhost, twice (second run changed=0).
# It installs into the real system (dpkg), so it refuses to run where
# mailwarden is installed already, and purges on exit.
set -euo pipefail

MW_TOP=${MW_TOP:?}
[ "$(id -u)" = 0 ] || { echo "needs root (dpkg -i)"; exit 77; }
for p in dpkg-buildpackage dpkg-deb dh fakeroot lintian; do
	command -v $p >/dev/null || { echo "missing $p (deps/operate.txt)"; exit 77; }
done
if dpkg -s mailwarden >/dev/null 2>&1 || [ -e /usr/sbin/mailwarden ] || [ -e /etc/mailwarden.conf ]; then
	echo "mailwarden is installed on this host already: not touching it"; exit 77
fi
tmp=$(mktemp -d /tmp/mw-package-e2e.XXXXXX)
# State other test runs left in the default state directory (scan cache,
# compiled rules) is set aside: purge removes /var/lib/mailwarden.
[ -e /var/lib/mailwarden ] && mv /var/lib/mailwarden "$tmp/saved-state"
cleanup() {
	dpkg --purge mailwarden >/dev/null 2>&1 || true
	rm -f /var/cache/mailwarden-mailwarden_*.deb	# the role's copy
	if [ -e "$tmp/saved-state" ]; then
		rm -rf /var/lib/mailwarden
		mv "$tmp/saved-state" /var/lib/mailwarden
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
. "$MW_TOP/tests/lib/check.sh"
# What is on the host outside /tmp, /proc, ...: for the stray-file check.
# /var/lib/mailwarden is checked on its own ("state gone"): any mailwarden
# run elsewhere on this host may make its scan cache there meanwhile.
snapshot() {
	find /etc /usr /lib /var/lib /var/cache /var/log -xdev \
		\( -path /var/lib/mailwarden -o -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/cache/apt \
		   -o -path /var/cache/debconf -o -path /var/cache/man -o -path /var/log \
		   -o -path /var/lib/ucf \) -prune \
		-o -print 2>/dev/null | sort
}

# ---------------------------------------------------------------- build
mkdir "$tmp/src"
tar -C "$MW_TOP" --exclude=./build --exclude=./mailwarden --exclude=./.git -cf - . |
	tar -C "$tmp/src" -xf -
t0=$(date +%s)
if ! (cd "$tmp/src" && dpkg-buildpackage -b -us -uc -j2) >"$tmp/build.log" 2>&1; then
	tail -40 "$tmp/build.log"
	echo "FAIL: dpkg-buildpackage"
	exit 1
fi
deb=$(ls "$tmp"/mailwarden_*.deb)
echo "built ${deb##*/} in $(($(date +%s) - t0)) s"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/sbin/mailwarden /usr/share/man/man8/mailwarden.8.gz \
	 /usr/share/man/man5/mailwarden.conf.5.gz /etc/mailwarden.conf; do
	check "ships $f" grep -qxF "$f" "$tmp/files"
done
for u in "$MW_TOP"/systemd/*.service "$MW_TOP"/systemd/*.timer; do
	check "ships unit ${u##*/}" grep -qxF "/lib/systemd/system/${u##*/}" "$tmp/files"
done
dpkg-deb -e "$deb" "$tmp/ctl"
check "/etc/mailwarden.conf is the only conffile" test "$(cat "$tmp/ctl/conffiles")" = /etc/mailwarden.conf
dpkg-deb -x "$deb" "$tmp/root"
check "units run the packaged binary, no @SBINDIR@ left" \
	bash -c "grep -q 'ExecStart=/usr/sbin/mailwarden audit --nightly' '$tmp/root/lib/systemd/system/mailwarden-nightly.service' &&
		 ! grep -rq '@SBINDIR@' '$tmp/root/lib/systemd/system'"
check "packaged binary runs" "$tmp/root/usr/sbin/mailwarden" --version
check "depends on the libraries it links" \
	bash -c "dpkg-deb -f '$deb' Depends | grep -q libsqlite3"
post=$tmp/ctl/postinst
check "postinst starts no unit" bash -c "! grep -q 'deb-systemd-invoke' '$post'"
check "postinst enables only what was enabled before" \
	test "$(grep -c 'deb-systemd-helper enable' "$post")" -le "$(grep -c 'was-enabled' "$post")"
lintian --fail-on error,warning "$deb" >"$tmp/lintian" 2>&1 && lrc=0 || lrc=$?
grep -v 'running with root privileges' "$tmp/lintian" || true
check "lintian --fail-on error,warning" test $lrc = 0

# Version N+1: the same files, the version bumped in the control file.
dpkg-deb -R "$deb" "$tmp/v2"
v1=$(dpkg-deb -f "$deb" Version)
sed -i "s/^Version: .*/Version: $v1+op1/" "$tmp/v2/DEBIAN/control"
dpkg-deb --root-owner-group -b "$tmp/v2" "$tmp/v2.deb" >/dev/null

# ---------------------------------------------------------- install
snapshot >"$tmp/before"
check "install" dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1
check "no unit enabled by the install" \
	bash -c "! ls /etc/systemd/system/*.wants/mailwarden* >/dev/null 2>&1"
check "installed binary runs" /usr/sbin/mailwarden --version
check "man page installed" test -s /usr/share/man/man8/mailwarden.8.gz
# state, as the nightly timer would make it
mkdir -p "$tmp/www"
cp "$MW_TOP/tests/samples/malicious/mailer/kit-inbox-mass.php" "$tmp/www/a.php"
printf '[nightly]\nmail_to =\n' >>/etc/mailwarden.conf
rc=0; /usr/sbin/mailwarden audit --nightly --only scan --web-root "$tmp/www" --quiet >/dev/null 2>&1 || rc=$?
check "packaged audit --nightly ran (exit $rc) and made its state" test -s /var/lib/mailwarden/findings.db
systemctl enable mailwarden-nightly.timer >/dev/null 2>&1
check "admin enabled the timer" test -L /etc/systemd/system/timers.target.wants/mailwarden-nightly.timer

# ---------------------------------------------------------- upgrade
check "upgrade to $v1+op1" dpkg -i "$tmp/v2.deb" >>"$tmp/dpkg.log" 2>&1
check "upgraded version installed" test "$(dpkg-query -W -f '${Version}' mailwarden)" = "$v1+op1"
check "edited conffile kept" grep -q '^mail_to =$' /etc/mailwarden.conf
check "enabled timer still enabled" test -L /etc/systemd/system/timers.target.wants/mailwarden-nightly.timer
check "firewall unit still not enabled" \
	bash -c "! ls /etc/systemd/system/*.wants/mailwarden-firewall* >/dev/null 2>&1"

# ---------------------------------------------------------- remove, purge
check "remove" dpkg -r mailwarden >>"$tmp/dpkg.log" 2>&1
check "remove: binary gone" test ! -e /usr/sbin/mailwarden
check "remove: configuration kept" test -e /etc/mailwarden.conf
check "remove: state kept" test -s /var/lib/mailwarden/findings.db
check "purge" dpkg --purge mailwarden >>"$tmp/dpkg.log" 2>&1
check "purge: configuration gone" test ! -e /etc/mailwarden.conf
check "purge: state gone" test ! -e /var/lib/mailwarden
snapshot >"$tmp/after"
check "purge: no stray files (compared with before the install)" \
	diff "$tmp/before" "$tmp/after"

# ---------------------------------------------------------- ansible
if command -v ansible-playbook >/dev/null; then
	rc=0; bash "$MW_TOP/tests/lib/ansible-role.sh" "$deb" "$tmp/ansible" || rc=$?
	check "ansible role (tests/lib/ansible-role.sh)" test $rc = 0
elif [ "${CI:-}" = true ]; then
	echo "FAIL: ansible-playbook missing (ansible-core, deps/operate.txt)"; fail=1
else
	echo "WARNING: ansible-playbook NOT INSTALLED: the role was NOT tested"
fi
[ "$fails" -eq 0 ] || fail=1
exit $fail
