#include "tests/unit/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/cmdline.h"
#include "core/config.h"
#include "core/db.h"
#include "core/escape.h"
#include "core/excerpt.h"
#include "core/hostaddr.h"
#include "core/safefile.h"
#include "core/spawn.h"
#include "core/strlist.h"

static void test_escape_controls(void **state)
{
	(void)state;
	const char in[] = "a\nb\tc\x1b[2J\\d\x7f";
	char *s = mw_escape_dup(in, sizeof(in) - 1);

	assert_string_equal(s, "a\\nb\\tc\\x1b[2J\\\\d\\x7f");
	free(s);
}

static void test_escape_utf8(void **state)
{
	(void)state;
	/* valid UTF-8 kept; invalid byte, overlong form, C1 control and a
	 * bidi override escaped */
	const char in[] = "\xc3\xa9t\xc3\xa9 \xff \xc0\xaf \xc2\x9b \xe2\x80\xae";
	char *s = mw_escape_dup(in, sizeof(in) - 1);

	assert_string_equal(s, "\xc3\xa9t\xc3\xa9 \\xff \\xc0\\xaf \\xc2\\x9b \\xe2\\x80\\xae");
	free(s);
}

static void test_escape_nul_and_truncated_seq(void **state)
{
	(void)state;
	char *s = mw_escape_dup("x\0y\xe2\x82", 5);

	assert_string_equal(s, "x\\x00y\\xe2\\x82");
	free(s);
}

static void test_excerpt_long_line(void **state)
{
	(void)state;
	char line[1000];
	char *e;

	memset(line, 'A', sizeof(line));
	memcpy(line + 600, "mail(", 5);
	e = mw_excerpt(line, sizeof(line), 600, 40);
	assert_non_null(e);
	assert_non_null(strstr(e, "mail("));
	/* two ellipses (3 bytes each) + at most 40 chars */
	assert_true(strlen(e) <= 46);
	free(e);
	e = mw_excerpt("  first\n\tsecond line\r\nthird", 27, 10, 160);
	assert_string_equal(e, "second line");
	free(e);
	/* raw: the report escapes, so a backslash stays single here */
	e = mw_excerpt("a\\b\0c", 5, 0, 160);
	assert_string_equal(e, "a\\b c");
	free(e);
}

static void test_buf_cap(void **state)
{
	(void)state;
	struct mw_buf b;

	mw_buf_init(&b, 10);
	assert_int_equal(mw_buf_puts(&b, "0123456789"), MW_OK);
	assert_int_equal(mw_buf_putc(&b, 'x'), MW_ERR_TOOBIG);
	assert_int_equal(b.len, 10);
	assert_string_equal(mw_buf_str(&b), "0123456789");
	mw_buf_reset(&b);
	assert_int_equal(mw_buf_printf(&b, "%d-%s", 42, "ok"), MW_OK);
	assert_string_equal(mw_buf_str(&b), "42-ok");
	assert_int_equal(mw_buf_printf(&b, "%s", "too long!!"), MW_ERR_TOOBIG);
	mw_buf_free(&b);
	/* room reserved, nothing appended (an empty file read): still "" */
	mw_buf_init(&b, 100);
	assert_int_equal(mw_buf_reserve(&b, 50), MW_OK);
	assert_string_equal(mw_buf_str(&b), "");
	mw_buf_free(&b);
}

static void test_safefile_refuses_symlink(void **state)
{
	(void)state;
	char *d = make_tmpdir(), p[512], l[512];
	struct mw_buf b;
	int fd = -1, tr;

	snprintf(p, sizeof(p), "%s/real", d);
	snprintf(l, sizeof(l), "%s/link", d);
	write_file(p, "secret", 6);
	assert_int_equal(symlink("/etc/shadow", l), 0);
	assert_int_equal(mw_open_regular_at(AT_FDCWD, l, &fd, NULL), MW_ERR_SYMLINK);
	mw_buf_init(&b, 100);
	assert_int_equal(mw_read_file_at(AT_FDCWD, l, &b, 100, &tr, NULL), MW_ERR_SYMLINK);
	assert_int_equal(b.len, 0);
	assert_int_equal(mw_read_file_at(AT_FDCWD, p, &b, 100, &tr, NULL), MW_OK);
	assert_string_equal(mw_buf_str(&b), "secret");
	mw_buf_free(&b);
	rm_rf(d);
	free(d);
}

