#!/bin/bash
# Configuration and persistence tampering (issue 23) through `mailwarden
# scan`: the fixture tree (tests/fixtures/tamper: every hostile variant
# reported at >= medium by a tamper/* family, no benign one above info, the
# prepend target flagged by the PHP rules linked from its .user.ini);
# Debian's own Apache, nginx and PHP-FPM configuration (0 findings >=
# medium, the Apache and nginx files also judged as .htaccess); and
# --incremental picking up a changed .htaccess.
set -euo pipefail
: "${MW_BIN:?}" "${MW_TOP:?}"
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }

work=$(mktemp -d /tmp/mw-e2e-tamper-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
cat >"$work/mw.conf" <<CONF
[nightly]
state_dir = $work/state
CONF
mw() { "$MW_BIN" "$@" --config "$work/mw.conf" --signatures "$MW_TOP/signatures" --no-progress; }

# --- the fixture tree, "@SITE@" made the variant's own directory
cp -r "$MW_TOP/tests/fixtures/tamper" "$work/fx"
for v in "$work"/fx/hostile/* "$work"/fx/benign/*; do
	find "$v" -type f -exec sed -i "s|@SITE@|$v|g" {} +
done
set +e
mw --format json scan "$work/fx" >"$work/fx.json"; rc=$?
set -e
[ $rc -eq 1 ] || fail "scan of the fixture tree exited $rc, want 1"
python3 - "$work/fx" "$work/fx.json" <<'PY'
import json, os, sys
root, out = sys.argv[1], json.load(open(sys.argv[2]))
rank = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
fail = []
for e in out.get("errors", []):
    fail.append("scan error: %s" % json.dumps(e))
by = {}
for f in out["findings"]:
    rel = os.path.relpath(f["evidence"]["path"], root).split("/")
    by.setdefault((rel[0], rel[1]), []).append(f)
for kind in ("hostile", "benign"):
    variants = sorted(os.listdir(os.path.join(root, kind)))
    print("%s: %d variants" % (kind, len(variants)))
    if len(variants) < 10:
        fail.append("fewer than 10 %s variants" % kind)
    for v in variants:
        fs = by.get((kind, v), [])
        top = max((rank[f["severity"]] for f in fs if f["rule_id"].startswith("tamper.")), default=-1)
        shown = ", ".join("%s %s:%s" % (f["rule_id"], f["severity"], f["evidence"].get("line")) for f in fs)
        print("  %-28s %s" % (v, shown or "-"))
        if kind == "hostile" and top < 2:
            fail.append("hostile %s not reported at >= medium" % v)
        if kind == "benign" and any(rank[f["severity"]] > 0 for f in fs):
            fail.append("benign %s reported above info" % v)
        for f in fs:
            if f["rule_id"].startswith("tamper.") and not f["evidence"].get("line") \
               and f["rule_id"] != "tamper.parse-problem":
                fail.append("%s: finding without a line" % v)
# the prepend whose target the PHP rules flag: linked, severity raised
link = [f for f in by.get(("hostile", "prepend-target-flagged"), [])
        if f["evidence"]["path"].endswith(".user.ini")]
if not link or rank[link[0]["severity"]] < 3 or not link[0]["details"].get("target_findings") \
   or not link[0]["details"]["target"].endswith("wp-includes/class-wp-cache-helper.php"):
    fail.append("prepend-target-flagged: no linked, raised finding: %s" % json.dumps(link))
if fail:
    print("\n".join("FAIL: " + x for x in fail))
    sys.exit(1)
PY
ok "fixture tree: every hostile variant >= medium, no benign one above info"

# --- Debian's own configuration: Apache, nginx, PHP (php.ini, FPM pools)
deb=$work/debian
mkdir -p "$deb"
n=0
for d in /etc/apache2 /etc/nginx /etc/php; do
	[ -d "$d" ] || { echo "$d missing: install apache2, nginx, php-fpm (deps/scan.txt)"; exit 77; }
	cp -r "$d" "$deb/"
	# the Apache and nginx files once more as .htaccess: same directives
	if [ "$d" != /etc/php ]; then
		while IFS= read -r -d '' f; do
			n=$((n + 1))
			mkdir -p "$deb/as-htaccess/$n"
			cp "$f" "$deb/as-htaccess/$n/.htaccess"
		done < <(find "$d" -type f -name '*.conf' -print0)
	fi
done
set +e
mw --format json scan "$deb" >"$work/deb.json"; rc=$?
set -e
[ $rc -le 1 ] || fail "scan of Debian's configuration exited $rc"
python3 - "$work/deb.json" <<'PY'
import json, sys
from collections import Counter
d = json.load(open(sys.argv[1]))
rank = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
c = Counter(f["severity"] for f in d["findings"])
print("Debian configuration: %d files, findings %s" % (d["data"]["scan"]["files"], dict(c)))
bad = [f for f in d["findings"] if rank[f["severity"]] >= 2]
for f in bad:
    print("FAIL: %s %s %s:%s" % (f["severity"], f["rule_id"], f["evidence"]["path"], f["evidence"].get("line")))
sys.exit(1 if bad or d.get("errors") else 0)
PY
ok "Debian Apache/nginx/PHP-FPM configuration: 0 findings >= medium ($n files also as .htaccess)"

# --- --incremental: a changed .htaccess is judged again
site=$work/www
mkdir -p "$site"
cp "$MW_TOP/tests/fixtures/tamper/benign/wordpress/.htaccess" "$site/.htaccess"
echo '<?php echo "home";' >"$site/index.php"
mw --format json scan --incremental "$site" >"$work/i1.json" || fail "incremental 1: exit $?"
touch -d '2 minutes ago' "$site/.htaccess"
printf 'php_value auto_prepend_file /dev/shm/.x.php\n' >>"$site/.htaccess"
set +e
mw --format json scan --incremental "$site" >"$work/i2.json"; rc2=$?
mw --format json scan --incremental "$site" >"$work/i3.json"; rc3=$?
set -e
[ $rc2 -eq 1 ] && [ $rc3 -eq 1 ] || fail "incremental after the change: exit $rc2/$rc3, want 1/1"
python3 - "$work/i1.json" "$work/i2.json" "$work/i3.json" <<'PY'
import json, sys
i1, i2, i3 = (json.load(open(p)) for p in sys.argv[1:4])
ids = lambda d: [(f["rule_id"], f["evidence"].get("line")) for f in d["findings"]]
assert ids(i1) == [], ids(i1)
assert ("tamper.prepend-temp-dir", 14) in ids(i2), ids(i2)
assert i2["data"]["scan"]["cached"] == 1, i2["data"]["scan"]["cached"]   # index.php
assert ids(i3) == ids(i2), (ids(i3), ids(i2))
assert i3["data"]["scan"]["cached"] == 2, i3["data"]["scan"]["cached"]   # both, replayed
f = [f for f in i3["findings"] if f["rule_id"] == "tamper.prepend-temp-dir"][0]
assert f["file"]["sha256"], f
print("incremental: changed .htaccess judged again (line 14), then replayed from the cache")
PY
ok "--incremental picks up a changed .htaccess"
