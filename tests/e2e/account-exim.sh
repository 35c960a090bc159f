#!/bin/bash
# End-to-end test of `mailwarden account --respond` against a real Exim
# 4.96 (tests/lib/exim.sh: Debian's package extracted, its own
# configuration and spool; the daemon listens on port 2525 in a network
# namespace of its own). queue_only = true: nothing is delivered.
# The configuration has the one-time ACL of mailwarden(8) (acl_smtp_mail
# drops a session authenticated as a user listed in mailwarden-exim-deny)
# and a plaintext PLAIN authenticator (password "pw-" USER).
# Checked: SMTP AUTH + MAIL as info@mw.test works before; the report
# counts those logins from Exim's main log; --respond alone changes
# nothing; an Exim whose configuration does not validate (exim -bV) is not
# touched; --respond --apply adds info to the file, after which info's
# authenticated mail is refused and bob's accepted, and freezes exactly
# info's 5 queued messages (by -auth_id or sender), not bob's 2; a second
# --apply changes nothing; --restore --apply thaws those 5, puts the file
# back byte-identical and info sends again.
set -euo pipefail
: "${MW_TOP:?}" "${MW_BIN:?}"
. "$MW_TOP/tests/lib/exim.sh"
. "$MW_TOP/tests/lib/check.sh"
ex_require
for p in jq swaks ip; do
	command -v "$p" >/dev/null || { echo "$p is not installed (make deps)"; exit 77; }
done