static void test_safefile_fifo_not_opened_blocking(void **state)
{
	(void)state;
	char *d = make_tmpdir(), p[512];
	int fd = -1;

	snprintf(p, sizeof(p), "%s/fifo", d);
	assert_int_equal(mkfifo(p, 0600), 0);
	/* Must return at once with "not a regular file", not hang. */
	assert_int_equal(mw_open_regular_at(AT_FDCWD, p, &fd, NULL), MW_ERR_NOTREG);
	assert_int_equal(mw_open_regular_at(AT_FDCWD, d, &fd, NULL), MW_ERR_NOTREG);
	rm_rf(d);
	free(d);
}

static void test_capped_read(void **state)
{
	(void)state;
	char *d = make_tmpdir(), p[512];
	struct mw_buf b;
	int tr = -1;

	snprintf(p, sizeof(p), "%s/f", d);
	write_file(p, "0123456789", 10);
	mw_buf_init(&b, 1 << 20);
	assert_int_equal(mw_read_file_at(AT_FDCWD, p, &b, 4, &tr, NULL), MW_OK);
	assert_int_equal(b.len, 4);
	assert_int_equal(tr, 1);
	mw_buf_reset(&b);
	assert_int_equal(mw_read_file_at(AT_FDCWD, p, &b, 10, &tr, NULL), MW_OK);
	assert_int_equal(b.len, 10);
	assert_int_equal(tr, 0);
	mw_buf_free(&b);
	rm_rf(d);
	free(d);
}

static void test_open_beneath(void **state)
{
	(void)state;
	char *d = make_tmpdir(), p[512];
	int root, fd = -1;
	struct stat st;

	snprintf(p, sizeof(p), "%s/etc", d);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/aliases", d);
	write_file(p, "root: a@b\n", 10);
	snprintf(p, sizeof(p), "%s/home", d);
	assert_int_equal(symlink("/etc", p), 0);
	root = open(d, O_RDONLY | O_DIRECTORY);
	assert_true(root >= 0);
	assert_int_equal(mw_open_beneath(root, "/etc/aliases", 0, &fd, &st), MW_OK);
	assert_int_equal(st.st_size, 10);
	close(fd);
	/* a symlinked directory component and ".." escapes are refused */
	assert_int_equal(mw_open_beneath(root, "/home/passwd", 0, &fd, NULL), MW_ERR_SYMLINK);
	assert_int_not_equal(mw_open_beneath(root, "../../etc/passwd", 0, &fd, NULL), MW_OK);
	assert_int_equal(mw_open_beneath(root, "/etc", 1, &fd, NULL), MW_OK);
	close(fd);
	close(root);
	rm_rf(d);
	free(d);
}

static void test_lines(void **state)
{
	(void)state;
	const char data[] = "one\r\ntwo\n\nthree-is-long\nlast";
	struct mw_lines it;
	const char *l;
	size_t n;
	int over;

	mw_lines_init(&it, data, sizeof(data) - 1, 5);
	assert_true(mw_lines_next(&it, &l, &n, &over));
	assert_int_equal(n, 3);
	assert_memory_equal(l, "one", 3);
	assert_true(mw_lines_next(&it, &l, &n, &over));
	assert_memory_equal(l, "two", 3);
	assert_true(mw_lines_next(&it, &l, &n, &over));
	assert_int_equal(n, 0);
	assert_true(mw_lines_next(&it, &l, &n, &over));
	assert_int_equal(n, 5);
	assert_true(over);
	assert_int_equal(it.lineno, 4);
	assert_true(mw_lines_next(&it, &l, &n, &over));
	assert_memory_equal(l, "last", 4);
	assert_false(over);
	assert_false(mw_lines_next(&it, &l, &n, &over));
}

