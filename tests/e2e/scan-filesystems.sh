#!/bin/bash
# End-to-end: `mailwarden scan` stays on the filesystem of each root unless
# --cross-filesystems: a tmpfs mounted on a directory of the tree, and
# single files bind-mounted from another tmpfs over files of the tree (a PHP
# name and an image name, which the scanner opens without a stat call
# first), in a mount namespace of this test's own (unshare -m).
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
[ "$(id -u)" = 0 ] || { echo "needs root (mount)"; exit 77; }
command -v unshare >/dev/null || { echo "no unshare"; exit 77; }
unshare -m true 2>/dev/null || { echo "cannot make a mount namespace here"; exit 77; }

work=$(mktemp -d /tmp/mw-e2e-fs-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export work MW_BIN
rules=$MW_TOP/tests/fixtures/rules/good
mailer=$MW_TOP/tests/fixtures/samples/malicious/mailer/form-explode-loop.php
export rules mailer
printf '[nightly]\nstate_dir = %s/state\n' "$work" >"$work/mw.conf"

unshare -m --propagation private bash -euo pipefail -c '
fail() { echo "FAIL: $*"; exit 1; }
site=$work/www/site
mkdir -p "$site/other" "$site/up" "$work/src"
printf "<?php echo 1;\n" >"$site/page.php"
: >"$site/up/logo.gif"
mount -t tmpfs -o size=4m mwtest "$site/other"
cp "$mailer" "$site/other/shell.php"
mount -t tmpfs -o size=4m mwsrc "$work/src"
cp "$mailer" "$work/src/page.php"
{ printf "GIF89a\001\000"; cat "$mailer"; } >"$work/src/logo.gif"
mount --bind "$work/src/page.php" "$site/page.php"
mount --bind "$work/src/logo.gif" "$site/up/logo.gif"
mw() { "$MW_BIN" scan --config "$work/mw.conf" --signatures "$rules" --no-progress --format json "$@"; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

set +e
mw "$work/www" >"$work/one.json"; rc=$?
set -e
[ $rc -eq 0 ] || fail "one filesystem: exit $rc, want 0 (nothing of the tree is malicious)"
# the tmpfs directory and the two bind-mounted files
[ "$(jget "$work/one.json" "d[\"data\"][\"scan\"][\"skipped\"][\"other_filesystem\"]")" = 3 ] ||
	fail "other_filesystem is not 3 (1 directory, 2 files)"
jget "$work/one.json" "[n for n in d[\"notes\"] if \"not crossing\" in str(n)]" | grep -q other ||
	fail "no note about the tmpfs on other/"
echo "ok: tmpfs directory and 2 bind-mounted files left alone, exit 0"

set +e
mw --cross-filesystems "$work/www" >"$work/all.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "--cross-filesystems: exit $rc, want 1"
found=$(jget "$work/all.json" "\" \".join(sorted(set(f[\"evidence\"][\"path\"][len(sys.argv[3]):] for f in d[\"findings\"] if f[\"rule_id\"] == \"mailer.test-post-loop\")))" "$site")
[ "$found" = "/other/shell.php /page.php /up/logo.gif" ] ||
	fail "--cross-filesystems found $found"
echo "ok: --cross-filesystems finds the mailer in all three"
'
