/*
 * sysconf's runner of the MTAs' printers (mtakv.h, mta.h): one start per
 * command line and process, what a change must forget, the one error
 * wording, and an edit with the real postconf followed by a read that
 * must see the new value.
 */
#include "tests/unit/testutil.h"

#include <sys/stat.h>
#include <sys/time.h>

#include "core/spawn.h"
#include "sysconf/mta.h"

/* argv of a shell printing file: a "printer" whose answer the test changes. */
#define CAT(file) { "/bin/sh", "-c", "cat \"$0\"", file, NULL }

static char *capture(const char *const argv[], enum mw_err want)
{
	struct mw_buf out;
	char err[300];
	char *s;

	assert_int_equal(mw_kv_capture(argv, &out, err, sizeof(err)), want);
	s = strdup(mw_buf_str(&out));
	mw_buf_free(&out);
	return s;
}

static void test_memo_hits_and_forget(void **state)
{
	char *dir = make_tmpdir(), path[512], *s;
	unsigned long n0;
	(void)state;

	snprintf(path, sizeof(path), "%s/answer", dir);
	const char *argv[] = CAT(path);
	const char *other[] = { "/bin/sh", "-c", "cat \"$0\"", path, "x", NULL };

	mw_kv_forget();
	write_file(path, "a = 1\n", 6);
	n0 = mw_kv_starts();
	s = capture(argv, MW_OK);
	assert_string_equal(s, "a = 1\n");
	free(s);
	assert_int_equal(mw_kv_starts(), n0 + 1);

	/* the configuration changes behind the memo's back: still the old
	 * answer, and no new start (this is what mw_kv_forget() is for) */
	write_file(path, "a = 2\n", 6);
	s = capture(argv, MW_OK);
	assert_string_equal(s, "a = 1\n");
	free(s);
	assert_int_equal(mw_kv_starts(), n0 + 1);

	/* another command line (one more word) is another answer */
	s = capture(other, MW_OK);
	assert_string_equal(s, "a = 2\n");
	free(s);
	assert_int_equal(mw_kv_starts(), n0 + 2);

	mw_kv_forget();
	s = capture(argv, MW_OK);
	assert_string_equal(s, "a = 2\n");
	free(s);
	assert_int_equal(mw_kv_starts(), n0 + 3);
	mw_kv_forget();
	rm_rf(dir);
	free(dir);
}

static void test_failure_wording_and_fresh(void **state)
{
	const char *argv[] = { "/bin/sh", "-c", "echo partial; echo 'no such thing' >&2; "
			       "echo more >&2; exit 3", NULL };
	const char *none[] = { "/nonexistent/postconf", "-n", NULL };
	struct mw_buf out;
	char err[300];
	unsigned long n0;
	(void)state;

	mw_kv_forget();
	n0 = mw_kv_starts();
	/* a failure is an answer too: kept, stdout and reason alike */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(mw_kv_capture(argv, &out, err, sizeof(err)), MW_ERR_CONFIG);
		assert_string_equal(err, "/bin/sh failed with status 3: no such thing");
		assert_string_equal(mw_buf_str(&out), "partial\n");
		mw_buf_free(&out);
	}
	assert_int_equal(mw_kv_starts(), n0 + 1);

	/* checkers and editors run every time */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(mw_kv_capture_fresh(argv, &out, err, sizeof(err)),
				 MW_ERR_CONFIG);
		mw_buf_free(&out);
	}
	assert_int_equal(mw_kv_starts(), n0 + 3);

	assert_int_equal(mw_kv_capture(none, &out, err, sizeof(err)), MW_ERR_IO);
	assert_string_equal(err, "cannot run /nonexistent/postconf");
	mw_buf_free(&out);
	mw_kv_forget();
}

static void test_command_lines(void **state)
{
	const char *many[80];
	struct mw_kvlist kv = { 0 };
	char err[300], buf[64];
	size_t i;
	(void)state;

	for (i = 0; i < 79; i++)
		many[i] = "-x";
	many[79] = NULL;
	assert_int_equal(mw_postconf_kv(NULL, many, &kv, err, sizeof(err)), MW_ERR_TOOBIG);
	assert_string_equal(err, "too many arguments");
	mw_kv_free(&kv);
	/* --exim wins, whether or not it exists */
	assert_string_equal(mw_exim_program("/opt/exim/bin/exim", buf, sizeof(buf)),
			    "/opt/exim/bin/exim");
}

/* Make path ten seconds old: postconf waits for a main.cf younger than a
 * second to settle, which would only slow the test down. */
static void age(const char *path)
{
	struct timeval tv[2];

	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= 10;
	tv[1] = tv[0];
	assert_int_equal(utimes(path, tv), 0);
}

