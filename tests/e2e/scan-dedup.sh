#!/bin/bash
# End-to-end: a one-shot scan matches the same bytes once (scan_dedup.c)
# and every copy still gets its own findings: the rule, line and excerpt of
# the first copy, the owner and path of its own; decode caps too. A file
# of the same size with other bytes is matched on its own.
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
[ "$(id -u)" = 0 ] || { echo "needs root (chown)"; exit 77; }

work=$(mktemp -d /tmp/mw-e2e-speed-dedup-XXXXXX)
trap 'rm -rf "$work"' EXIT
samples=$MW_TOP/tests/fixtures/samples
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
printf '[nightly]\nstate_dir = %s/state\n' "$work" >"$work/mw.conf"
# one thread: the second copy is looked up after the first was matched
mw() { "$MW_BIN" "$@" --threads 1 --config "$work/mw.conf" --no-progress --format json; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# --- three copies of a mailer in three sites, one owned by www-data; a
# clean file of the same size
mkdir -p "$work/www/a" "$work/www/b" "$work/www/c"
for s in a b c; do cp "$samples/malicious/mailer/form-explode-loop.php" "$work/www/$s/send.php"; done
chown 33:33 "$work/www/b/send.php"
size=$(stat -c %s "$work/www/a/send.php")
head -c "$size" /dev/zero | tr '\0' ' ' | sed '1s/^/<?php /' | head -c "$size" >"$work/www/c/same-size.php"
set +e
mw scan --signatures "$MW_TOP/tests/fixtures/rules/good" "$work/www" >"$work/m.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "exit $rc, want 1"
jget "$work/m.json" 'sorted((f["evidence"]["path"].split("/www/")[1], f["rule_id"], f["evidence"]["line"], f["file"]["owner"]) for f in d["findings"])' >"$work/m.txt"
cat >"$work/want.txt" <<'EOF'
[('a/send.php', 'mailer.test-post-loop', 5, 'root'), ('b/send.php', 'mailer.test-post-loop', 5, 'www-data'), ('c/send.php', 'mailer.test-post-loop', 5, 'root')]
EOF
diff -u "$work/want.txt" "$work/m.txt" || fail "copies of a mailer: findings differ"
[ "$(jget "$work/m.json" 'len(set(f["evidence"].get("excerpt") or f.get("excerpt") for f in d["findings"]))')" = 1 ] ||
	fail "copies have different excerpts"
[ "$(jget "$work/m.json" 'd["data"]["scan"]["same_content"]')" = 2 ] ||
	fail "same_content is not 2 (two copies matched once)"
ok "three copies matched once: each reported, line 5, own owner; the clean file of the same size not"

# --- a decode cap (34 nested base64 layers, 1.9 MB) in two copies: both say so
python3 - "$work/www/a/packed.php" <<'EOF'
import base64, sys
code = "mail($_POST['to'], 'x', 'y');"
for _ in range(34):
    code = "eval(base64_decode('%s'));" % base64.b64encode(code.encode()).decode()
open(sys.argv[1], "w").write("<?php " + code + "\n")
EOF
cp "$work/www/a/packed.php" "$work/www/b/packed.php"
set +e
mw scan --signatures "$MW_TOP/signatures" "$work/www/a/packed.php" "$work/www/b/packed.php" >"$work/c.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "packed copies: exit $rc, want 1"
[ "$(jget "$work/c.json" 'sorted(f["evidence"]["path"].split("/www/")[1] for f in d["findings"] if f["rule_id"] == "scan.not-fully-scanned" and "depth" in f["details"]["caps"])')" = "['a/packed.php', 'b/packed.php']" ] ||
	fail "decode cap not reported for both copies"
[ "$(jget "$work/c.json" 'len(set(f["rule_id"] for f in d["findings"] if "a/packed" in f["evidence"]["path"]) ^ set(f["rule_id"] for f in d["findings"] if "b/packed" in f["evidence"]["path"]))')" = 0 ] ||
	fail "the two packed copies have different findings"
ok "decode cap and rule findings reported for both copies of a packed file"
