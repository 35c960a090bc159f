#!/bin/bash
# Differential test of the PHP lexer (signatures/php_lex.c) against PHP's
# own tokenizer (token_get_all of Debian's php-cli, test-only: never in the
# scan path, and only ever given the clean Debian applications' files, no
# sample). Every PHP file of the false-positive corpus is lexed by both;
# PHP's tokens are mapped to the lexer's kinds (interpolated strings and
# heredocs merged into one token, keywords and names as IDENT, operators
# as OP), then kinds and boundaries are compared. Differences are listed
# with their reason; a difference with no known reason fails the test.
set -euo pipefail
: "${MW_TOP:?}"
bin=${MW_PHP_NORM:-$MW_TOP/build/check/bench/php-norm}
[ -x "$bin" ] || bin=$MW_TOP/build/release/bench/php-norm
[ -x "$bin" ] || { echo "no bench/php-norm built (make tests-build)"; exit 77; }
command -v php >/dev/null || { echo "php-cli not installed (deps/signatures.txt, test-only)"; exit 77; }
php -r 'exit(function_exists("token_get_all") ? 0 : 1);' || { echo "php tokenizer missing"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
roots=(/usr/share/wordpress /usr/share/phpmyadmin /usr/share/roundcube /usr/share/mediawiki /usr/share/php)
work=$(mktemp -d /tmp/mw-e2e-tok-XXXXXX)
trap 'rm -rf "$work"' EXIT
for r in "${roots[@]}"; do
	[ -d "$r" ] && find -L "$r" -name '*.php' -type f 2>/dev/null
done | sort -u >"$work/files"
[ -s "$work/files" ] || { echo "no PHP files: run 'make deps'"; exit 77; }

"$bin" -t <"$work/files" >"$work/ours"
cat >"$work/tok.php" <<'PHP'
<?php
// PHP's tokens in the lexer's kinds: "== PATH", then "START LEN KIND".
function kind($id, $text) {
	static $m = null;
	if ($m === null) {
		$m = [T_INLINE_HTML => 'HTML', T_OPEN_TAG => 'OPEN',
		      T_OPEN_TAG_WITH_ECHO => 'OPEN_ECHO', T_CLOSE_TAG => 'CLOSE',
		      T_WHITESPACE => 'WS', T_COMMENT => 'COMMENT', T_DOC_COMMENT => 'COMMENT',
		      T_CONSTANT_ENCAPSED_STRING => 'STRING', T_VARIABLE => 'VAR',
		      T_LNUMBER => 'NUMBER', T_DNUMBER => 'NUMBER', T_ATTRIBUTE => 'ATTR',
		      T_INT_CAST => 'CAST', T_DOUBLE_CAST => 'CAST', T_STRING_CAST => 'CAST',
		      T_ARRAY_CAST => 'CAST', T_OBJECT_CAST => 'CAST', T_BOOL_CAST => 'CAST',
		      T_UNSET_CAST => 'CAST'];
	}
	if ($id !== null && isset($m[$id]))
		return $m[$id];
	if ($text === '$')
		return 'DOLLAR';
	if (preg_match('/^\\\\?[A-Za-z_\x80-\xff]/', $text))
		return 'IDENT';
	return 'OP';
}
ob_start(null, 1 << 20);	// echo is a write(2) each without it
foreach (file('php://stdin', FILE_IGNORE_NEW_LINES) as $f) {
	echo "== $f\n";
	$src = @file_get_contents($f);
	if ($src === false)
		continue;
	$off = 0;
	$open = null;	// [start, closing text or id, interpolated]
	foreach (token_get_all($src) as $t) {
		[$id, $text] = is_array($t) ? [$t[0], $t[1]] : [null, $t];
		$len = strlen($text);
		if ($open !== null) {
			if (in_array($id, [T_VARIABLE, T_CURLY_OPEN, T_DOLLAR_OPEN_CURLY_BRACES], true))
				$open[2] = true;
			$off += $len;
			if (($id === null && $text === $open[1]) || ($id !== null && $id === $open[1])) {
				echo $open[0], ' ', $off - $open[0], ' ', $open[2] ? 'ISTRING' : 'STRING', "\n";
				$open = null;
			}
			continue;
		}
		if ($id === null && ($text === '"' || $text === '`')) {
			$open = [$off, $text, true];
		} elseif ($id === T_START_HEREDOC) {
			$open = [$off, T_END_HEREDOC, false];
		} else {
			echo $off, ' ', $len, ' ', kind($id, $text), "\n";
		}
		$off += $len;
	}
	if ($open !== null)
		echo $open[0], ' ', $off - $open[0], ' ', $open[2] ? 'ISTRING' : 'STRING', "\n";
}
PHP
php -d short_open_tag=1 -d memory_limit=1G "$work/tok.php" <"$work/files" >"$work/php"

python3 - "$work/ours" "$work/php" <<'PY'
import sys, re
from collections import Counter, OrderedDict

def load(p):
    files, cur = OrderedDict(), None
    for line in open(p, encoding="utf-8", errors="surrogateescape"):
        if line.startswith("== "):
            cur = files.setdefault(line[3:].rstrip("\n"), [])
        else:
            s, n, k = line.split()
            cur.append((int(s), int(n), k))
    return files

ours, php = load(sys.argv[1]), load(sys.argv[2])
same, diffs, reasons = 0, [], Counter()

def reason(src, a, b):
    """Why the first differing token differs, or None."""
    at = min(a[0] if a else 1 << 60, b[0] if b else 1 << 60)
    text = src[at:at + 40]
    if re.match(rb"yield\s+from\b", text, re.I):
        return "'yield from' is one token in PHP, two names here"
    if a and b and a[2] == "IDENT" and b[2] == "IDENT":
        return None
    if re.match(rb"\(\s*real\s*\)", text, re.I) or re.match(rb"\(\s*binary\s*\)", text, re.I):
        return "(real)/(binary) casts: removed/aliased in PHP 8, a cast here"
    if text.startswith(b"<?") and not text.lower().startswith(b"<?php"):
        return "short open tag"
    return None

for path, theirs in php.items():
    mine = ours.get(path, [])
    if mine == theirs:
        same += 1
        continue
    for i, (a, b) in enumerate(zip(mine, theirs)):
        if a != b:
            break
    else:
        i = min(len(mine), len(theirs))
    a = mine[i] if i < len(mine) else None
    b = theirs[i] if i < len(theirs) else None
    src = open(path, "rb").read()
    r = reason(src, a, b)
    reasons[r or "UNEXPLAINED"] += 1
    diffs.append((path, a, b, r, src[(a or b)[0]:(a or b)[0] + 60]))

print("%d PHP files, %d identical token kinds and boundaries, %d differ" % (len(php), same, len(diffs)))
for r, n in reasons.most_common():
    print("  %5d  %s" % (n, r))
for path, a, b, r, ctx in diffs[:60]:
    print("%s: ours %s php %s (%s): %r" % (path, a, b, r or "UNEXPLAINED", ctx))
if reasons["UNEXPLAINED"]:
    print("FAIL: %d differences without a known reason" % reasons["UNEXPLAINED"])
    sys.exit(1)
PY