static void test_config_ok(void **state)
{
	(void)state;
	struct mw_config c;
	char err[256] = "";

	assert_int_equal(mw_config_defaults(&c), MW_OK);
	assert_int_equal(mw_config_parse(&c, "t.conf",
		"# comment\n[general]\nlocal_domains = example.org, example.net\n"
		"[scan]\nmax_file_size = 2M\nquarantine_min_severity = medium\n"
		"cross_filesystems = yes\n[firewall]\nmode = allow-list\nports = 25 2525\n",
		err, sizeof(err)), MW_OK);
	assert_int_equal(c.local_domains.n, 2);
	assert_string_equal(c.local_domains.v[1], "example.net");
	assert_int_equal(c.max_file_size, 2u << 20);
	assert_int_equal(c.quarantine_min_severity, MW_SEV_MEDIUM);
	assert_int_equal(c.cross_filesystems, 1);
	assert_int_equal(c.fw_mode, MW_FW_ALLOW_LIST);
	assert_int_equal(c.fw_ports.n, 2);
	mw_config_free(&c);
	/* lists: first use replaces the default, repeats and continuations add */
	assert_int_equal(mw_config_defaults(&c), MW_OK);
	assert_int_equal(c.fw_ports.n, 3);
	assert_int_equal(mw_config_parse(&c, "t.conf",
		"[firewall]\nports = 25\n  2525\nports = 587\n", err, sizeof(err)), MW_OK);
	assert_int_equal(c.fw_ports.n, 3);
	assert_string_equal(c.fw_ports.v[0], "25");
	assert_string_equal(c.fw_ports.v[1], "2525");
	assert_string_equal(c.fw_ports.v[2], "587");
	mw_config_free(&c);
}

static void test_config_errors(void **state)
{
	(void)state;
	struct mw_config c;
	char err[256];

	assert_int_equal(mw_config_defaults(&c), MW_OK);
	assert_int_equal(mw_config_parse(&c, "t.conf", "[scan]\n\nthreads = 2\nbogus = 1\n",
					 err, sizeof(err)), MW_ERR_CONFIG);
	assert_string_equal(err, "t.conf: line 4: unknown key 'bogus' in section [scan]");
	assert_int_equal(mw_config_parse(&c, "t.conf", "[nope]\nx = 1\n", err, sizeof(err)),
			 MW_ERR_CONFIG);
	assert_string_equal(err, "t.conf: line 2: unknown section [nope] (key 'x')");
	assert_int_equal(mw_config_parse(&c, "t.conf", "[scan]\nthreads = -3\n", err, sizeof(err)),
			 MW_ERR_CONFIG);
	assert_string_equal(err, "t.conf: line 2: threads: not a valid number: '-3'");
	/* numbers are range-checked: a 0 ms timeout would never wait, days of
	 * one would stretch a probe past the nightly unit's timeout */
	assert_int_equal(mw_config_parse(&c, "t.conf", "[relay]\ntimeout_ms = 0\n", err,
					 sizeof(err)), MW_ERR_CONFIG);
	assert_string_equal(err, "t.conf: line 2: timeout_ms: '0' out of range (100..120000)");
	assert_int_equal(mw_config_parse(&c, "t.conf", "[relay]\ntimeout_ms = 999999999\n",
					 err, sizeof(err)), MW_ERR_CONFIG);
	assert_int_equal(mw_config_parse(&c, "t.conf", "[relay]\nprobe_deadline_s = 0\n",
					 err, sizeof(err)), MW_ERR_CONFIG);
	assert_string_equal(err, "t.conf: line 2: probe_deadline_s: '0' out of range (1..3600)");
	assert_int_equal(mw_config_parse(&c, "t.conf", "[relay]\nrun_deadline_s = 86401\n",
					 err, sizeof(err)), MW_ERR_CONFIG);
	assert_int_equal(mw_config_parse(&c, "t.conf", "[relay]\nprobe_deadline_s = 2\n"
					 "run_deadline_s = 10\n", err, sizeof(err)), MW_OK);
	assert_int_equal(c.relay_probe_deadline_s, 2);
	assert_int_equal(c.relay_run_deadline_s, 10);
	assert_int_equal(mw_config_parse(&c, "t.conf", "[dnsbl]\ntries = 0\n", err,
					 sizeof(err)), MW_ERR_CONFIG);
	assert_int_equal(mw_config_parse(&c, "t.conf", "[scan]\nthreads = 5000\n", err,
					 sizeof(err)), MW_ERR_CONFIG);
	assert_int_equal(mw_config_parse(&c, "t.conf", "[scan]\nmax_file_size = 1\n", err,
					 sizeof(err)), MW_ERR_CONFIG);
	assert_string_equal(err, "t.conf: line 2: max_file_size: '1' out of range "
			    "(1024..1073741824 bytes)");
	assert_int_equal(mw_config_parse(&c, "t.conf", "[relay]\ntimeout_ms = 3000\n", err,
					 sizeof(err)), MW_OK);
	assert_int_equal(mw_config_parse(&c, "t.conf", "[scan]\nthis is not ini\n", err, sizeof(err)),
			 MW_ERR_CONFIG);
	assert_non_null(strstr(err, "t.conf: line 2: syntax error"));
	{
		char longline[400];

		snprintf(longline, sizeof(longline), "[general]\nlocal_domains = %0300d\n", 0);
		assert_int_equal(mw_config_parse(&c, "t.conf", longline, err, sizeof(err)),
				 MW_ERR_CONFIG);
		assert_non_null(strstr(err, "t.conf: line 2: longer than 199 characters"));
	}
	mw_config_free(&c);
}