static void write_old(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
	age(path);
}

/* harden --apply followed by a check in the same process: the edit drops
 * the memo, so the read after it sees the new value. */
static void test_postconf_edit_then_read(void **state)
{
	static const char *const n[] = { "-n", NULL }, *const x[] = { "-x", NULL };
	const char *set[] = { "smtpd_data_restrictions = check_policy_service unix:private/p",
			      NULL };
	char *dir, path[512], err[300], prog[512];
	struct mw_kvlist kv = { 0 };
	unsigned long n0;
	(void)state;

	if (mw_find_program("postconf", prog, sizeof(prog)) != 0) {
		skip();
		return;
	}
	dir = make_tmpdir();
	snprintf(path, sizeof(path), "%s/main.cf", dir);
	write_old(path, "myhostname = mail.example.org\ncompatibility_level = 3.6\n");
	snprintf(path, sizeof(path), "%s/master.cf", dir);
	write_old(path, "");
	mw_kv_forget();
	n0 = mw_kv_starts();

	assert_int_equal(mw_postconf_kv(dir, n, &kv, err, sizeof(err)), MW_OK);
	assert_null(mw_kv_get(&kv, "smtpd_data_restrictions"));
	mw_kv_free(&kv);
	assert_int_equal(mw_postconf_kv(dir, x, &kv, err, sizeof(err)), MW_OK);
	assert_string_equal(mw_kv_get(&kv, "myhostname"), "mail.example.org");
	assert_string_equal(mw_kv_get(&kv, "mydomain"), "example.org");
	mw_kv_free(&kv);
	/* asked again: from memory */
	assert_int_equal(mw_postconf_kv(dir, n, &kv, err, sizeof(err)), MW_OK);
	mw_kv_free(&kv);
	assert_int_equal(mw_kv_starts(), n0 + 2);

	assert_int_equal(mw_postconf_edit(dir, set, err, sizeof(err)), MW_OK);
	snprintf(path, sizeof(path), "%s/main.cf", dir);
	age(path);
	assert_int_equal(mw_postconf_kv(dir, n, &kv, err, sizeof(err)), MW_OK);
	assert_string_equal(mw_kv_get(&kv, "smtpd_data_restrictions"),
			    "check_policy_service unix:private/p");
	mw_kv_free(&kv);
	assert_int_equal(mw_kv_starts(), n0 + 4);

	/* and a postconf that fails says so in the one wording */
	snprintf(path, sizeof(path), "%s/nowhere", dir);
	assert_int_equal(mw_postconf_kv(path, n, &kv, err, sizeof(err)), MW_ERR_CONFIG);
	assert_int_equal(strncmp(err, "postconf failed with status 1: postconf: fatal: ", 48), 0);
	mw_kv_free(&kv);
	mw_kv_forget();
	rm_rf(dir);
	free(dir);
}

static void test_maincf(void **state)
{
	const char text[] = "# c\n"
			    "myhostname = mail.example.com\n"
			    "mydestination = $myhostname,\n"
			    "    localhost\n"
			    "  # a comment inside an entry\n"
			    "\n"
			    "\tlocalhost.localdomain\n"
			    "bad line\n"
			    "bad name = x\n"
			    "myhostname=other.example\n"
			    "empty =";
	struct mw_kvlist kv = { 0 };
	(void)state;

	assert_int_equal(mw_kv_parse_maincf(text, sizeof(text) - 1, &kv), MW_OK);
	assert_int_equal(kv.bad_lines, 2);
	assert_int_equal(kv.n, 4);
	assert_string_equal(mw_kv_get(&kv, "myhostname"), "other.example");
	assert_string_equal(mw_kv_get(&kv, "mydestination"),
			    "$myhostname, localhost localhost.localdomain");
	assert_int_equal(kv.v[1].line, 3);
	assert_int_equal(kv.v[3].line, 11);
	assert_string_equal(mw_kv_get(&kv, "empty"), "");
	assert_null(mw_kv_get(&kv, "nothing"));
	mw_kv_free(&kv);

	/* a continuation before any entry is not an entry */
	assert_int_equal(mw_kv_parse_maincf("  a = b\n", 8, &kv), MW_OK);
	assert_int_equal(kv.n, 0);
	assert_int_equal(kv.bad_lines, 1);
	mw_kv_free(&kv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memo_hits_and_forget),
		cmocka_unit_test(test_failure_wording_and_fresh),
		cmocka_unit_test(test_command_lines),
		cmocka_unit_test(test_postconf_edit_then_read),
		cmocka_unit_test(test_maincf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
