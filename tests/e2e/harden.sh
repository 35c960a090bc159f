#!/bin/bash
# End-to-end test of `mailwarden harden` and `mailwarden policyd` with a real
# private Postfix (tests/lib/postfix.sh, port 2545, Dovecot for SASL,
# relayhost a closed loopback port: accepted mail stays deferred) and a real
# PHP-FPM 8.2 pool of its own, both in this script's directory:
#   - harden --check names what is missing (exit 1);
#   - --apply: main.cf gets check_policy_service and header_checks, the pool
#     file gets mail.add_x_header, mail.log, sendmail_path = the wrapper;
#     a second --apply changes no byte; --check is then clean;
#   - bob's (SASL) message 201 within the hour gets a 4xx at DATA, alice is
#     not affected; after a restart of policyd bob is still refused;
#   - www-data's local submissions through `mailwarden submit` are refused
#     (exit 75) after [harden] local_messages, another uid is not;
#   - harden --check then reports harden.limit-reached for both;
#   - one mail() from a script of the pool: `mailwarden logs` names its path
#     and the pool user;
#   - a mail() to 3 recipients (a list with a quoted name, and a Cc header)
#     counts 3 against [harden] local_recipients: the second one is refused;
#   - an apply that postfix check refuses leaves every byte as it was;
#   - --remove: main.cf, master.cf and the pool file byte-identical to before.
set -euo pipefail
: "${MW_TOP:?}" "${MW_BIN:?}"
. "$MW_TOP/tests/lib/postfix.sh"
. "$MW_TOP/tests/lib/dovecot-sasl.sh"
. "$MW_TOP/tests/lib/check.sh"
pf_require
for p in jq dovecot python3; do
	command -v "$p" >/dev/null || { echo "$p is not installed (make deps)"; exit 77; }
done
FPM=$(command -v php-fpm8.2 || true)
[ -n "$FPM" ] || { echo "php-fpm8.2 is not installed (make deps)"; exit 77; }
id www-data >/dev/null 2>&1 || { echo "no www-data user"; exit 77; }