static void test_config_file_checks(void **state)
{
	(void)state;
	char *d = make_tmpdir(), p[512], l[512], err[512];
	struct mw_config c;

	snprintf(p, sizeof(p), "%s/c.conf", d);
	write_file(p, "[scan]\nthreads = 3\n", 19);
	chmod(p, 0600);
	assert_int_equal(mw_config_defaults(&c), MW_OK);
	assert_int_equal(mw_config_load(&c, p, err, sizeof(err)), MW_OK);
	assert_int_equal(c.threads, 3);
	chmod(p, 0666);
	assert_int_equal(mw_config_load(&c, p, err, sizeof(err)), MW_ERR_CONFIG);
	assert_non_null(strstr(err, "world-writable"));
	snprintf(l, sizeof(l), "%s/link.conf", d);
	assert_int_equal(symlink(p, l), 0);
	assert_int_equal(mw_config_load(&c, l, err, sizeof(err)), MW_ERR_CONFIG);
	assert_non_null(strstr(err, "symbolic link"));
	snprintf(p, sizeof(p), "%s/missing.conf", d);
	assert_int_equal(mw_config_load(&c, p, err, sizeof(err)), MW_ERR_CONFIG);
	mw_config_free(&c);
	rm_rf(d);
	free(d);
}

static void test_strlist_words(void **state)
{
	(void)state;
	struct mw_strlist l = { 0 };

	assert_int_equal(mw_strlist_add_words(&l, " a,b  c,,\td "), MW_OK);
	assert_int_equal(l.n, 4);
	assert_true(mw_strlist_contains(&l, "C", 1));
	assert_false(mw_strlist_contains(&l, "C", 0));
	mw_strlist_clear(&l);
}

/* The describe appenders: unset options write nothing, operands have no
 * flag, lists repeat their flag. */
static void test_cmdline(void **state)
{
	struct mw_buf b = { 0 };
	struct mw_strlist l = { 0 };
	const char *const logs[] = { "/var/log/a", "/var/log/b" };
	struct mw_cmdline c;

	(void)state;
	mw_buf_init(&b, 4096);
	assert_int_equal(mw_strlist_add(&l, "192.0.2.1"), MW_OK);
	assert_int_equal(mw_strlist_add(&l, "2001:db8::1"), MW_OK);
	mw_cmdline_start(&c, &b, "dnsbl");
	mw_cmdline_flag(&c, "--off", 0);
	mw_cmdline_flag(&c, "--on", 1);
	mw_cmdline_str(&c, "--unset", NULL);
	mw_cmdline_str(&c, "--resolver", "127.0.0.1:5353");
	mw_cmdline_num(&c, "--zero", 0);
	mw_cmdline_num(&c, "--timeout", 1500);
	mw_cmdline_list(&c, "--ip", &l);
	mw_cmdline_strs(&c, "--log", logs, 2);
	mw_cmdline_fmt(&c, " --uid %ld", 0L);
	mw_cmdline_str(&c, NULL, "zone.example");
	assert_int_equal(c.err, MW_OK);
	assert_string_equal(mw_buf_str(&b),
			    "dnsbl --on --resolver 127.0.0.1:5353 --timeout 1500"
			    " --ip 192.0.2.1 --ip 2001:db8::1 --log /var/log/a --log /var/log/b"
			    " --uid 0 zone.example");
	mw_buf_free(&b);
	/* the first error is kept and stops every later append, even one
	 * that would fit */
	mw_buf_init(&b, 10);
	mw_cmdline_start(&c, &b, "dnsbl");
	mw_cmdline_str(&c, "--resolver", "x");
	mw_cmdline_flag(&c, "--a", 1);
	assert_int_equal(c.err, MW_ERR_TOOBIG);
	assert_string_equal(mw_buf_str(&b), "dnsbl");
	mw_strlist_clear(&l);
	mw_buf_free(&b);
}

