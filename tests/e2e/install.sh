#!/bin/bash
# make install / make uninstall into a DESTDIR: binary, man pages, default
# configuration (never overwritten), signatures, systemd units with
# @SBINDIR@ substituted; uninstall removes all but the configuration.
set -euo pipefail

MW_TOP=${MW_TOP:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
fail=0
. "$MW_TOP/tests/lib/check.sh"

# Same variables the packager would use; a release build of the tree.
mk() { make -s -C "$MW_TOP" --no-print-directory PREFIX=/usr DESTDIR="$dest" "$@"; }

mk install >"$tmp/install1.log" 2>&1 || { cat "$tmp/install1.log"; echo "FAIL: make install"; exit 1; }
check "binary installed and runs" "$dest/usr/sbin/mailwarden" --version
check "binary mode 0755" test "$(stat -c %a "$dest/usr/sbin/mailwarden")" = 755
check "man page mailwarden.8" test -s "$dest/usr/share/man/man8/mailwarden.8"
check "man page mailwarden.conf.5" test -s "$dest/usr/share/man/man5/mailwarden.conf.5"
check "tamper.table installed with the rules" \
	cmp -s "$MW_TOP/signatures/tamper.table" "$dest/usr/share/mailwarden/signatures/tamper.table"
check "default configuration" cmp -s "$MW_TOP/docs/mailwarden.conf.example" "$dest/etc/mailwarden.conf"
unitdir=$dest/lib/systemd/system
check "nightly service installed" test -f "$unitdir/mailwarden-nightly.service"
check "nightly timer installed" test -f "$unitdir/mailwarden-nightly.timer"
check "ExecStart points at the installed binary" \
	grep -qxF "ExecStart=/usr/sbin/mailwarden audit --nightly --quiet" "$unitdir/mailwarden-nightly.service"
check "no placeholder left in units" bash -c "! grep -l '@SBINDIR@' '$unitdir'/*"
for u in "$MW_TOP"/systemd/*.service "$MW_TOP"/systemd/*.timer; do
	[ -e "$u" ] || continue
	check "unit ${u##*/} installed 0644" test "$(stat -c %a "$unitdir/${u##*/}")" = 644
done

# An admin's configuration survives a reinstall.
printf '[nightly]\nmail_to = admin@example.org\n' >"$dest/etc/mailwarden.conf"
mk install >"$tmp/install2.log" 2>&1 || { cat "$tmp/install2.log"; echo "FAIL: second make install"; exit 1; }
check "existing /etc/mailwarden.conf kept" grep -q 'admin@example.org' "$dest/etc/mailwarden.conf"
check "install says it kept the configuration" grep -q 'keeping existing' "$tmp/install2.log"

mk uninstall >"$tmp/uninstall.log" 2>&1 || { cat "$tmp/uninstall.log"; echo "FAIL: make uninstall"; exit 1; }
check "binary removed" test ! -e "$dest/usr/sbin/mailwarden"
check "man pages removed" test ! -e "$dest/usr/share/man/man8/mailwarden.8"
check "units removed" bash -c "! ls '$unitdir'/mailwarden-* 2>/dev/null | grep -q ."
check "configuration left in place" grep -q 'admin@example.org' "$dest/etc/mailwarden.conf"
left=$(find "$dest" -type f | grep -v '/etc/mailwarden.conf$' || true)
check "nothing else left behind" test -z "$left"
[ -z "$left" ] || echo "$left"
[ "$fails" -eq 0 ] || fail=1
exit $fail
