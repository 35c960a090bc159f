#!/bin/bash
# End-to-end test of the Roundcube step of `mailwarden account` on a real
# Roundcube SQLite database: Roundcube's own schema
# (/usr/share/roundcube/SQL/sqlite.initial.sql of roundcube-core; a
# minimal copy of its two tables when that is not installed), laid out as
# Debian does (config.inc.php includes debian-db-roundcube.php, which
# composes the DSN from debian-db.php's variables), the database owned by
# the web user. Sessions: info@mw.test from two addresses (one stored
# base64 as Roundcube does, one plain), bob@mw.test twice, one of them
# holding info's name in another value.
# Checked: the report lists info's two sessions and its users row;
# --respond alone changes nothing (`sqlite3 .dump` compared); --apply
# deletes info's two sessions and nothing else, keeps the rows in the
# response record and leaves no root-owned file beside the database; a
# second --apply changes nothing; --restore --apply brings the database
# back to the same .dump. A database behind a symbolic link is not
# opened. A MySQL site: no connection, the exact statement is a step by
# hand and the password appears nowhere.
set -euo pipefail
: "${MW_TOP:?}" "${MW_BIN:?}"
. "$MW_TOP/tests/lib/check.sh"
. "$MW_TOP/tests/lib/roundcube.sh"
for p in jq sqlite3 base64; do
	command -v "$p" >/dev/null || { echo "$p is not installed (make deps)"; exit 77; }
done

work=$(mktemp -d /tmp/mw-account3-rc.XXXXXX)
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT
etc=$work/etc db=$work/lib/roundcube state=$work/state
mkdir -p "$etc" "$db" "$state" "$work/none"

sanitizer_clean() {	# keep a sanitized binary's complaints
	if grep -q 'Sanitizer\|runtime error' "$1"; then
		cat "$1" >>"$work/sanitizer.log"
	fi
}
mwa() {	# mwa OUT CONFIG ARGS...: mailwarden account info@mw.test, Roundcube only
	local out=$1 conf=$2 rc
	shift 2
	set +e
	"$MW_BIN" account info@mw.test --no-progress --format json --state-dir "$state" \
		--dovecot-config "$work/none/dovecot.conf" --postfix-config "$work/none" \
		--log "$work/none/log" --roundcube-config "$conf" "$@" >"$out" 2>"$out.err"
	rc=$?
	set -e
	sanitizer_clean "$out.err"
	echo "$rc"
}
rcsteps() {	# rcsteps FILE: the statuses of the roundcube steps
	jq -c '[.data.account.response.steps[] | select(.step == "roundcube") | .status]' "$1"
}
dump() { sqlite3 "$db/roundcube" .dump; }
same_dump() { [ "$(dump)" = "$1" ]; }
step_ends_with() {	# step_ends_with FILE TEXT: one roundcube step by hand, ending in TEXT
	jq -e --arg t "$2" '[.data.account.response.steps[] | select(.step == "roundcube") |
		(.status == "by hand" and (.what | endswith($t)))] == [true]' "$1" >/dev/null
}

# --- a Debian-like Roundcube with a SQLite database ---------------------------
cat >"$etc/config.inc.php" <<EOC
<?php
// Do not set db_dsnw here, use dpkg-reconfigure roundcube-core to configure database!
include("$etc/debian-db-roundcube.php");
\$config['imap_host'] = ["localhost:143"];
EOC
cat >"$etc/debian-db.php" <<EOC
<?php
\$dbuser='roundcube';
\$dbpass='';
\$basepath='$db';
\$dbname='roundcube';
\$dbserver='';
\$dbport='';
\$dbtype='sqlite3';
EOC
cat >"$etc/debian-db-roundcube.php" <<EOC
<?php
require("$etc/debian-db.php");
switch (\$dbtype) {
 case "sqlite":
 case "sqlite3":
   \$config['db_dsnw'] = "sqlite:///\$basepath/\$dbname?mode=0640";
   break;
 default:
   if (\$dbport != '') \$dbport=":\$dbport";
   \$config['db_dsnw'] = "\$dbtype://\$dbuser:\$dbpass@\$dbserver\$dbport/\$dbname";
   break;
 }
EOC
rc_schema "$db/roundcube"
b64() { printf '%s' "$1" | base64 -w0; }
v_info='language|s:5:"en_US";auth_secret|s:4:"abcd";user_id|i:1;username|s:12:"info@mw.test";storage_host|s:9:"localhost";'
v_bob='language|s:5:"en_US";user_id|i:2;username|s:11:"bob@mw.test";compose|a:1:{s:2:"to";s:12:"info@mw.test";}'
v_bob2='username|s:11:"bob@mw.test";note|s:29:"username|s:12:"info@mw.test";";'
sqlite3 "$db/roundcube" "
INSERT INTO users (username, mail_host, created, last_login) VALUES
	('info@mw.test', 'localhost', '2026-11-01 09:00:00', '2026-12-06 10:00:00'),
	('bob@mw.test', 'localhost', '2026-11-01 09:00:00', '2026-12-06 10:00:00');
