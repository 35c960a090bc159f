#!/bin/bash
# `mailwarden signatures lint|test` through the CLI: the engine's fixture
# rules (good and deliberately broken ones), a rule that fails its samples,
# a corpus run, and -- when signatures/*.rules exist -- the real rule set,
# which must lint clean and pass all of its samples.
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
work=$(mktemp -d /tmp/mw-e2e-sig-XXXXXX)
trap 'rm -rf "$work"' EXIT
fx=$MW_TOP/tests/fixtures
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
mw() { "$MW_BIN" signatures "$@" --no-progress; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

mw lint --signatures "$fx/rules/good" --quiet || fail "good fixtures do not lint"
mw test --signatures "$fx/rules/good" --samples "$fx/samples" --format json >"$work/t.json" ||
	fail "good fixtures fail their samples"
[ "$(jget "$work/t.json" 'd["data"]["signatures"]["sample_checks_passed"]')" = 4 ] || fail "not 4 sample checks"
ok "fixture rules lint clean and pass 4 sample checks"

set +e
mw lint --signatures "$fx/rules/bad" >"$work/bad.txt" 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "broken rules: exit $rc, want 2"
for want in "bad.rules: line 10: severity: 'urgent'" "line 1: rule mailer.no-family: missing family" \
	"line 1: rule mailer.no-family: missing positive sample" "rule Bad_ID: id must be lowercase" \
	"line 13: rule Bad_ID: pattern p: missing closing parenthesis" "line 19: rule mailer.unterminated: missing 'end'"; do
	grep -qF "$want" "$work/bad.txt" || { cat "$work/bad.txt"; fail "missing message: $want"; }
done
ok "broken rules refused with file: line N messages (exit 2)"

# a rule whose positive sample does not match, and one that matches its negative
mkdir "$work/r"
sed -e 's|positive:    mailer/form-explode-loop.php|positive:    mailer/eval-b64.php|' \
    -e 's|negative:    contact-form.php|negative:    contact-form.php|' "$fx/rules/good/test.rules" >"$work/r/x.rules"
set +e
mw test --signatures "$work/r" --samples "$fx/samples" >"$work/x.txt" 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "failing samples: exit $rc, want 2"
grep -q "rule mailer.test-post-loop does not match positive sample .*eval-b64.php" "$work/x.txt" ||
	{ cat "$work/x.txt"; fail "no message for the failing positive sample"; }
ok "a rule that misses its positive sample fails the test"

# corpus: all rules over a tree; the fixture rule set matches class-pclzip.php
if [ -d /usr/share/wordpress/wp-admin ]; then
	set +e
	mw test --signatures "$fx/rules/good" --samples "$fx/samples" --corpus /usr/share/wordpress/wp-admin \
		--format json >"$work/c.json"; rc=$?
	set -e
	[ $rc -eq 1 ] || fail "corpus run: exit $rc, want 1 (one known match)"
	[ "$(jget "$work/c.json" 'd["data"]["signatures"]["corpus"]["files"] > 100')" = True ] || fail "corpus not walked"
	jget "$work/c.json" '[f for f in d["findings"] if f["evidence"]["path"].endswith("class-pclzip.php")][0]["rule_id"]' \
		>/dev/null || fail "corpus match not reported"
	jget "$work/c.json" 'd["data"]["signatures"]["corpus"]["slowest_rule"]' >/dev/null
	ok "corpus: $(jget "$work/c.json" 'd["data"]["signatures"]["corpus"]["files"]') files, matches are findings, slowest rule reported"
fi

if compgen -G "$MW_TOP/signatures/*.rules" >/dev/null; then
	mw lint --signatures "$MW_TOP/signatures" --quiet || fail "signatures/*.rules do not lint"
	mw test --signatures "$MW_TOP/signatures" --quiet || fail "signatures/*.rules fail their samples"
	ok "the real rule set lints clean and passes its samples"
	# The real set in numbers: every rule valid, every positive/negative
	# reference checked, and no rule slower than 100 ms on any sample
	# (the corpus run over tests/samples fails on a slow rule).
	set +e
	mw test --signatures "$MW_TOP/signatures" --samples "$MW_TOP/tests/samples" \
		--corpus "$MW_TOP/tests/samples" --format json >"$work/real.json"; rc=$?
	set -e
	[ $rc -le 1 ] || fail "real rule set over the samples as a corpus: exit $rc"
	n=$(jget "$work/real.json" 'd["data"]["signatures"]["rules"]')
	[ "$n" -ge 30 ] || fail "only $n rules"
	[ "$(jget "$work/real.json" 'd["data"]["signatures"]["broken"]')" = 0 ] || fail "broken rules"
	[ "$(jget "$work/real.json" 'd["data"]["signatures"]["sample_checks_failed"]')" = 0 ] || fail "sample checks failed"
	passed=$(jget "$work/real.json" 'd["data"]["signatures"]["sample_checks_passed"]')
	[ "$passed" -ge $((2 * n)) ] || fail "$passed sample checks for $n rules"
	[ "$(jget "$work/real.json" 'len(d["errors"])')" = 0 ] || fail "errors: $(jget "$work/real.json" 'd["errors"]')"
	fams=$(jget "$work/real.json" '" ".join(sorted({r["family"].split("/")[0] for r in d["data"]["signatures"]["rule_list"]}))')
	for f in mailer webshell obfuscation backdoor dropper; do
		case " $fams " in *" $f "*) ;; *) fail "no rule of family $f/";; esac
	done
	# Every shipped rule states its cause (the family only decides for
	# rules written elsewhere), and a webshell rule is never a mailer.
	for rf in "$MW_TOP"/signatures/*.rules; do
		[ "$(grep -c '^rule ' "$rf")" = "$(grep -c '^ *cause: ' "$rf")" ] ||
			fail "$rf: a rule without cause:"
	done
	[ "$(jget "$work/real.json" 'sum(1 for r in d["data"]["signatures"]["rule_list"] if r["family"].startswith("webshell/") != (r["cause"] == "webshell"))')" = 0 ] ||
		fail "a rule's cause disagrees with its family"
	ok "every shipped rule states its cause"
	ok "real rule set: $n rules ($fams), $passed sample checks, slowest on samples: $(jget "$work/real.json" \
		'"%s on %s, %.2f ms" % (d["data"]["signatures"]["corpus"]["slowest_rule"], d["data"]["signatures"]["corpus"]["slowest_file"].split("/samples/")[-1], d["data"]["signatures"]["corpus"]["slowest_ms"])')"
else
	echo "no signatures/*.rules in this tree: real rule set not checked"
fi
echo "all signatures e2e checks passed"