work=$(mktemp -d /tmp/mw-harden-e2e.XXXXXX)
chmod 0755 "$work"
pf=$work/pf dv=$work/dovecot fpm=$work/fpm
pd_pid= fpm_pid= log_pid=
cleanup() {
	for p in $pd_pid $fpm_pid $log_pid; do kill "$p" 2>/dev/null || true; done
	pf_stop "$pf"
	dv_sasl_stop "$dv"
	[ -n "${MW_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

mwh() {	# mwh OUT ARGS...: mailwarden harden on our instances, exit code echoed
	local out=$1 rc
	shift
	set +e
	"$MW_BIN" harden --no-progress --format json --config "$work/mw.conf" \
		--postfix-config "$pf/etc" --fpm-config "$fpm/php-fpm.conf" --php-fpm "$FPM" \
		--backup-dir "$work/backup" --no-reload \
		--sendmail-path "$MW_BIN submit --socket $work/submit.sock -- -t -i" \
		"$@" >"$out" 2>"$out.err"
	rc=$?
	set -e
	echo "$rc"
}
policyd_start() {	# policyd_start [--state-db FILE]
	"$MW_BIN" policyd --config "$work/mw.conf" --listen "$pf/spool/private/mailwarden-policy" \
		--submit-listen "$work/submit.sock" "$@" 2>>"$work/policyd.log" &
	pd_pid=$!
	for _ in $(seq 1 100); do [ -S "$work/submit.sock" ] && break; sleep 0.05; done
}
sums() { sha256sum "$pf/etc/main.cf" "$pf/etc/master.cf" "$fpm/pool.d/a.conf" "$fpm/pool.d/b.conf"; }

# --- Postfix with Dovecot SASL ------------------------------------------------
pf_create "$pf" 2545
mkdir -p "$pf/spool/private"
chown postfix "$pf/spool/private"
pf_postconf "$pf" -e "relayhost = [127.0.0.1]:9" "default_transport = smtp" \
	"relay_transport = smtp" "smtpd_sasl_auth_enable = yes" "smtpd_sasl_type = dovecot" \
	"smtpd_sasl_path = $dv/auth-postfix" "smtp_connect_timeout = 2s" \
	"smtpd_data_restrictions = reject_unauth_pipelining"
pf_master_add "$pf" "smtp      unix  -       -       n       -       -       smtp"
dv_sasl_start "$dv" bob@mw.test:s3cret alice@mw.test:s3cret

# --- PHP-FPM: one pool, its own socket ------------------------------------------
mkdir -p "$fpm/pool.d" "$work/www/a"
cat >"$fpm/php-fpm.conf" <<EOF2
[global]
pid = $fpm/fpm.pid
error_log = $fpm/error.log
daemonize = no
include = $fpm/pool.d/*.conf
EOF2
pool() {	# pool NAME [LINE]: a pool of www-data with its own socket
	printf '; site %s\n[%s]\nuser = www-data\ngroup = www-data\nlisten = %s/%s.sock\nlisten.mode = 0666\npm = static\npm.max_children = 1\n%s' \
		"$1" "$1" "$fpm" "$1" "${2:+$2
}" >"$fpm/pool.d/$1.conf"
}
pool a
# pool b: the same user, but PHP cannot start a program
pool b "php_admin_value[disable_functions] = exec,passthru,shell_exec,system,proc_open,popen,pcntl_exec,putenv"
cat >"$work/www/a/direct.txt" <<'EOF2'
To: direct@example.com
Subject: past the wrapper

body
EOF2
cat >"$work/www/a/z.php" <<'EOF2'
<?php
echo "start\n";
exec("/usr/sbin/sendmail -t -i < " . escapeshellarg(__DIR__ . "/direct.txt"), $out, $rc);
echo "rc=$rc\n";
EOF2
cat >"$work/www/a/x.php" <<'EOF2'
<?php
echo mail("victim@example.com", "hello", "body") ? "sent\n" : "refused\n";
EOF2
cat >"$work/www/a/y.php" <<'EOF2'
<?php
echo mail('a@example.com, "Doe, J" <b@example.com>', "three", "body",
	"Cc: (team) c@example.com") ? "sent\n" : "refused\n";
EOF2
chmod -R a+rX "$work/www"
# PHP names the script owner's uid in the header: a site's files are its user's
chown -R www-data "$work/www/a"

cat >"$work/mw.conf" <<EOF2
[harden]
state_db = $work/policyd.sqlite
local_messages = 5
local_recipients = 6
EOF2
chmod 0600 "$work/mw.conf"

# --- check, apply, apply again -------------------------------------------------
before=$(sums)
cp "$pf/etc/main.cf" "$work/main.cf.orig"
rc=$(mwh "$work/c1.json" --check)
check "check: exit 1 with what is missing" test "$rc" = 1
for r in postfix-no-sasl-limit postfix-no-script-log fpm-no-x-header fpm-no-mail-log fpm-no-limit; do
	check "check: harden.$r" jqt "$work/c1.json" "[.findings[].rule_id] | index(\"harden.$r\") != null"
done

# an apply that Postfix refuses (its queue directory is gone): nothing is
# left changed, the pool file included
pf_postconf "$pf" -e "queue_directory = $work/no-such-spool"
bad_before=$(sums)
rc=$(mwh "$work/bad.json" --apply)
check "apply refused by postfix check: exit 2" test "$rc" = 2
check "apply refused: says why" grep -q "refused" "$work/bad.json.err"
check "apply refused: every byte as before" test "$(sums)" = "$bad_before"
check "apply refused: no header_checks table left" test ! -e "$pf/etc/mailwarden_header_checks"
check "apply refused: no backup made" test ! -e "$work/backup/manifest"
cp "$work/main.cf.orig" "$pf/etc/main.cf"
check "setup: files back to the start" test "$(sums)" = "$before"

rc=$(mwh "$work/a1.json" --apply)
check "apply: exit 0" test "$rc" = 0
check "apply: main.cf changed" test "$(sha256sum <"$pf/etc/main.cf")" != "$(sha256sum <"$work/main.cf.orig")"
check "apply: policy service first in smtpd_data_restrictions" \
	test "$(pf_postconf "$pf" -h smtpd_data_restrictions)" = \
	"check_policy_service unix:private/mailwarden-policy, reject_unauth_pipelining"
check "apply: header_checks table" grep -q "X-PHP-Originating-Script" "$pf/etc/mailwarden_header_checks"
check "apply: pool file has the three lines" test "$(grep -c '^php_admin_value\[\(mail.add_x_header\|mail.log\|sendmail_path\)\]' "$fpm/pool.d/a.conf")" = 3
check "apply: php-fpm -t accepts it" "$FPM" -t -y "$fpm/php-fpm.conf" 2>/dev/null
after1=$(sums; sha256sum "$pf/etc/mailwarden_header_checks")
rc=$(mwh "$work/a2.json" --apply)
check "second apply: exit 0" test "$rc" = 0
check "second apply: changed 0" jqt "$work/a2.json" '.data.harden.changed == 0'
check "second apply: no byte changed" test "$(sums; sha256sum "$pf/etc/mailwarden_header_checks")" = "$after1"
rc=$(mwh "$work/c2.json" --check)
check "check after apply: exit 1" test "$rc" = 1
check "check after apply: only pool a's sendmail bypass is left" jqt "$work/c2.json" \
	'[.findings[] | [.rule_id, (.title | test("^PHP-FPM pool a: its user www-data can run sendmail itself"))]] == [["harden.fpm-sendmail-bypass", true]]'
check "check after apply: pool b cannot run programs" jqt "$work/c2.json" \
	'[.data.harden.fpm_pools[] | [.pool, .sendmail_bypass]] == [["a", true], ["b", false]]'

# --- limits over SMTP AUTH -------------------------------------------------------
policyd_start
pf_start "$pf"
python3 "$MW_TOP/tests/e2e/harden-smtp.py" 2545 bob@mw.test s3cret 201 >"$work/bob.codes"
check "bob: 200 messages accepted" test "$(grep -c '^250$' "$work/bob.codes")" = 200
check "bob: message 201 gets a 4xx" test "$(tail -n 1 "$work/bob.codes")" = 450
python3 "$MW_TOP/tests/e2e/harden-smtp.py" 2545 alice@mw.test s3cret 3 >"$work/alice.codes"
check "alice: not affected" test "$(grep -c '^250$' "$work/alice.codes")" = 3
check "policyd logged the deferral" grep -q "deferred sasl:bob@mw.test" "$work/policyd.log"
kill "$pd_pid"; wait "$pd_pid" 2>/dev/null || true
policyd_start
python3 "$MW_TOP/tests/e2e/harden-smtp.py" 2545 bob@mw.test s3cret 1 >"$work/bob2.codes"
check "restart keeps the count: bob still gets a 4xx" test "$(cat "$work/bob2.codes")" = 450

# --- local submission through the wrapper ---------------------------------------------
# www-data submits in a private mount namespace where our etc is /etc/postfix
# (pf_sendmail's trick), through the wrapper as PHP would run it.
# shellcheck disable=SC2016 # expanded by the inner sh
unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1/etc" /etc/postfix &&
	for i in 1 2 3 4 5 6; do
		printf "To: r%s@example.com\nSubject: local %s\n\nbody\n" "$i" "$i" |
			runuser -u www-data -- "$2" submit --socket "$3" -- -t -i
		echo "rc=$?"
	done >"$4/www.rc" 2>"$4/www.err"
	printf "To: n@example.com\nSubject: nobody\n\nbody\n" |
		runuser -u nobody -- "$2" submit --socket "$3" -- -t -i
	echo "rc=$?" >"$4/nobody.rc"' _ "$pf" "$MW_BIN" "$work/submit.sock" "$work"
check "www-data: 5 submissions pass" test "$(grep -c '^rc=0$' "$work/www.rc")" = 5
check "www-data: the 6th exits 75 (temporary)" test "$(tail -n 1 "$work/www.rc")" = rc=75
check "www-data: told why" grep -q "sending limit reached" "$work/www.err"
check "nobody: not affected" test "$(cat "$work/nobody.rc")" = rc=0
kill "$pd_pid"; wait "$pd_pid" 2>/dev/null || true
rc=$(mwh "$work/c3.json" --check)
check "check: harden.limit-reached for bob and uid 33" jqt "$work/c3.json" \
	'[.findings[] | select(.rule_id == "harden.limit-reached") | .details.sender] | sort == ["sasl:bob@mw.test", "uid:33"]'
# a fresh hour for www-data: counts in memory only from here on
policyd_start --state-db ""

# --- attribution: mail() from the pool ---------------------------------------------
# PHP's mail.log = syslog: a private /dev with our own /dev/log listener in
# the pool's mount namespace (the host has no syslog to read back from).
mkdir -p "$work/dev"
for d in null zero urandom random full; do touch "$work/dev/$d"; done
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        m = s.recv(65536).decode("utf-8", "replace")
        if m.startswith("<"):
            m = m[m.index(">") + 1:]
        # "Dec  6 20:40:00 php-fpm: ..." -> a syslog file line with a host
        out.write(m[:15] + " mw-test " + m[16:].rstrip("\n") + "\n")
' "$work/dev/log" "$work/syslog" &
log_pid=$!
for _ in $(seq 1 100); do [ -S "$work/dev/log" ] && break; sleep 0.05; done
chmod 0666 "$work/dev/log"
# shellcheck disable=SC2016
unshare -m sh -c 'mount --make-rprivate / &&
	for d in null zero urandom random full; do mount --bind /dev/$d "$2/dev/$d"; done &&
	mount --bind "$2/dev" /dev && mount --bind "$1/etc" /etc/postfix &&
	exec "$3" -F -y "$4/php-fpm.conf"' _ "$pf" "$work" "$FPM" "$fpm" &
fpm_pid=$!
for _ in $(seq 1 100); do [ -S "$fpm/a.sock" ] && [ -S "$fpm/b.sock" ] && break; sleep 0.1; done
python3 "$MW_TOP/tests/e2e/harden-fcgi.py" "$fpm/a.sock" "$work/www/a/x.php" >"$work/fcgi.out"
check "mail() from the pool: sent" grep -q '^sent$' "$work/fcgi.out"
for _ in $(seq 1 50); do grep -q "X-PHP-Originating-Script" "$pf/maillog" && break; sleep 0.2; done
check "header_checks logged the script" grep -q "info: header X-PHP-Originating-Script: 33:x.php from local" "$pf/maillog"
check "mail.log line in syslog" grep -q "mail() on \[$work/www/a/x.php:2\]" "$work/syslog"
# x.php's 1 recipient and y.php's 3 are 4 of 6: the next 3 are refused
python3 "$MW_TOP/tests/e2e/harden-fcgi.py" "$fpm/a.sock" "$work/www/a/y.php" >"$work/fcgi-y1.out"
python3 "$MW_TOP/tests/e2e/harden-fcgi.py" "$fpm/a.sock" "$work/www/a/y.php" >"$work/fcgi-y2.out"
check "mail() to 3 recipients: sent" grep -q '^sent$' "$work/fcgi-y1.out"
check "mail() to 3 recipients: counts 3, the second is refused" grep -q '^refused$' "$work/fcgi-y2.out"
check "policyd: 4 recipients in the hour, limit 6" \
	grep -q "deferred uid:33: 2 messages, 4 recipients in the last hour (limits 5, 6)" "$work/policyd.log"

# --- sendmail past the wrapper ------------------------------------------------------
# over its limit, www-data's script runs sendmail itself: Postfix takes it
python3 "$MW_TOP/tests/e2e/harden-fcgi.py" "$fpm/a.sock" "$work/www/a/z.php" >"$work/fcgi-z.out"
check "pool a: exec(sendmail) passes the wrapper's limit" grep -q '^rc=0$' "$work/fcgi-z.out"
# in pool b PHP cannot start it (PHP 8.2's worker even dies on the call:
# the request fails, its connection is reset)
python3 "$MW_TOP/tests/e2e/harden-fcgi.py" "$fpm/b.sock" "$work/www/a/z.php" >"$work/fcgi-zb.out" 2>&1 || true
check "pool b: exec() is disabled, no sendmail ran" test "$(grep -c '^rc=' "$work/fcgi-zb.out")" = 0
sleep 1
check "pool b: nothing sent, pool a's message only" \
	test "$(grep -c 'to=<direct@example.com>' "$pf/maillog")" = 1
# authorized_submit_users judges the real uid: shutting www-data out of
# sendmail shuts the wrapper out too (why harden reports instead)
cp "$pf/etc/main.cf" "$work/main.cf.applied"
pf_postconf "$pf" -e 'authorized_submit_users = !www-data, static:all'
# shellcheck disable=SC2016
unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1/etc" /etc/postfix &&
	printf "To: w@example.com\nSubject: w\n\nbody\n" |
		runuser -u www-data -- "$2" submit --socket "$3" -- -t -i
	echo "rc=$?"
	printf "HELO x\r\nMAIL FROM:<w@x>\r\nRCPT TO:<w@example.com>\r\nQUIT\r\n" |
		runuser -u www-data -- /usr/sbin/sendmail -bs >/dev/null
	echo "rc=$?"
	printf "To: w@example.com\n\nbody\n" | runuser -u www-data -- /usr/sbin/postdrop
	echo "rc=$?"' _ "$pf" "$MW_BIN" "$work/submit.sock" >"$work/asu.rc" 2>"$work/asu.err"
cp "$work/main.cf.applied" "$pf/etc/main.cf"
check "authorized_submit_users: the wrapper is refused too (75)" test "$(sed -n 1p "$work/asu.rc")" = rc=75
check "authorized_submit_users: so is sendmail -bs" test "$(sed -n 2p "$work/asu.rc")" != rc=0
check "authorized_submit_users: so is postdrop" test "$(sed -n 3p "$work/asu.rc")" != rc=0
check "authorized_submit_users: Postfix says why, each time" \
	test "$(grep -c "User www-data(33) is not allowed to submit mail" "$work/asu.err")" = 3
set +e
"$MW_BIN" logs --no-progress --format json "$pf/maillog" "$work/syslog" >"$work/logs.json" 2>"$work/logs.err"
set -e
check "logs: names the script path" grep -q "$work/www/a/x.php" "$work/logs.json"
check "logs: names the pool user with it" jqt "$work/logs.json" \
	"[.findings[] | select(.rule_id == \"logs.php-mail-script\" and .evidence.path == \"$work/www/a/x.php\") | .details.user == \"www-data\" and .details.uid == 33] == [true]"
check "logs: the script row has the uid" jqt "$work/logs.json" \
	"[.data.logs.scripts[] | select(.script == \"$work/www/a/x.php\") | .uid] == [33]"

# --- remove ------------------------------------------------------------------------
pf_stop "$pf"
rc=$(mwh "$work/r1.json" --remove)
check "remove: exit 0" test "$rc" = 0
check "remove: main.cf, master.cf, pool file byte-identical" test "$(sums)" = "$before"
check "remove: header_checks table gone" test ! -e "$pf/etc/mailwarden_header_checks"
rc=$(mwh "$work/r2.json" --remove)
check "second remove: nothing to restore" jqt "$work/r2.json" '.data.harden.restored == 0'

if [ "$fails" -ne 0 ]; then
	echo "--- policyd"; cat "$work/policyd.log"
	echo "--- Postfix log (tail)"; pf_log "$pf" | tail -n 30
	for f in "$work"/*.err; do echo "--- $f"; cat "$f"; done
	exit 1
fi