/* mw_db_open: created 0600 whatever the umask, never through a link,
 * read-only refuses writes. */
static void test_db_open(void **state)
{
	char *d = make_tmpdir(), p[512], l[512], err[512];
	sqlite3 *db;
	struct stat st;
	mode_t old;

	(void)state;
	snprintf(p, sizeof(p), "%s/state.db", d);
	snprintf(l, sizeof(l), "%s/link.db", d);
	old = umask(0);
	assert_int_equal(mw_db_open(p, MW_DB_CREATE, 100, &db, err, sizeof(err)), MW_OK);
	umask(old);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* a link is refused, created or not */
	assert_int_equal(symlink(p, l), 0);
	assert_int_equal(mw_db_open(l, MW_DB_CREATE, 0, &db, err, sizeof(err)), MW_ERR_IO);
	assert_null(db);
	assert_non_null(strstr(err, "link.db"));
	assert_int_equal(mw_db_open(l, 0, 0, &db, err, sizeof(err)), MW_ERR_IO);
	assert_null(db);
	/* read-only: reads work, writes do not */
	assert_int_equal(mw_db_open(p, MW_DB_READONLY, 0, &db, NULL, 0), MW_OK);
	assert_int_equal(sqlite3_exec(db, "SELECT * FROM t", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO t VALUES (1)", NULL, NULL, NULL),
			     SQLITE_OK);
	sqlite3_close(db);
	rm_rf(d);
	free(d);
}

static void test_spawn(void **state)
{
	(void)state;
	const char *argv_cat[] = { "cat", NULL };
	const char *argv_sleep[] = { "sleep", "5", NULL };
	const char *argv_none[] = { "no-such-program-mw", NULL };
	struct mw_spawn_result res;
	struct mw_buf out;

	mw_buf_init(&out, 4);
	assert_int_equal(mw_spawn_capture(argv_cat, "hello", 5, &out, 4, NULL, 5000, &res), MW_OK);
	assert_true(res.exited);
	assert_int_equal(res.status, 0);
	assert_int_equal(out.len, 4);
	assert_true(res.truncated);
	mw_buf_reset(&out);
	assert_int_equal(mw_spawn_capture(argv_sleep, NULL, 0, &out, 4, NULL, 200, &res), MW_OK);
	assert_true(res.timed_out);
	assert_int_equal(mw_spawn_capture(argv_none, NULL, 0, &out, 4, NULL, 200, &res), MW_ERR_IO);
	assert_int_equal(errno, ENOENT);
	mw_buf_free(&out);
}

/* The kernel's own loopback address comes back, on a loopback interface,
 * with host scope; and the route source toward it is itself. */
static void on_host_addr(void *ud, const struct mw_hostaddr *a)
{
	int *seen = ud;

	if (a->ip.family == AF_INET && a->ip.a[0] == 127 && a->ip.a[3] == 1 &&
	    a->loopback_if && a->scope == 254 && a->ifname[0])
		*seen = 1;
}

static void test_host_addresses(void **state)
{
	struct mw_ip src;
	int seen = 0;

	(void)state;
	assert_int_equal(mw_host_addresses(on_host_addr, &seen), 0);
	assert_int_equal(seen, 1);
	assert_int_equal(mw_host_route_source(AF_INET, "127.0.0.1", &src), 0);
	assert_int_equal(src.family, AF_INET);
	assert_int_equal(src.a[0], 127);
	assert_int_equal(mw_host_route_source(AF_INET, "not-an-address", &src), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_host_addresses),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_escape_nul_and_truncated_seq),
		cmocka_unit_test(test_excerpt_long_line),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_safefile_refuses_symlink),
		cmocka_unit_test(test_safefile_fifo_not_opened_blocking),
		cmocka_unit_test(test_capped_read),
		cmocka_unit_test(test_open_beneath),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_config_ok),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_file_checks),
		cmocka_unit_test(test_strlist_words),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_db_open),
		cmocka_unit_test(test_spawn),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
