#!/bin/bash
# Detection of the inert samples in tests/samples/malicious/ by the real rule
# set through `mailwarden scan`: every sample must be reported at severity
# >= medium by a rule of the family named in its "Family:" header line, and
# no clean sample (tests/samples/clean/) may be reported at >= low. Also
# checks that tests/samples/README.md lists every sample with that family.
# Prints recall per family.
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
work=$(mktemp -d /tmp/mw-e2e-detect-XXXXXX)
trap 'rm -rf "$work"' EXIT
samples=$MW_TOP/tests/samples
sigs=$MW_TOP/signatures

set +e
"$MW_BIN" --format=json scan --no-progress --signatures "$sigs" "$samples/malicious" >"$work/mal.json"
rc=$?
"$MW_BIN" --format=json scan --no-progress --signatures "$sigs" "$samples/clean" >"$work/clean.json"
rc_clean=$?
set -e
[ $rc -eq 1 ] || { echo "FAIL: scan of malicious samples exited $rc, want 1"; exit 1; }
[ $rc_clean -le 1 ] || { echo "FAIL: scan of clean samples exited $rc_clean (error)"; exit 1; }

python3 - "$samples" "$work/mal.json" "$work/clean.json" <<'PY'
import json, os, re, sys
from collections import defaultdict
samples, mal_json, clean_json = sys.argv[1:4]
rank = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
fail = []

def load(p):
    d = json.load(open(p))
    if d.get("errors"):
        for e in d["errors"]:
            fail.append("scan error: %s" % json.dumps(e))
    return d

# expected family per sample, from its own header comment
expect = {}
mal = os.path.join(samples, "malicious")
for sub in sorted(os.listdir(mal)):
    for name in sorted(os.listdir(os.path.join(mal, sub))):
        path = os.path.realpath(os.path.join(mal, sub, name))
        head = open(path, "rb").read(4096)
        m = re.search(rb"Family:\s*([a-z]+/[a-z0-9-]+)", head)
        if not m:
            fail.append("%s/%s: no 'Family:' header" % (sub, name))
            continue
        expect[path] = (sub + "/" + name, m.group(1).decode())

# the README manifest must list every sample with the same family
readme = open(os.path.join(samples, "README.md")).read()
listed = dict(re.findall(r"^\|\s*`?((?:mailer|webshell)/[^|`\s]+)`?\s*\|\s*`?([a-z]+/[a-z0-9-]+)`?\s*\|", readme, re.M))
for path, (rel, fam) in expect.items():
    if listed.get(rel) != fam:
        fail.append("README.md: %s listed as %r, header says %r" % (rel, listed.get(rel), fam))

d = load(mal_json)
got = defaultdict(list)
for f in d["findings"]:
    p = os.path.realpath(f["evidence"]["path"])
    got[p].append(f)
per = defaultdict(lambda: [0, 0])
mailers = webshells = 0
for path, (rel, fam) in sorted(expect.items(), key=lambda x: x[1]):
    per[fam][1] += 1
    if rel.startswith("mailer/"):
        mailers += 1
    else:
        webshells += 1
    good = [f for f in got.get(path, []) if rank[f["severity"]] >= 2 and f.get("family") == fam]
    if good:
        per[fam][0] += 1
    else:
        fail.append("%s (%s) not detected by its family at >= medium; got %s" % (
            rel, fam, [(f["rule_id"], f["severity"]) for f in got.get(path, [])] or "nothing"))
print("%-28s %s" % ("family", "recall"))
for fam in sorted(per):
    print("%-28s %d/%d" % (fam, per[fam][0], per[fam][1]))
total = sum(v[0] for v in per.values()), sum(v[1] for v in per.values())
print("total: %d/%d samples detected by their intended family (%d mailers, %d webshell/obfuscation)" %
      (total[0], total[1], mailers, webshells))
if mailers < 60 or webshells < 60:
    fail.append("need >= 60 mailer and >= 60 webshell samples, have %d and %d" % (mailers, webshells))

c = load(clean_json)
bad = [f for f in c["findings"] if rank[f["severity"]] >= 1]
for f in bad:
    fail.append("clean sample reported: %s %s %s" % (f["severity"], f["rule_id"], f["evidence"]["path"]))
print("clean samples: %d files, %d findings (all info)" % (c["data"]["scan"]["files"], len(c["findings"]) - len(bad)))
if fail:
    print("\n".join("FAIL: " + x for x in fail))
    sys.exit(1)
PY

# Kits embed the whole mailer library in the same file, and so may a
# legitimate single-file contact form: the verdict must come from the
# non-library part. Built at test time from Debian's real PHPMailer.
lib=/usr/share/php/libphp-phpmailer/src
if [ -r "$lib/PHPMailer.php" ] && [ -r "$lib/SMTP.php" ]; then
	mkdir "$work/bundle"
	libn=$(cat "$lib/PHPMailer.php" "$lib/SMTP.php" | wc -l)
	{ cat "$lib/PHPMailer.php" "$lib/SMTP.php"; sed -e 1d -e '/^require/d' "$samples/malicious/mailer/kit-owl-like.php"; } \
		>"$work/bundle/kit-with-library.php"
	{ cat "$lib/PHPMailer.php" "$lib/SMTP.php"; sed -e 1d "$samples/clean/contact-form.php"; } \
		>"$work/bundle/contact-with-library.php"
	set +e
	"$MW_BIN" --format=json scan --no-progress --signatures "$sigs" "$work/bundle" >"$work/bundle.json"
	set -e
	python3 - "$work/bundle.json" "$libn" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); libn = int(sys.argv[2])
rank = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
kit = [f for f in d["findings"] if f["evidence"]["path"].endswith("kit-with-library.php") and rank[f["severity"]] >= 2]
legit = [f for f in d["findings"] if f["evidence"]["path"].endswith("contact-with-library.php") and rank[f["severity"]] >= 1]
fail = []
if not any(f.get("family") == "mailer/kit" for f in kit):
    fail.append("kit with the real PHPMailer embedded not reported as mailer/kit")
for f in kit:
    if f["evidence"]["line"] <= libn:
        fail.append("%s points into the library (line %s <= %d)" % (f["rule_id"], f["evidence"]["line"], libn))
for f in legit:
    fail.append("contact form with PHPMailer embedded reported: %s %s" % (f["severity"], f["rule_id"]))
if fail:
    print("\n".join("FAIL: " + x for x in fail)); sys.exit(1)
print("embedded PHPMailer (%d lines): kit found by %s, evidence after the library; contact form bundle clean" %
      (libn, ", ".join(sorted({f["rule_id"] for f in kit}))))
PY
else
	echo "libphp-phpmailer not installed: embedded-library check skipped"
fi
echo "all detection checks passed"
