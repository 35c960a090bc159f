/* Roundcube's configuration and sessions as data (scanner/account/rc_conf.h). */
#include "tests/unit/testutil.h"

#include "core/buf.h"
#include "scanner/account/rc_conf.h"

static struct rc_php ph;

static const char *read_get(const char *text, const char *name)
{
	memset(&ph, 0, sizeof(ph));
	mw_rc_php_read(&ph, text, strlen(text));
	return mw_rc_php_get(&ph, name);
}

static void test_php_forms(void **state)
{
	(void)state;
	assert_string_equal(read_get("<?php\n$config['db_dsnw'] = 'sqlite:////var/rc.db?mode=0646';\n",
				     "config:db_dsnw"), "sqlite:////var/rc.db?mode=0646");
	assert_string_equal(read_get("<?php $config[\"db_dsnw\"]=\"mysql://rc:p\\\"w\\$x@db/rc\";",
				     "config:db_dsnw"), "mysql://rc:p\"w$x@db/rc");
	/* single quotes keep everything but \' and \\ */
	assert_string_equal(read_get("$config['k'] = 'a\\'b\\\\c\\n$d';", "config:k"), "a'b\\c\\n$d");
	/* concatenation of literals and variables, interpolation forms */
	assert_string_equal(read_get("$h = 'db1'; $u=\"rc\";\n"
				     "$config['db_dsnw'] = 'pgsql://' . $u . \":x@{$h}:5432/${u}mail\"\n;",
				     "config:db_dsnw"), "pgsql://rc:x@db1:5432/rcmail");
	/* $rcmail_config (Roundcube < 1.0) is the same array */
	assert_string_equal(read_get("$rcmail_config['db_dsnw'] = 'sqlite:////a';", "config:db_dsnw"),
			    "sqlite:////a");
	/* the last assignment wins; comments and strings hide assignments */
	assert_string_equal(read_get("$config['k'] = 'one';\n// $config['k'] = 'c1';\n"
				     "# $config['k'] = 'c2';\n/* $config['k'] = 'c3'; */\n"
				     "$x = '$config[\\'k\\'] = \"c4\";';\n"
				     "$y = <<<EOT\n$config['k'] = 'c5';\nEOT;\n$config['k'] = 'two';",
				     "config:k"), "two");
	assert_string_equal(read_get("$y = <<<EOT\n$config['k'] = 'c5';\nEOT;\n", "y") ? "" : "unknown",
			    "unknown");
	assert_null(mw_rc_php_get(&ph, "config:k"));
	/* what is not a literal is not known, and not the earlier value */
	assert_null(read_get("$config['k'] = 'a'; $config['k'] = getenv('X');", "config:k"));
	assert_int_equal(mw_rc_php_has(&ph, "config:k"), 1);
	assert_null(read_get("$config['k'] = 'a' . DB_HOST;", "config:k"));
	assert_null(read_get("$config['k'] = \"$undefined\";", "config:k"));
	assert_null(read_get("$config['k'] = \"{$a['b']}\";", "config:k"));
	assert_null(read_get("$config['k'] = 'unterminated;", "config:k"));
	assert_null(read_get("$config['k'] == 'x';", "config:k"));
	assert_int_equal(mw_rc_php_has(&ph, "config:k"), 0);
	/* escapes of double quotes */
	assert_string_equal(read_get("$k = \"\\x41\\101\\t\\q\";", "k"), "AA\t\\q");
	/* a variable Debian's switch assigns twice: the last one */
	assert_string_equal(read_get("switch ($dbtype) { case 'sqlite': $config['db_dsnw'] = 'a'; "
				     "break; default: $config['db_dsnw'] = 'b'; }", "config:db_dsnw"), "b");
}

