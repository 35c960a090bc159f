#!/bin/bash
# tests/lib/exim-fetch.sh [DIR] — fetch Debian's Exim 4.96 and extract it into
# DIR (default build/exim) for tests/e2e/relay-exim.sh.
#
# exim4-daemon-light conflicts with postfix as a Debian package, so the
# tests run the binary from the extracted package instead of installing
# it. This is the only step that talks to the network (the configured apt
# mirror, through apt-get download); the tests themselves never do. Run it
# once by hand, e.g. after `make deps`.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$top/build/exim}
mkdir -p "$dir/debs"
chmod 0755 "$dir" "$dir/debs"
cd "$dir/debs"
# apt's sandbox user must be able to write here
chown _apt "$dir/debs" 2>/dev/null || true
apt-get download exim4-daemon-light exim4-base libidn12
for d in ./*.deb; do dpkg-deb -x "$d" "$dir/root"; done
"$dir/root/usr/sbin/exim4" --version >/dev/null 2>&1 ||
	LD_LIBRARY_PATH=$dir/root/usr/lib/x86_64-linux-gnu:$dir/root/lib/x86_64-linux-gnu \
		ldd "$dir/root/usr/sbin/exim4" | grep 'not found' || true
echo "Exim extracted into $dir/root"
