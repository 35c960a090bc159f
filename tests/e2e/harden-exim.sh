#!/bin/bash
# End-to-end test of `mailwarden harden` with a real Exim 4.96
# (tests/lib/exim.sh: Debian's package extracted, its own configuration and
# spool; queue_only, nothing is delivered), SMTP AUTH by a plaintext
# authenticator, the daemon on 127.0.0.1:2546:
#   - --check names the three missing settings (exit 1);
#   - --apply adds the ratelimit ACL statements and log_selector, exim -bV
#     accepts it; a second --apply changes no byte; --check is clean;
#   - bob's (SASL) message 201 within the hour gets a 4xx at RCPT; alice,
#     whose [harden] limits entry is 203, sends 203 and is refused at 204;
#     after a restart of the daemon bob is still refused (Exim keeps its
#     ratelimit database in the spool);
#   - local submission as www-data is refused after [harden] local_messages
#     (5), nobody (limits: 8) passes where the default refuses and is
#     refused at 9; the main log has cwd= for local submissions;
#   - lister's messages to 3 recipients count 3 against local_recipients
#     (12): the 5th is refused;
#   - a changed override (nobody 10): --apply rewrites only the limits file,
#     exim.conf keeps every byte, nobody sends 2 more; a changed default
#     (local_messages 6): the block of statements is replaced, www-data
#     sends 1 more; a second --apply changes nothing;
#   - --check then reports harden.limit-reached for bob, alice, www-data and
#     nobody only (the marker the ACLs' log_message writes to the reject log);
#   - --remove: exim.conf byte-identical to before, the limits file gone.
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
		--exim "$ex/exim4" --backup-dir "$work/backup" \
		--fpm-config "$work/fpm/php-fpm.conf" "$@" >"$out" 2>"$out.err"
	rc=$?
	set -e
	echo "$rc"
}

# PHP-FPM: a private one without pools, so that the host's are not touched
mkdir -p "$work/fpm/pool.d"
touch "$work/fpm/php-fpm.conf"
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
mwconf() {	# mwconf LOCAL_MESSAGES NOBODY_LIMIT
	printf '[harden]\nlocal_messages = %s\nlocal_recipients = 12\nlimits = alice@mw.test=203, nobody=%s\n' \
		"$1" "$2" >"$work/mw.conf"
}
mwconf 5 8
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
check "apply: the limits file" test "$(grep -v '^#' "$ex/mailwarden-limits")" = \
	"$(printf '"alice@mw.test": 203\n"nobody": 8')"
check "apply: the SASL limit looks the user up" \
	grep -qF 'lookup{$authenticated_id}lsearch{'"$ex/mailwarden-limits"'}{$value}{200}' "$ex/exim.conf"
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
python3 "$MW_TOP/tests/e2e/harden-smtp.py" 2546 alice@mw.test s3cret 204 >"$work/alice.codes"
check "alice: her own limit, 203 messages accepted" test "$(grep -c '^250$' "$work/alice.codes")" = 203
check "alice: message 204 gets a 4xx" test "$(tail -n 1 "$work/alice.codes" | cut -c1)" = 4
ex_stop "$ex"
ex_start "$ex" 2546
python3 "$MW_TOP/tests/e2e/harden-smtp.py" 2546 bob@mw.test s3cret 1 >"$work/bob2.codes"
check "restart keeps the count: bob still gets a 4xx" test "$(cut -c1 "$work/bob2.codes")" = 4
ex_stop "$ex"

# local submission: -oMt stands in for running as the user (what Exim
# records as the caller's login; the private -C configuration cannot be
# run by www-data itself)
submit() {	# submit USER N: N local submissions as USER, "rc=N" lines to $work/USER.rc
	local i
	for i in $(seq 1 "$2"); do
		set +e
		printf 'To: r%s@example.com\nSubject: local %s\n\nbody\n' "$i" "$i" |
			"$ex/exim4" -oep -oMt "$1" -t >>"$work/$1.out" 2>&1
		echo "rc=$?" >>"$work/$1.rc"
		set -e
	done
}
passed() { grep -c '^rc=0$' "$work/$1.rc" || true; }
submit www-data 6
check "www-data: 5 submissions pass" test "$(passed www-data)" = 5
check "www-data: the 6th is refused" test "$(tail -n 1 "$work/www-data.rc")" != rc=0
check "www-data: told why (-oep)" grep -q "sending limit reached (5 messages per hour)" "$work/www-data.out"
check "www-data: the refusal is logged" grep -q "rejected by non-SMTP ACL: sending limit reached" "$ex/log/mainlog"
submit nobody 9
check "nobody: its limit of 8 passes where the default refuses" test "$(passed nobody)" = 8
check "nobody: the 9th is refused" test "$(tail -n 1 "$work/nobody.rc")" != rc=0

# recipients of local submission: a message to 3 counts 3 of 12
for i in 1 2 3 4 5; do
	set +e
	printf 'To: a%s@example.com, "Doe, J" <b@example.com>\nCc: c@example.com\nSubject: 3\n\nbody\n' "$i" |
		"$ex/exim4" -oep -oMt lister -t >>"$work/lister.out" 2>&1
	echo "rc=$?" >>"$work/lister.rc"
	set -e