INSERT INTO session VALUES ('bob1', '2026-12-06 09:00:00', '198.51.100.2', '$(b64 "$v_bob")');
INSERT INTO session VALUES ('info1', '2026-12-06 10:00:00', '203.0.113.7', '$(b64 "$v_info")');
INSERT INTO session VALUES ('bob2', '2026-12-06 10:30:00', '198.51.100.2', '$(b64 "$v_bob2")');
INSERT INTO session VALUES ('info2', '2026-12-06 11:00:00', '192.0.2.77', '$v_info');
"
chown -R nobody:nogroup "$work/lib"
chmod 0640 "$db/roundcube"
before=$(dump)

# --- report and plan -----------------------------------------------------------
rc=$(mwa "$work/r.json" "$etc/config.inc.php")
check "report: the Debian layout gives the SQLite file" jqt "$work/r.json" \
	".data.account.roundcube | length == 1 and .[0].type == \"sqlite\" and
		.[0].path == \"$db/roundcube\" and (.[0] | has(\"error\") | not)"
check "report: info's two sessions, by address, and its users row" jqt "$work/r.json" \
	'.data.account.roundcube[0] | ([.sessions[].ip] == ["203.0.113.7", "192.0.2.77"]) and
		([.users[].username] == ["info@mw.test"]) and .unparsed == 0'
rc=$(mwa "$work/plan.json" "$etc/config.inc.php" --respond)
check "plan: roundcube planned" test "$(rcsteps "$work/plan.json")" = '["planned"]'
check "plan: the database is unchanged" same_dump "$before"

# --- apply -----------------------------------------------------------------------
rc=$(mwa "$work/apply.json" "$etc/config.inc.php" --respond --apply)
jq -r '.data.account.response.steps[] | select(.step == "roundcube") | "  \(.status): \(.what)"' \
	"$work/apply.json"
check "apply: roundcube done" test "$(rcsteps "$work/apply.json")" = '["done"]'
check "apply: only bob's sessions are left" \
	test "$(sqlite3 "$db/roundcube" 'SELECT sess_id FROM session ORDER BY sess_id' | tr '\n' ' ')" = "bob1 bob2 "
check "apply: the users table is untouched" \
	test "$(sqlite3 "$db/roundcube" 'SELECT count(*) FROM users')" = 2
check "apply: the record keeps both rows" jqt "$state/account/info@mw.test/record.json" \
	'[.steps[] | select(.step == "roundcube") | .rows | length] == [2]'
check "apply: nothing root-owned beside the database" test -z "$(find "$db" ! -user nobody)"
after1=$(dump)
rc=$(mwa "$work/again.json" "$etc/config.inc.php" --respond --apply)
check "apply twice: already done" test "$(rcsteps "$work/again.json")" = '["already done"]'
check "apply twice: nothing changed" same_dump "$after1"

# --- restore ---------------------------------------------------------------------
rc=$(mwa "$work/rplan.json" "$etc/config.inc.php" --restore)
check "restore plan: the database is unchanged" same_dump "$after1"
rc=$(mwa "$work/restore.json" "$etc/config.inc.php" --restore --apply)
check "restore: roundcube done" test "$(rcsteps "$work/restore.json")" = '["done"]'
check "restore: sqlite3 .dump is identical to before" same_dump "$before"
check "restore: nothing root-owned beside the database" test -z "$(find "$db" ! -user nobody)"

# --- a database behind a symbolic link -------------------------------------------
mkdir -p "$work/elsewhere"
cp "$db/roundcube" "$work/elsewhere/other"
ln -s "$work/elsewhere/other" "$db/linked"
sed -i "s|\$dbname='roundcube'|\$dbname='linked'|" "$etc/debian-db.php"
other=$(sqlite3 "$work/elsewhere/other" .dump)
rc=$(mwa "$work/link.json" "$etc/config.inc.php" --respond --apply)
check "symlink: an error (exit 2), not opened" jqt "$work/link.json" \
	"$rc == 2 and (.data.account.roundcube[0].error | test(\"symbolic\")) and
		([.errors[] | select(.message | test(\"roundcube\"))] | length == 1)"
check "symlink: the target is unchanged" test "$(sqlite3 "$work/elsewhere/other" .dump)" = "$other"
rm -rf "$state/account"

# --- MySQL: the statement, never a connection ------------------------------------
mkdir -p "$work/web/config"
cat >"$work/web/config/config.inc.php" <<'EOC'
<?php
$config['db_dsnw'] = 'mysql://rcuser:S3cr3t-pw@db.invalid:3306/rcmail';
$config['db_prefix'] = 'rc_';
EOC
rc=$(mwa "$work/my.json" "$work/web/config/config.inc.php" --respond --apply)
like() { printf "LOWER(CONVERT(FROM_BASE64(vars) USING utf8mb4)) LIKE '%s' ESCAPE '!'" "$1"; }
f='username|s:12:"info@mw.test";%'
sql="DELETE FROM \`rc_session\` WHERE $(like "$f") OR $(like "%;$f") OR $(like "%}$f");"
check "mysql: a step by hand with the exact statement" step_ends_with "$work/my.json" "$sql"
check "mysql: the database named, its password nowhere" bash -c \
	"grep -q 'mysql://rcuser@db.invalid:3306/rcmail' '$work/my.json' && ! grep -q S3cr3t '$work/my.json' '$work/my.json.err'"

check "no sanitizer report" test ! -s "$work/sanitizer.log"
[ -s "$work/sanitizer.log" ] && head -40 "$work/sanitizer.log"
if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
