#!/bin/bash
# End-to-end test of `mailwarden harden` with a real Exim 4.96
# (tests/lib/exim.sh: Debian's package extracted, its own configuration and
# spool; queue_only, nothing is delivered), SMTP AUTH by a plaintext
# authenticator, the daemon on 127.0.0.1:2546:
#   - --check names the three missing settings (exit 1);
#   - --apply adds the ratelimit ACL statements and log_selector, exim -bV
#     accepts it; a second --apply changes no byte; --check is clean;
#   - bob's (SASL) message 201 within the hour gets a 4xx at RCPT, alice is
#     not affected; after a restart of the daemon bob is still refused
#     (Exim keeps its ratelimit database in the spool);
#   - local submission as www-data is refused after [harden] local_messages,
#     as nobody it is not; the main log has cwd= for local submissions;
#   - --check then reports harden.limit-reached for bob and www-data only
#     (the marker the ACLs' log_message writes to the reject log);
#   - --remove: exim.conf byte-identical to before.
set -euo pipefail
: "${MW_TOP:?}" "${MW_BIN:?}"
. "$MW_TOP/tests/lib/exim.sh"
. "$MW_TOP/tests/lib/check.sh"
ex_require
for p in jq python3; do
	command -v "$p" >/dev/null || { echo "$p is not installed (make deps)"; exit 77; }
done

work=$(mktemp -d /tmp/mw-harden-exim.XXXXXX)
chmod 0755 "$work"
ex=$work/ex
trap 'ex_stop "$ex"; rm -rf "$work"' EXIT

mwh() {	# mwh OUT ARGS...: mailwarden harden on this Exim, exit code echoed
	local out=$1 rc
	shift
	set +e
	"$MW_BIN" harden --no-progress --format json --config "$work/mw.conf" \
		--exim "$ex/exim4" --backup-dir "$work/backup" "$@" >"$out" 2>"$out.err"
	rc=$?
	set -e
	echo "$rc"
}

ex_create "$ex" "queue_only = true" "hostlist relay_from_hosts = 127.0.0.1" \
	"auth_advertise_hosts = *"
cat >>"$ex/exim.conf" <<'EOF2'
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if and {{match{$auth2}{\N^(bob|alice)@mw.test$\N}}{eq{$auth3}{s3cret}}}}
  server_set_id = $auth2
EOF2
printf '[harden]\nlocal_messages = 5\n' >"$work/mw.conf"
chmod 0600 "$work/mw.conf"
before=$(sha256sum <"$ex/exim.conf")

rc=$(mwh "$work/c1.json")
check "check: exit 1" test "$rc" = 1
for r in exim-no-sasl-limit exim-no-local-limit exim-no-script-log; do
	check "check: harden.$r" jqt "$work/c1.json" "[.findings[].rule_id] | index(\"harden.$r\") != null"
done
rc=$(mwh "$work/a1.json" --apply)
check "apply: exit 0" test "$rc" = 0
check "apply: exim -bV accepts it" "$ex/exim4" -bV >/dev/null 2>&1
check "apply: log_selector" test "$("$ex/exim4" -bP log_selector)" = "log_selector = +arguments +received_recipients"
check "apply: acl_not_smtp" test "$("$ex/exim4" -bP acl_not_smtp)" = "acl_not_smtp = acl_mailwarden_not_smtp"
after1=$(sha256sum <"$ex/exim.conf")
rc=$(mwh "$work/a2.json" --apply)
check "second apply: changed 0" jqt "$work/a2.json" '.data.harden.changed == 0'
check "second apply: no byte changed" test "$(sha256sum <"$ex/exim.conf")" = "$after1"
rc=$(mwh "$work/c2.json")
check "check after apply: exit 0" test "$rc" = 0

ex_start "$ex" 2546
python3 "$MW_TOP/tests/e2e/harden-smtp.py" 2546 bob@mw.test s3cret 201 >"$work/bob.codes"
check "bob: 200 messages accepted" test "$(grep -c '^250$' "$work/bob.codes")" = 200
check "bob: message 201 gets a 4xx" test "$(tail -n 1 "$work/bob.codes" | cut -c1)" = 4
python3 "$MW_TOP/tests/e2e/harden-smtp.py" 2546 alice@mw.test s3cret 3 >"$work/alice.codes"
check "alice: not affected" test "$(grep -c '^250$' "$work/alice.codes")" = 3
ex_stop "$ex"
ex_start "$ex" 2546
python3 "$MW_TOP/tests/e2e/harden-smtp.py" 2546 bob@mw.test s3cret 1 >"$work/bob2.codes"
check "restart keeps the count: bob still gets a 4xx" test "$(cut -c1 "$work/bob2.codes")" = 4
ex_stop "$ex"

# local submission: -oMt stands in for running as the user (what Exim
# records as the caller's login; the private -C configuration cannot be
# run by www-data itself)
for i in 1 2 3 4 5 6; do
	set +e
	printf 'To: r%s@example.com\nSubject: local %s\n\nbody\n' "$i" "$i" |
		"$ex/exim4" -oep -oMt www-data -t >>"$work/www.out" 2>&1
	echo "rc=$?" >>"$work/www.rc"
	set -e
done
check "www-data: 5 submissions pass" test "$(grep -c '^rc=0$' "$work/www.rc")" = 5
check "www-data: the 6th is refused" test "$(tail -n 1 "$work/www.rc")" != rc=0
check "www-data: told why (-oep)" grep -q "sending limit reached" "$work/www.out"
check "www-data: the refusal is logged" grep -q "rejected by non-SMTP ACL: sending limit reached" "$ex/log/mainlog"
set +e
printf 'To: n@example.com\nSubject: nobody\n\nbody\n' | "$ex/exim4" -oMt nobody -t  2>/dev/null
rc=$?
set -e
check "nobody: not affected" test "$rc" = 0
check "main log: cwd= of local submissions" grep -q "cwd=" "$ex/log/mainlog"

# the limit hits of the last hour, read back from the reject log's marker
rc=$(mwh "$work/c3.json")
hits='[.findings[] | select(.rule_id == "harden.limit-reached") | .details]'
check "check after the hits: exit 1" test "$rc" = 1
check "check: bob reached his limit" jqt "$work/c3.json" \
	"$hits | map(select(.sender == \"sasl:bob@mw.test\" and .source == \"exim\" and .limit == 200 and .deferred >= 2)) | length == 1"
check "check: www-data reached its limit" jqt "$work/c3.json" \
	"$hits | map(select(.sender == \"local:www-data\" and .limit == 5 and .deferred == 1)) | length == 1"
check "check: nobody else" jqt "$work/c3.json" "$hits | length == 2"
check "check: only the limit hits" jqt "$work/c3.json" '[.findings[].rule_id] | unique == ["harden.limit-reached"]'

rc=$(mwh "$work/r1.json" --remove)
check "remove: exit 0" test "$rc" = 0
check "remove: exim.conf byte-identical" test "$(sha256sum <"$ex/exim.conf")" = "$before"

if [ "$fails" -ne 0 ]; then
	for f in "$work"/*.err "$work/www.out"; do echo "--- $f"; cat "$f"; done
	echo "--- mainlog (tail)"; tail -n 20 "$ex/log/mainlog" 2>/dev/null || true
	echo "--- rejectlog (tail)"; tail -n 20 "$ex/log/rejectlog" 2>/dev/null || true
	exit 1
fi
