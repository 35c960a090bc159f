/* The recipients of the account's sent mail (scanner/account/sent.h). */
#include <fcntl.h>

#include "tests/unit/testutil.h"

#include "core/buf.h"
#include "core/safefile.h"
#include "scanner/account/sent.h"

/* A line as the readers hand it over: syslog, or an Exim main log line
 * whole with an empty ident. */
static void feed(struct acct_sent *s, const char *line, size_t n)
{
	static const struct ml_clock dec2026 = { 2026, 12, 0 };
	struct ml_syslog sl;
	struct ml_line l = { INT64_MIN, { "", 0 }, { "", 0 }, { line, n } };

	if (!mw_ml_looks_exim(line, n)) {
		assert_int_equal(mw_ml_parse_syslog(line, n, &dec2026, &sl), 0);
		l = (struct ml_line){ sl.time, sl.host, sl.ident, sl.msg };
	}
	mw_acct_sent_feed(s, &l);
}

static long long top(const json_t *j, size_t i, const char **domain)
{
	const json_t *e = json_array_get(json_object_get(j, "top"), i);

	assert_non_null(e);
	*domain = json_string_value(json_object_get(e, "domain"));
	return (long long)json_integer_value(json_object_get(e, "recipients"));
}

/*
 * The fixture: info's Postfix message to 2 gmail.com (one in upper case),
 * 1 yahoo.com deferred twice, 1 local alias (counted as addressed); its
 * second message (login in upper case) to gmail.com and a bounced mail.ru;
 * Exim: one message "for" outlook.com and gmail.com (deferred, listed
 * again), one to web.de that failed (main log form). Not counted: bob's
 * mail, mail to info, a login that only starts with info's name.
 */
static void test_fixture(void **state)
{
	static const struct { const char *domain; long long n; } want[] = {
		{ "gmail.com", 4 }, { "example.org", 1 }, { "mail.ru", 1 }, { "outlook.com", 1 },
		{ "web.de", 1 }, { "yahoo.com", 1 },
	};
	char path[4096];
	struct acct_sent s;
	struct mw_buf b;
	struct mw_lines it;
	const char *line, *d;
	size_t len, i;
	int ov;
	json_t *j;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/fixtures/account/sent.log", test_top());
	mw_buf_init(&b, 1u << 20);
	assert_int_equal(mw_read_file_at(AT_FDCWD, path, &b, 1u << 20, NULL, NULL), MW_OK);
	assert_int_equal(mw_acct_sent_init(&s, "info@example.org"), 0);
	mw_lines_init(&it, b.data, b.len, 4096);
	while (mw_lines_next(&it, &line, &len, &ov))
		feed(&s, line, len);
	j = mw_acct_sent_json(&s);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "messages")), 4);
	assert_int_equal(json_integer_value(json_object_get(j, "recipients")), 9);
	assert_int_equal(json_integer_value(json_object_get(j, "domains")), 6);
	assert_int_equal(json_integer_value(json_object_get(j, "dropped")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "top")), 6);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(top(j, i, &d), want[i].n);
		assert_string_equal(d, want[i].domain);
	}
	json_decref(j);
	mw_acct_sent_free(&s);
	mw_buf_free(&b);
}

/* 25 domains: the 20 largest are listed, the total has them all. */
static void test_top20(void **state)
{
	struct acct_sent s;
	char l[512];
	const char *d;
	int i, k;
	json_t *j;

	(void)state;
	assert_int_equal(mw_acct_sent_init(&s, "info@example.org"), 0);
	snprintf(l, sizeof(l), "Dec  6 10:00:01 mx postfix/smtpd[1]: AAAA1: client=x[192.0.2.1], "
		 "sasl_method=PLAIN, sasl_username=info@example.org");
	feed(&s, l, strlen(l));
	for (i = 0; i < 25; i++)
		for (k = 0; k <= i; k++) {
			snprintf(l, sizeof(l), "Dec  6 10:00:02 mx postfix/smtp[2]: AAAA1: to=<r%d@d%02d.example>, "
				 "relay=none, delay=1, dsn=4.4.1, status=deferred (timeout)", k, i);
			feed(&s, l, strlen(l));
		}
	j = mw_acct_sent_json(&s);
	assert_int_equal(json_integer_value(json_object_get(j, "recipients")), 25 * 26 / 2);
	assert_int_equal(json_integer_value(json_object_get(j, "messages")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "domains")), 25);
	assert_int_equal(json_array_size(json_object_get(j, "top")), ACCT_SENT_TOP);
	assert_int_equal(top(j, 0, &d), 25);
	assert_string_equal(d, "d24.example");
	assert_int_equal(top(j, 19, &d), 6);
	assert_string_equal(d, "d05.example");
	json_decref(j);
	mw_acct_sent_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_top20),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