static void test_debian(void **state)
{
	static const char vars[] =
		"<?php\n##\n## database access settings in php format\n##\n"
		"$dbuser='roundcube';\n$dbpass='pw';\n$basepath='/var/lib/dbconfig-common/sqlite3/roundcube';\n"
		"$dbname='roundcube';\n$dbserver='';\n$dbport='';\n$dbtype='sqlite3';\n";
	static const char composer[] =
		"if ($dbport != '') $dbport=\":$dbport\";\nif ($dbserver == '') $dbserver=\"localhost\";\n";
	struct rc_dsn d;
	char desc[2048];

	(void)state;
	memset(&ph, 0, sizeof(ph));
	mw_rc_php_read(&ph, vars, sizeof(vars) - 1);
	assert_int_equal(mw_rc_debian_dsn(&ph, &d), 0);
	assert_int_equal(d.type, RC_DB_SQLITE);
	assert_string_equal(d.path, "/var/lib/dbconfig-common/sqlite3/roundcube/roundcube");
	read_get("$dbuser='rc'; $dbpass='x@y'; $dbname='rcmail'; $dbserver='db'; "
		 "$dbport='3306'; $dbtype='mysql';", "dbtype");
	assert_int_equal(mw_rc_debian_dsn(&ph, &d), 0);
	assert_int_equal(d.type, RC_DB_MYSQL);
	assert_string_equal(d.user, "rc");
	assert_string_equal(d.host, "db:3306");
	assert_string_equal(d.db, "rcmail");
	mw_rc_dsn_describe(&d, desc, sizeof(desc));
	assert_string_equal(desc, "mysql://rc@db:3306/rcmail");
	/* bookworm: the variables, then the composer's own assignments */
	read_get("$dbuser='rc'; $dbpass='x'; $dbname='rc'; $dbserver=''; $dbport='3306'; "
		 "$dbtype='mysql';", "dbtype");
	mw_rc_php_read(&ph, composer, strlen(composer));
	assert_int_equal(mw_rc_debian_dsn(&ph, &d), 0);
	assert_string_equal(d.host, "localhost:3306");
	memset(&ph, 0, sizeof(ph));
	assert_int_equal(mw_rc_debian_dsn(&ph, &d), -1);
}

static void test_dsn(void **state)
{
	struct rc_dsn d;
	char desc[2048];

	(void)state;
	assert_int_equal(mw_rc_dsn_parse("sqlite:////var/lib/rc/db.sqlite?mode=0640", &d), 0);
	assert_string_equal(d.path, "/var/lib/rc/db.sqlite");
	mw_rc_dsn_describe(&d, desc, sizeof(desc));
	assert_string_equal(desc, "sqlite:/var/lib/rc/db.sqlite");
	/* relative to Roundcube's directory: not taken */
	assert_int_equal(mw_rc_dsn_parse("sqlite:///db.sqlite", &d), -1);
	/* the password (with an '@' in it) never kept */
	assert_int_equal(mw_rc_dsn_parse("pgsql://rc:p@ss@127.0.0.1/roundcube?sslmode=x", &d), 0);
	assert_int_equal(d.type, RC_DB_PGSQL);
	mw_rc_dsn_describe(&d, desc, sizeof(desc));
	assert_string_equal(desc, "pgsql://rc@127.0.0.1/roundcube");
	assert_null(strstr(desc, "ss@"));
	assert_int_equal(mw_rc_dsn_parse("sqlsrv://u:p@h/db", &d), 0);
	assert_int_equal(d.type, RC_DB_OTHER);
	assert_int_equal(mw_rc_dsn_parse("mysql:/h/db", &d), -1);
	assert_int_equal(mw_rc_dsn_parse("mysql://nohostdb", &d), -1);
}

static int is_user(const char *vars, const char *user)
{
	return mw_rc_session_is_user(vars, strlen(vars), user);
}

