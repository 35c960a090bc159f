#!/bin/bash
# False positives on real code: the PHP applications and libraries Debian
# ships (deps/signatures.txt) must produce no finding of severity >= medium.
# Every application the bench tree or a hosting server is likely to carry:
# WordPress, phpMyAdmin, Roundcube, MediaWiki, Tiny Tiny RSS, DokuWiki and
# the /usr/share/php libraries (Smarty, PHPMailer, Symfony, ...).
# mailwarden never follows symlinks, and these packages are full of them
# (/usr/share/wordpress/wp-config.php -> /etc/wordpress, the php-* libraries
# linked into the apps), so the trees are first copied with the links
# dereferenced. Prints the number of PHP files scanned, findings per
# severity, and the slowest rule/file pair of `signatures test --corpus`
# (which fails on any rule slower than 100 ms on one file).
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
roots=(/usr/share/wordpress /usr/share/phpmyadmin /usr/share/roundcube /usr/share/mediawiki /usr/share/php
       /usr/share/tt-rss /usr/share/dokuwiki)
for r in "${roots[@]}"; do
	[ -d "$r" ] || { echo "$r missing: run 'make deps' (deps/signatures.txt)"; exit 77; }
done
work=$(mktemp -d /tmp/mw-e2e-fp-XXXXXX)
trap 'rm -rf "$work"' EXIT
corpus=$work/corpus

# find -L reports symlink loops and dangling links on stderr and goes on;
# only regular files (after dereferencing) are copied.
for r in "${roots[@]}"; do
	dst=$corpus/${r##*/}
	mkdir -p "$dst"
	(cd "$r" && { find -L . -type f -print0 2>/dev/null || true; } |
		xargs -0 -r cp --parents -L -t "$dst" 2>/dev/null || true)
done
echo "corpus: $(find "$corpus" -type f | wc -l) files, $(du -sm "$corpus" | cut -f1) MB copied from ${roots[*]}"

set +e
"$MW_BIN" --format=json scan --no-progress --signatures "$MW_TOP/signatures" "$corpus" >"$work/scan.json"
rc=$?
"$MW_BIN" --format=json signatures test --no-progress --signatures "$MW_TOP/signatures" \
	--samples "$MW_TOP/tests/samples" --corpus "$corpus" >"$work/corpus.json"
rc_corpus=$?
set -e

python3 - "$work/scan.json" "$work/corpus.json" "$rc" "$rc_corpus" <<'PY'
import json, sys
from collections import Counter
scan, corpus = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rc, rc_corpus = int(sys.argv[3]), int(sys.argv[4])
rank = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
fail = []
s = scan["data"]["scan"]
per = Counter(f["severity"] for f in scan["findings"])
print("scan: %d files, %d PHP candidates (%d by extension, %d by content), %.1f s" % (
    s["files"], s["candidates"], s["candidates_by_extension"], s["candidates_by_content"],
    s["duration_ms"] / 1000.0))
print("findings per severity: " + ", ".join("%s %d" % (k, per.get(k, 0)) for k in rank))
for f in scan["findings"]:
    line = "  %-8s %-40s %s:%s" % (f["severity"], f["rule_id"], f["evidence"]["path"], f["evidence"]["line"])
    if rank[f["severity"]] >= 2:
        fail.append("false positive >= medium:" + line)
    else:
        print(line)
for e in scan.get("errors", []):
    fail.append("scan error: %s: %s" % (e.get("path"), e.get("message")))
if rc not in (0, 1):
    fail.append("scan exited %d" % rc)
if s["candidates"] < 5000:
    fail.append("only %d PHP files scanned: corpus incomplete" % s["candidates"])
c = corpus["data"]["signatures"]["corpus"]
print("signatures test --corpus: %d files, %d matches, slowest rule %s on %s: %.1f ms" % (
    c["files"], c["matches"], c["slowest_rule"], c["slowest_file"], c["slowest_ms"]))
for e in corpus.get("errors", []):
    fail.append("corpus error: %s: %s" % (e.get("path"), e.get("message")))
for f in corpus["findings"]:
    if rank[f["severity"]] >= 2:
        fail.append("corpus match >= medium: %s %s %s" % (f["severity"], f["rule_id"], f["evidence"]["path"]))
if c["slowest_ms"] > 100:
    fail.append("a rule took %.1f ms (> 100 ms)" % c["slowest_ms"])
if rc_corpus not in (0, 1):
    fail.append("signatures test --corpus exited %d" % rc_corpus)
if fail:
    print("\n".join("FAIL: " + x for x in fail))
    sys.exit(1)
print("no finding >= medium on the clean corpus")
PY
