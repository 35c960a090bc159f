#!/bin/bash
# mailwarden logs over a fixture of provider refusals written from the
# providers' documented formats, in Postfix's log format (Gmail 421-4.7.28
# and 550-5.7.26, Yahoo/AOL [TSS04], Microsoft S3150/S3140, Apple [CS01],
# GMX/Web.de, Mail.ru): one finding per provider and sending address with
# counts, one for the forwarded recipient they refused; none on a clean log.
set -euo pipefail

top=${MW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${MW_BIN:-$top/mailwarden}
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
tmp=$(mktemp -d /tmp/mw-logs-prov-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/mw.conf"
fx=$top/tests/fixtures/maillog
out=$tmp/out.json
. "$top/tests/lib/check.sh"

rc=0
"$bin" logs --config "$tmp/mw.conf" --format json "$fx/providers.log" >"$out" || rc=$?
got=$(jq -r '[.findings[] | select(.rule_id == "logs.provider-block") |
	"\(.details.provider)|\(.evidence.ip // "-")|\(.details.refused)|\(.details.deferred)|\([.details.codes[] | "\(.code)x\(.count)"] | sort | join(","))"] | sort | join(" ")' "$out")
want="Apple iCloud|-|1|0|CS01x1 GMX/Web.de|203.0.113.7|2|0|554x2 Gmail|203.0.113.7|2|3|4.7.28x3,5.7.26x2 Mail.ru|-|1|0|550x1 Microsoft|203.0.113.7|1|0|S3150x1 Microsoft|203.0.113.8|1|0|S3140x1 Yahoo/AOL|203.0.113.7|0|2|TSS04x2"
if [ "$got" = "$want" ]; then echo "ok:   one finding per provider and address, with counts"; else
	echo "FAIL: provider findings"; echo "      want: $want"; echo "      got:  $got"; fails=$((fails + 1)); fi
jqok "exit 1" "$out" "$rc == 1"
jqok "documented codes explained, postmaster pages given" "$out" \
	'[.findings[] | select(.rule_id == "logs.provider-block" and .details.provider == "Gmail")][0] |
	 (.details.codes | map(select(.code == "5.7.26"))[0].meaning | test("unauthenticated")) and
	 (.details.postmaster | test("postmaster.google.com")) and (.details.first != null) and
	 (.remediation | test("mailwarden reputation"))'
jqok "deferrals alone are medium, refusals high" "$out" \
	'([.findings[] | select(.rule_id == "logs.provider-block" and .details.provider == "Yahoo/AOL")][0].severity == "medium") and
	 ([.findings[] | select(.rule_id == "logs.provider-block" and .details.provider == "Gmail")][0].severity == "high")'
jqok "the forwarded recipient and the refusals it caused" "$out" \
	'[.findings[] | select(.rule_id == "logs.forwarded-refused")] | length == 1 and
	 .[0].details.orig_to == "info@mw.test" and .[0].details.to == "fwd.target@gmail.com" and
	 .[0].details.refusals == 2 and .[0].details.provider == "Gmail"'
jqok "data section lists them" "$out" '(.data.logs.provider_refusals | length) == 7 and (.data.logs.forwarded_refusals | length) == 1'

"$bin" audit --config "$tmp/mw.conf" --no-progress --format json --only logs \
	--log "$fx/providers.log" >"$out" 2>/dev/null || true
jqok "audit: provider blocks in the fix-mail-auth step, before delisting" "$out" \
	'([.data.audit.plan[].phase] | index("fix-mail-auth")) as $a |
	 ([.data.audit.plan[].phase] | index("delist")) as $d |
	 $a != null and ($d == null or $a < $d) and
	 ([.data.audit.plan[] | select(.phase == "fix-mail-auth") | .actions[] |
	   select(test("^Gmail refused .*postmaster.google.com"))] | length == 1)'

rc=0
"$bin" logs --config "$tmp/mw.conf" --format json "$fx/providers-clean.log" >"$out" || rc=$?
jqok "clean log: 0 findings, exit 0" "$out" "$rc == 0 and (.findings | length) == 0 and (.data.logs.provider_refusals | length) == 0"
[ "$fails" -eq 0 ]
