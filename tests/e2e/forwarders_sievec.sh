#!/bin/bash
# The Sieve fixtures against Dovecot's real compiler (sievec from Debian's
# dovecot-sieve): every script our parser must accept has to compile, every
# deliberately broken one has to be refused by sievec too (our parser's
# side: tests/unit/test_forwarders_sieve.c and the parse-error lines in
# tests/fixtures/forwarders.expected). This keeps the fixtures honest: they
# are real Sieve, not what our parser happens to like.
set -euo pipefail

: "${MW_TOP:?}"
sievec=$(command -v sievec || true)
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
if [ -z "$sievec" ]; then
	echo "sievec not installed (dovecot-sieve, deps/forwarders.txt)"; exit 77
fi

work=$(mktemp -d /tmp/mw-sievec-XXXXXX)
trap 'rm -rf -- "$work"' EXIT
fx=$MW_TOP/tests/fixtures

# A minimal Dovecot configuration: global scripts for include :global, and
# the deprecated notify draft enabled (valid/10-draft-notify.sieve).
conf() {	# conf GLOBAL_DIR
	printf 'plugin {\n  sieve_global = %s\n  sieve_extensions = +notify\n}\n' "$1" >"$work/dovecot.conf"
}

# Our side, through the real binary: the script becomes the active Sieve
# script of the only user of a scratch tree; a parse error must show up
# exactly when sievec refuses the script.
ours() {	# ours FILE -> prints the number of parse-error findings
	local t=$work/tree
	rm -rf "$t"; mkdir -p "$t/etc" "$t/home/u"
	echo 'u:x:1000:1000::/home/u:/bin/sh' >"$t/etc/passwd"
	cp "$1" "$t/home/u/.dovecot.sieve"
	# exit 1 (findings) is expected here; the JSON is what counts
	{ "$MW_BIN" forwarders --format json --root "$t" 2>/dev/null || true; } |
		jq '[.findings[] | select(.rule_id == "forwarders.parse-error")] | length'
}

fail=0 good=0 bad=0
compile() {	# compile FILE WANT(ok|fail)
	local rc=0 n
	"$sievec" -c "$work/dovecot.conf" "$1" "$work/out.svbin" >"$work/log" 2>&1 || rc=$?
	if [ "$2" = ok ] && [ $rc -eq 0 ]; then
		good=$((good + 1)); echo "ok   - sievec compiles ${1#"$fx"/}"
	elif [ "$2" = fail ] && [ $rc -ne 0 ]; then
		bad=$((bad + 1)); echo "ok   - sievec refuses ${1#"$fx"/}: $(grep -m1 error "$work/log" | cut -c1-100)"
	else
		fail=1; echo "FAIL - sievec exit $rc for ${1#"$fx"/} (wanted $2)"; cat "$work/log"
	fi
	if [ -n "${MW_BIN:-}" ]; then
		n=$(ours "$1")
		if { [ "$2" = ok ] && [ "$n" -eq 0 ]; } || { [ "$2" = fail ] && [ "$n" -gt 0 ]; }; then
			echo "ok   - mailwarden agrees (parse errors: $n)"
		else
			fail=1; echo "FAIL - mailwarden reports $n parse error(s) for ${1#"$fx"/} (wanted $2)"
		fi
	fi
}

conf "$fx/sieve/global"
for f in "$fx"/sieve/valid/*.sieve "$fx"/sieve/global/*.sieve; do compile "$f" ok; done
for f in "$fx"/sieve/broken/*.sieve; do compile "$f" fail; done

# The scripts of the forwarder fixture tree; heidi's is broken on purpose.
conf "$fx/forwarders/var/lib/dovecot/sieve/global"
while IFS= read -r -d '' f; do
	case $f in
	*/home/heidi/.dovecot.sieve) compile "$f" fail;;
	*) compile "$f" ok;;
	esac
done < <(find "$fx/forwarders" \( -name '*.sieve' -o -name '.dovecot.sieve' \) -type f -print0 | sort -z)

echo "$good compiled, $bad refused as expected"
[ $good -ge 18 ] && [ $bad -ge 16 ] || { echo "FAIL - too few fixtures checked"; fail=1; }
exit $fail
