# shellcheck shell=bash
# tests/lib/roundcube.sh — a Roundcube SQLite database for the account
# tests, with Roundcube's own schema.
#
#   rc_schema DB                    create DB: roundcube-core's
#                                   sqlite.initial.sql, or a minimal copy
#                                   of its users and session tables
#   rc_session DB ID IP USER        a session of USER, vars base64 as
#                                   Roundcube writes them
rc_schema() {
	local schema=/usr/share/roundcube/SQL/sqlite.initial.sql
	if [ -r "$schema" ]; then
		sqlite3 "$1" <"$schema"
		return
	fi
	echo "(roundcube-core not installed: Roundcube's two tables written here)"
	sqlite3 "$1" "CREATE TABLE users (user_id integer NOT NULL PRIMARY KEY,
		username varchar(128) NOT NULL default '', mail_host varchar(128) NOT NULL default '',
		created datetime NOT NULL default '0000-00-00 00:00:00', last_login datetime DEFAULT NULL,
		failed_login datetime DEFAULT NULL, failed_login_counter integer DEFAULT NULL,
		language varchar(16), preferences text DEFAULT NULL);
		CREATE TABLE session (sess_id varchar(128) NOT NULL PRIMARY KEY,
		changed datetime NOT NULL default '0000-00-00 00:00:00', ip varchar(40) NOT NULL default '',
		vars text NOT NULL);"
}
rc_session() {
	local vars
	vars=$(printf 'language|s:5:"en_US";username|s:%d:"%s";storage_host|s:9:"localhost";' \
		"${#4}" "$4" | base64 -w0)
	sqlite3 "$1" "INSERT INTO session VALUES ('$2', '2026-12-06 10:00:00', '$3', '$vars')"
}
