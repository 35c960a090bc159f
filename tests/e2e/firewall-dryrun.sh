#!/bin/bash
# Golden test of `mailwarden firewall --dry-run`: the nft text for each
# fixture policy (tests/fixtures/firewall/*.conf over the fixture web-server
# tree) must equal tests/golden/firewall-dryrun-*.nft byte for byte, in text
# mode and in the JSON data section. Needs no privilege and no kernel.
# Users in the fixtures come from Debian's base-passwd (same uids on every
# Debian host) or are plain numbers.
set -euo pipefail

top=${MW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${MW_BIN:-$top/mailwarden}
fix=$top/tests/fixtures/firewall
tmp=$(mktemp -d /tmp/mw-fwdry-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

for mode in deny allow loopback; do
	golden=$top/tests/golden/firewall-dryrun-$mode.nft
	if "$bin" firewall --dry-run --config "$fix/$mode.conf" --root "$fix/root" >"$tmp/out" 2>"$tmp/err" &&
	   cmp -s "$tmp/out" "$golden"; then
		echo "ok   - $mode: --dry-run text equals $(basename "$golden")"
	else
		echo "FAIL - $mode: --dry-run text differs from $(basename "$golden")"
		diff -u "$golden" "$tmp/out" || true
		cat "$tmp/err"
		fails=$((fails + 1))
	fi
	"$bin" firewall --dry-run --format json --config "$fix/$mode.conf" --root "$fix/root" >"$tmp/json" || true
	# Report strings are escaped reversibly (docs/json-schema.md): \n \t \\.
	if /usr/bin/python3 -c 'import json, re, sys
d = json.load(open(sys.argv[1]))
esc = {"n": "\n", "t": "\t", "\\": "\\"}
rs = re.sub(r"\\(.)", lambda m: esc[m.group(1)], d["data"]["firewall"]["ruleset"])
sys.exit(rs != open(sys.argv[2]).read() or d["exit_code"] != 0)' \
		"$tmp/json" "$golden"; then
		echo "ok   - $mode: JSON data.firewall.ruleset equals the golden file"
	else
		echo "FAIL - $mode: JSON data.firewall.ruleset differs"
		fails=$((fails + 1))
	fi
done

# The dry run must not need privilege: same output as an unprivileged user.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" firewall --dry-run \
		--config "$fix/deny.conf" --root "$fix/root" >"$tmp/nobody" 2>&1 &&
	   cmp -s "$tmp/nobody" "$top/tests/golden/firewall-dryrun-deny.nft"; then
		echo "ok   - --dry-run as nobody: same ruleset"
	else
		echo "FAIL - --dry-run as nobody"
		cat "$tmp/nobody"
		fails=$((fails + 1))
	fi
fi

# An unknown configured user is a clear error, exit 2.
printf '[firewall]\nmode = allow-list\nallow_users = mw-no-such-user\n' >"$tmp/bad.conf"
chmod 644 "$tmp/bad.conf"
set +e
"$bin" firewall --dry-run --config "$tmp/bad.conf" --root "$fix/root" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
if [ "$rc" = 2 ] && grep -q "allow_users: unknown user 'mw-no-such-user'" "$tmp/err"; then
	echo "ok   - unknown user: exit 2 with the name"
else
	echo "FAIL - unknown user: rc $rc: $(cat "$tmp/err")"
	fails=$((fails + 1))
fi

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all dry-run assertions passed"