PORT=2525
NS=mw-acct-exim-$$
work=$(mktemp -d /tmp/mw-account-exim.XXXXXX)
chmod 0755 "$work"
ex=$work/ex state=$work/state rcconf=$work/rc.php
cleanup() {
	ex_stop "$ex"
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

sanitizer_clean() {	# keep a sanitized binary's complaints
	if grep -q 'Sanitizer\|runtime error' "$1"; then
		cat "$1" >>"$work/sanitizer.log"
	fi
}
mwa() {	# mwa OUT ARGS...: mailwarden account info@mw.test on this Exim only
	local out=$1 rc
	shift
	set +e
	"$MW_BIN" account info@mw.test --no-progress --format json --exim "$ex/exim4" \
		--dovecot-config "$work/none/dovecot.conf" --postfix-config "$work/none" \
		--state-dir "$state" --log "$ex/log/mainlog" --roundcube-config "$rcconf" "$@" \
		>"$out" 2>"$out.err"
	rc=$?
	set -e
	sanitizer_clean "$out.err"
	echo "$rc"
}
send() {	# send USER [FROM]: SMTP AUTH as USER and one message; 0 when accepted
	ip netns exec "$NS" swaks --silent 2 --server "127.0.0.1:$PORT" --auth PLAIN \
		--auth-user "$1" --auth-password "pw-$1" --from "${2:-$1}" \
		--to "r@mw-exim.localdomain" --header "Subject: t" --body x >/dev/null 2>&1
}
sum() { sha256sum <"$1" | cut -d' ' -f1; }
frozen() {	# the ids of the frozen messages, sorted, on one line
	"$ex/exim4" -bp | awk '/\*\*\* frozen \*\*\*/ { print $3 }' | sort | tr '\n' ' '
}
ids_of() {	# ids_of USER: the messages Exim accepted from USER's SMTP AUTH
	awk -v a="A=plain:$1" '$4 == "<=" { for (i = 5; i <= NF; i++) if ($i == a) print $3 }' \
		"$ex/log/mainlog" | sort | tr '\n' ' '
}

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
mkdir -p "$state"
# the host's own Roundcube stays out of it: this one is on MySQL (never
# connected to; its step is by hand)
printf '<?php\n$config["db_dsnw"] = "mysql://rc:pw@db.invalid/rc";\n' >"$rcconf"
ex_create "$ex" "queue_only = true" "hostlist relay_from_hosts = 127.0.0.1" \
	"acl_smtp_mail = acl_check_mail" "auth_advertise_hosts = *"
deny=$ex/mailwarden-exim-deny
printf '# users whose SMTP AUTH is refused (mailwarden account)\nold@mw.test\n' >"$deny"
chmod 0644 "$deny"
# the one-time configuration of mailwarden(8), and an authenticator
awk -v deny="$deny" '
	/^begin routers/ {
		print "acl_check_mail:"
		print "  drop authenticated = *"
		print "       condition = ${lookup{$authenticated_id}lsearch{" deny "}{yes}{no}}"
		print "       message = account locked pending a password reset"
		print "  accept"
	}
	{ print }
	END {
		print "begin authenticators"
		print "plain:"
		print "  driver = plaintext"
		print "  public_name = PLAIN"
		print "  server_prompts = :"
		print "  server_condition = ${if eq{$auth3}{pw-$auth2}}"
		print "  server_set_id = $auth2"
	}' "$ex/exim.conf" >"$ex/exim.conf.new"
mv "$ex/exim.conf.new" "$ex/exim.conf"
"$ex/exim4" -bV >/dev/null
EX_NETNS=$NS ex_start "$ex" "$PORT"

# --- before --------------------------------------------------------------------
check "before: info sends with SMTP AUTH" send info@mw.test
check "before: bob sends with SMTP AUTH" send bob@mw.test
check "before: a wrong password is refused" refused ip netns exec "$NS" swaks --silent 2 \
	--server "127.0.0.1:$PORT" --auth PLAIN --auth-user info@mw.test --auth-password nope \
	--from info@mw.test --to r@mw-exim.localdomain
rc=$(mwa "$work/r.json")
check "report: Exim's log gives info 1 login, 1 failure, 1 sent, from 127.0.0.1" jqt "$work/r.json" \
	'.data.account.logins | .logins == 1 and .failures == 1 and .sent == 1 and
		[.addresses[].ip] == ["127.0.0.1"] and .addresses[0].protocols == ["smtp"]'

# queued: 5 messages of info (one with another envelope sender: its
# -auth_id alone names info) and 2 of bob, none frozen
for _ in 1 2 3; do send info@mw.test; done
send info@mw.test alias@mw.test
send bob@mw.test
info_ids=$(ids_of info@mw.test)
check "setup: 5 messages of info, 2 of bob in the queue" test \
	"$(wc -w <<<"$info_ids") $(wc -w <<<"$(ids_of bob@mw.test)")" = "5 2"
check "setup: nothing frozen" test -z "$(frozen)"

# --- the plan, and an Exim that does not validate ------------------------------
deny0=$(sum "$deny")
rc=$(mwa "$work/plan.json" --respond)
check "plan: block-exim planned" jqt "$work/plan.json" \
	'[.data.account.response.steps[] | select(.step == "block-exim") | .status] == ["planned"]'
check "plan: the file is unchanged" test "$(sum "$deny")" = "$deny0"
check "plan: freeze the 5 messages planned" jqt "$work/plan.json" \
	'[.data.account.response.steps[] | select(.step == "hold") | .status + ": " + .what] ==
		["planned: freeze the 5 queued messages sent as info@mw.test (exim -Mf)"]'
check "plan: nothing frozen" test -z "$(frozen)"
cp "$ex/exim.conf" "$work/exim.conf.good"
echo "no_such_option_here = 1" >>"$ex/exim.conf"
rc=$(mwa "$work/bad.json" --respond --apply)
check "bad configuration: exit 2, block-exim failed on exim -bV" jqt "$work/bad.json" \
	"$rc == 2 and ([.data.account.response.steps[] | select(.step == \"block-exim\") |
		.status] == [\"failed\"]) and (.errors | length > 0)"
check "bad configuration: the file is unchanged" test "$(sum "$deny")" = "$deny0"
check "bad configuration: hold failed, nothing frozen" bash -c \
	"[ \"\$(jq -c '[.data.account.response.steps[] | select(.step == \"hold\") | .status]' '$work/bad.json')\" = '[\"failed\"]' ] && [ -z \"\$0\" ]" "$(frozen)"
cp "$work/exim.conf.good" "$ex/exim.conf"
rm -rf "$state/account"

# --- respond --------------------------------------------------------------------
rc=$(mwa "$work/apply.json" --respond --apply)
jq -r '.data.account.response.steps[] | "  \(.status): \(.step): \(.what)"' "$work/apply.json"
check "apply: block-exim done" jqt "$work/apply.json" \
	'[.data.account.response.steps[] | select(.step == "block-exim") | .status] == ["done"]'
check "apply: info is in the file, the rest kept" bash -c \
	"head -2 '$deny' | cmp -s - <(printf '# users whose SMTP AUTH is refused (mailwarden account)\nold@mw.test\n') && tail -1 '$deny' | grep -qx info@mw.test"
check "apply: info's authenticated mail is refused" refused send info@mw.test
check "apply: Exim logs the drop" grep -q 'account locked pending a password reset' "$ex/log/rejectlog"
check "apply: bob still sends" send bob@mw.test
check "apply: hold done" jqt "$work/apply.json" \
	'[.data.account.response.steps[] | select(.step == "hold") | .status] == ["done"]'
check "apply: exactly info's 5 messages are frozen" test "$(frozen)" = "$info_ids"
check "apply: the record has their ids" test \
	"$(jq -r '.steps[] | select(.step == "hold") | .ids[]' "$state/account/info@mw.test/record.json" | sort | tr '\n' ' ')" = "$info_ids"
deny1=$(sum "$deny") rec1=$(sum "$state/account/info@mw.test/record.json")
rc=$(mwa "$work/again.json" --respond --apply)
check "apply twice: block-exim and hold already done" jqt "$work/again.json" \
	'[.data.account.response.steps[] | select(.step == "block-exim" or .step == "hold") | .status] ==
		["already done", "already done"]'
check "apply twice: file and record unchanged" \
	test "$(sum "$deny")$(sum "$state/account/info@mw.test/record.json")" = "$deny1$rec1"

# --- restore --------------------------------------------------------------------
rc=$(mwa "$work/rplan.json" --restore)
check "restore plan: changes nothing" test "$(sum "$deny")" = "$deny1"
check "restore plan: still frozen" test "$(frozen)" = "$info_ids"
rc=$(mwa "$work/restore.json" --restore --apply)
jq -r '.data.account.response.steps[] | "  \(.status): \(.step): \(.what)"' "$work/restore.json"
check "restore: exit 0, hold and block-exim undone" jqt "$work/restore.json" \
	"$rc == 0 and .errors == [] and ([.data.account.response.steps[] | .step + \" \" + .status] ==
		[\"hold done\", \"block-exim done\"])"
check "restore: nothing frozen any more" test -z "$(frozen)"
check "restore: the file is byte-identical to before" test "$(sum "$deny")" = "$deny0"
check "restore: info sends again" send info@mw.test
check "bob was never refused" bash -c "! grep -q 'bob@mw.test' '$ex/log/rejectlog'"

check "no sanitizer report" test ! -s "$work/sanitizer.log"
[ -s "$work/sanitizer.log" ] && head -40 "$work/sanitizer.log"
if [ "$fails" -ne 0 ]; then
	echo "--- exim logs"; tail -n 20 "$ex"/log/* || true
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