static void test_sessions(void **state)
{
	static const char info[] =
		"language|s:5:\"en_US\";browser|a:2:{s:3:\"ver\";d:1.5;s:2:\"ok\";b:1;}"
		"user_id|i:3;username|s:16:\"info@example.org\";storage_host|s:9:\"localhost\";"
		"o|O:8:\"stdClass\":1:{s:1:\"a\";N;}";
	/* base64 of: username|s:16:"info@example.org";x|i:-1; */
	static const char info64[] = "dXNlcm5hbWV8czoxNjoiaW5mb0BleGFtcGxlLm9yZyI7eHxpOi0xOw==";

	(void)state;
	assert_int_equal(is_user(info, "info@example.org"), 1);
	assert_int_equal(is_user(info, "INFO@example.org"), 1);
	assert_int_equal(is_user(info64, "info@example.org"), 1);
	assert_int_equal(is_user(info, "info@example.or"), 0);
	assert_int_equal(is_user(info, "nfo@example.org"), 0);
	/* the name inside another value, or nested: not the session's user */
	assert_int_equal(is_user("username|s:3:\"bob\";x|s:33:\"username|s:16:\"info@example.org\";\";",
				 "info@example.org"), 0);
	assert_int_equal(is_user("a|a:1:{s:8:\"username\";s:16:\"info@example.org\";}", "info@example.org"),
			 0);
	assert_int_equal(is_user("xusername|s:16:\"info@example.org\";", "info@example.org"), 0);
	/* an empty session, a logged-out one */
	assert_int_equal(is_user("", "info@example.org"), 0);
	assert_int_equal(is_user("language|s:5:\"en_US\";", "info@example.org"), 0);
	/* not PHP's serialization: nothing assumed */
	assert_int_equal(is_user("username|s:99:\"info@example.org\";", "info@example.org"), -1);
	assert_int_equal(is_user("username|s:16:\"info@example.org\"", "info@example.org"), -1);
	assert_int_equal(is_user("a|a:9999999999:{", "info@example.org"), -1);
	assert_int_equal(is_user("garbage without bar", "info@example.org"), -1);
}

static void test_nesting_cap(void **state)
{
	struct mw_buf b;
	int i;

	(void)state;
	mw_buf_init(&b, 1u << 16);
	assert_int_equal(mw_buf_puts(&b, "x|"), MW_OK);
	for (i = 0; i < 200; i++)
		assert_int_equal(mw_buf_puts(&b, "a:1:{i:0;"), MW_OK);
	assert_int_equal(mw_buf_puts(&b, "N;"), MW_OK);
	for (i = 0; i < 200; i++)
		assert_int_equal(mw_buf_putc(&b, '}'), MW_OK);
	assert_int_equal(mw_rc_session_is_user(b.data, b.len, "u"), -1);
	mw_buf_free(&b);
}

static void test_manual_sql(void **state)
{
	struct mw_buf b;

	(void)state;
	mw_buf_init(&b, 8192);
	assert_int_equal(mw_rc_manual_sql(RC_DB_MYSQL, "rc_", "Info_x@example.org", &b), 0);
	assert_string_equal(mw_buf_str(&b),
		"DELETE FROM `rc_session` WHERE "
		"LOWER(CONVERT(FROM_BASE64(vars) USING utf8mb4)) LIKE 'username|s:18:\"info!_x@example.org\";%' ESCAPE '!' OR "
		"LOWER(CONVERT(FROM_BASE64(vars) USING utf8mb4)) LIKE '%;username|s:18:\"info!_x@example.org\";%' ESCAPE '!' OR "
		"LOWER(CONVERT(FROM_BASE64(vars) USING utf8mb4)) LIKE '%}username|s:18:\"info!_x@example.org\";%' ESCAPE '!';");
	b.len = 0;
	assert_int_equal(mw_rc_manual_sql(RC_DB_PGSQL, "", "bob", &b), 0);
	assert_string_equal(mw_buf_str(&b),
		"DELETE FROM \"session\" WHERE "
		"lower(encode(decode(vars, 'base64'), 'escape')) LIKE 'username|s:3:\"bob\";%' ESCAPE '!' OR "
		"lower(encode(decode(vars, 'base64'), 'escape')) LIKE '%;username|s:3:\"bob\";%' ESCAPE '!' OR "
		"lower(encode(decode(vars, 'base64'), 'escape')) LIKE '%}username|s:3:\"bob\";%' ESCAPE '!';");
	b.len = 0;
	assert_int_equal(mw_rc_manual_sql(RC_DB_MYSQL, "x`; DROP", "bob", &b), -1);
	assert_int_equal(mw_rc_manual_sql(RC_DB_MYSQL, "", "bo'b", &b), -1);
	assert_int_equal(mw_rc_manual_sql(RC_DB_SQLITE, "", "bob", &b), -1);
	assert_int_equal(mw_rc_prefix_ok("rc_1"), 1);
	assert_int_equal(mw_rc_prefix_ok("rc-1"), 0);
	mw_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_php_forms),
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_dsn),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_nesting_cap),
		cmocka_unit_test(test_manual_sql),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