done
check "lister: 4 messages to 3 recipients pass" test "$(passed lister)" = 4
check "lister: the 5th is refused (15 of 12 recipients)" test "$(tail -n 1 "$work/lister.rc")" != rc=0
check "lister: told why" grep -q "sending limit reached (12 recipients per hour)" "$work/lister.out"

# a changed override: only the limits file is rewritten
conf_before=$(sha256sum <"$ex/exim.conf")
mwconf 5 10
rc=$(mwh "$work/c-stale.json")
check "check: a changed override is stale" jqt "$work/c-stale.json" \
	'[.findings[].rule_id] | index("harden.exim-limits-stale") != null'
rc=$(mwh "$work/a3.json" --apply)
check "changed override: apply exit 0" test "$rc" = 0
check "changed override: one file changed" jqt "$work/a3.json" '.data.harden.changed == 1'
check "changed override: exim.conf keeps every byte" test "$(sha256sum <"$ex/exim.conf")" = "$conf_before"
check "changed override: in the limits file" grep -qx '"nobody": 10' "$ex/mailwarden-limits"
submit nobody 3
check "nobody: 2 more under its new limit, then refused" test "$(passed nobody)" = 10
check "nobody: the 11th is refused" test "$(tail -n 1 "$work/nobody.rc")" != rc=0

# a changed default: our block of statements is replaced, not doubled
mwconf 6 10
rc=$(mwh "$work/a4.json" --apply)
check "changed default: apply exit 0" test "$rc" = 0
check "changed default: exim -bV accepts it" "$ex/exim4" -bV >/dev/null 2>&1
check "changed default: one block per ACL" test "$(grep -c '^  # mailwarden harden: sending limit$' "$ex/exim.conf")" = 2
check "changed default: the new default" grep -qF '{$value}{6}}}{6}} / 1h / per_mail / $sender_ident' "$ex/exim.conf"
after4=$(sha256sum <"$ex/exim.conf" "$ex/mailwarden-limits")
rc=$(mwh "$work/a5.json" --apply)
check "changed default: a second apply changes nothing" jqt "$work/a5.json" '.data.harden.changed == 0'
check "changed default: no byte changed" test "$(sha256sum <"$ex/exim.conf" "$ex/mailwarden-limits")" = "$after4"
submit www-data 2
check "www-data: 1 more under the new default, then refused" test "$(passed www-data)" = 6
check "www-data: the 8th is refused" test "$(tail -n 1 "$work/www-data.rc")" != rc=0
set +e
printf 'To: n@example.com\nSubject: daemon\n\nbody\n' | "$ex/exim4" -oMt daemon -t  2>/dev/null
rc=$?
set -e
check "daemon: not affected" test "$rc" = 0
check "main log: cwd= of local submissions" grep -q "cwd=" "$ex/log/mainlog"

# the limit hits of the last hour, read back from the reject log's marker
rc=$(mwh "$work/c3.json")
hits='[.findings[] | select(.rule_id == "harden.limit-reached") | .details]'
check "check after the hits: exit 1" test "$rc" = 1
check "check: bob reached his limit" jqt "$work/c3.json" \
	"$hits | map(select(.sender == \"sasl:bob@mw.test\" and .source == \"exim\" and .limit == 200 and .deferred >= 2)) | length == 1"
check "check: www-data reached its limit" jqt "$work/c3.json" \
	"$hits | map(select(.sender == \"local:www-data\" and .limit == 6 and .deferred == 2)) | length == 1"
check "check: alice reached hers" jqt "$work/c3.json" \
	"$hits | map(select(.sender == \"sasl:alice@mw.test\" and .limit == 203 and .deferred == 1)) | length == 1"
check "check: nobody reached its own" jqt "$work/c3.json" \
	"$hits | map(select(.sender == \"local:nobody\" and .limit == 10 and .deferred == 2)) | length == 1"
check "check: lister reached the recipients limit" jqt "$work/c3.json" \
	"$hits | map(select(.sender == \"local:lister\" and .limit_kind == \"local-recipients\" and .limit == 12 and .deferred == 1)) | length == 1"
check "check: no other sender" jqt "$work/c3.json" "$hits | length == 5"
check "check: only the limit hits" jqt "$work/c3.json" '[.findings[].rule_id] | unique == ["harden.limit-reached"]'

rc=$(mwh "$work/r1.json" --remove)
check "remove: exit 0" test "$rc" = 0
check "remove: exim.conf byte-identical" test "$(sha256sum <"$ex/exim.conf")" = "$before"
check "remove: the limits file is gone" test ! -e "$ex/mailwarden-limits"

if [ "$fails" -ne 0 ]; then
	for f in "$work"/*.err "$work"/*.out; do echo "--- $f"; cat "$f"; done
	echo "--- mainlog (tail)"; tail -n 20 "$ex/log/mainlog" 2>/dev/null || true
	echo "--- rejectlog (tail)"; tail -n 20 "$ex/log/rejectlog" 2>/dev/null || true
	exit 1
fi
