/* The login table of `mailwarden account` (scanner/account/logins.h). */
#include <fcntl.h>

#include "tests/unit/testutil.h"

#include "core/buf.h"
#include "core/safefile.h"
#include "scanner/account/logins.h"

static int feed_text(struct acct_logins *t, const char *line)
{
	static const struct ml_clock dec2026 = { 2026, 12, 0 };
	struct ml_syslog sl;
	struct ml_line l;

	if (mw_ml_parse_syslog(line, strlen(line), &dec2026, &sl) != 0)
		return -1;
	l.time = sl.time;
	l.host = sl.host;
	l.ident = sl.ident;
	l.msg = sl.msg;
	mw_acct_logins_feed(t, &l);
	return 0;
}

static const struct acct_addr *addr(const struct acct_logins *t, const char *ip)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->addrs[i].ip, ip) == 0)
			return &t->addrs[i];
	fail_msg("no address %s", ip);
	return NULL;
}

static void test_line_forms(void **state)
{
	struct acct_logins t;

	(void)state;
	mw_acct_logins_init(&t, "info@example.org");
	assert_int_equal(feed_text(&t, "Dec  1 00:00:01 mx dovecot: imap-login: Login: user=<info@example.org>, "
				   "method=PLAIN, rip=192.0.2.10, lip=192.0.2.1, mpid=1, session=<a>"), 0);
	/* Dovecot 2.3.20+ wording, and a block by the deny passdb */
	feed_text(&t, "Dec  1 00:00:02 mx dovecot: pop3-login: Login aborted: Connection closed "
		      "(auth failed, 2 attempts in 4 secs) (auth_failed): user=<info@example.org>, "
		      "rip=192.0.2.10, lip=192.0.2.1");
	feed_text(&t, "Dec  1 00:00:03 mx dovecot: imap-login: Disconnected: Connection closed "
		      "(user disabled): user=<info@example.org>, method=PLAIN, rip=192.0.2.10");
	/* not logins, or not this account */
	feed_text(&t, "Dec  1 00:00:04 mx dovecot: imap(info@example.org)<1><a>: Disconnected: Logged out");
	feed_text(&t, "Dec  1 00:00:05 mx dovecot: imap-login: Login: user=<info@example.org.evil>, rip=192.0.2.66");
	feed_text(&t, "Dec  1 00:00:06 mx dovecot: imap-login: Login: user=<info@example.org>, method=PLAIN");
	feed_text(&t, "Dec  1 00:00:07 mx notdovecot: imap-login: Login: user=<info@example.org>, rip=192.0.2.9");
	feed_text(&t, "Dec  1 00:00:08 mx dovecot: auth: Login: user=<info@example.org>, rip=192.0.2.9");
	/* a user name holding "> ," stays one name */
	feed_text(&t, "Dec  1 00:00:09 mx dovecot: imap-login: Login: user=<x>, rip=6.6.6.6, y@z>, rip=192.0.2.12");
	assert_int_equal(t.logins, 1);
	assert_int_equal(t.failures, 3);
	assert_int_equal(t.n, 1);
	assert_int_equal(addr(&t, "192.0.2.10")->protos, ACCT_IMAP | ACCT_POP3);
	mw_acct_logins_free(&t);
}

/* The fixture: 35 logins of info@example.org from 14 addresses in 12
 * networks (/24, /48, an IPv4-mapped address counted as IPv4), 5 failed
 * attempts that end in a login, and lines of other users around them. */
static void test_fixture_table(void **state)
{
	char path[4096];
	struct mw_buf b;
	struct mw_lines it;
	struct acct_logins t;
	const char *line;
	size_t len;
	int ov;
	static const struct { const char *ip, *net; unsigned long ok, failed; unsigned protos; } want[] = {
		{ "192.0.2.10", "192.0.2.0/24", 8, 0, ACCT_IMAP },
		{ "192.0.2.11", "192.0.2.0/24", 2, 0, ACCT_POP3 },
		{ "198.51.100.7", "198.51.100.0/24", 5, 0, ACCT_SMTP },
		{ "203.0.113.5", "203.0.113.0/24", 3, 0, ACCT_IMAP },
		{ "2001:db8:1:2::5", "2001:db8:1::/48", 2, 0, ACCT_IMAP },
		{ "2001:db8:1:ffff::9", "2001:db8:1::/48", 1, 0, ACCT_IMAP },
		{ "2001:db8:2::1", "2001:db8:2::/48", 1, 0, ACCT_SMTP },
		{ "100.64.1.1", "100.64.1.0/24", 2, 0, ACCT_IMAP },
		{ "100.64.2.2", "100.64.2.0/24", 2, 0, ACCT_IMAP },
		{ "10.0.0.3", "10.0.0.0/24", 1, 0, ACCT_SIEVE },
		{ "172.16.5.9", "172.16.5.0/24", 2, 0, ACCT_SMTP },
		{ "185.220.101.4", "185.220.101.0/24", 1, 5, ACCT_IMAP | ACCT_SMTP },
		{ "45.67.89.12", "45.67.89.0/24", 3, 0, ACCT_IMAP },
		{ "::ffff:93.184.216.34", "93.184.216.0/24", 2, 0, ACCT_IMAP },
	};
	size_t i;
	json_t *j;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/fixtures/account/logins.log", test_top());
	mw_buf_init(&b, 1u << 20);
	assert_int_equal(mw_read_file_at(AT_FDCWD, path, &b, 1u << 20, NULL, NULL), MW_OK);
	mw_acct_logins_init(&t, "info@example.org");
	mw_lines_init(&it, b.data, b.len, 4096);
	while (mw_lines_next(&it, &line, &len, &ov)) {
		char l[4096];

		memcpy(l, line, len);
		l[len] = '\0';
		assert_int_equal(feed_text(&t, l), 0);
	}
	assert_int_equal(t.logins, 35);
	assert_int_equal(t.failures, 5);
	assert_int_equal(t.sent, 7);
	assert_int_equal(mw_acct_logins_networks(&t), 12);
	assert_int_equal(mw_acct_logins_networks_window(&t), 12);
	assert_int_equal(t.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < t.n; i++) {
		const struct acct_addr *a = addr(&t, want[i].ip);

		assert_string_equal(a->net, want[i].net);
		assert_int_equal(a->logins, want[i].ok);
		assert_int_equal(a->failures, want[i].failed);
		assert_int_equal(a->protos, want[i].protos);
	}
	assert_int_equal(t.stuffing_failures, 5);
	assert_string_equal(t.stuffing_ip, "185.220.101.4");
	j = mw_acct_logins_json(&t);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "addresses")), 14);
	assert_int_equal(json_array_size(json_object_get(j, "network_list")), 12);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(j, "addresses"), 0), "ip")), "192.0.2.10");
	json_decref(j);
	mw_acct_logins_free(&t);
	mw_buf_free(&b);
}

static void on_line(void *arg, const struct ml_line *l)
{
	mw_acct_logins_feed(arg, l);
}

/* Exim, through the logs readers as `account` gets its lines: main log
 * lines (with and without a zone) and syslog ones of ident exim/exim4;
 * "<=" with A=name:user is a login that sent, "authenticator failed ...
 * (set_id=user)" a failure; a helo literal is not the client's address. */
static void test_exim_lines(void **state)
{
	static const struct ml_clock utc = { 2026, 12, 0 };
	struct ml_agg_opts o = { .since = INT64_MIN, .until = INT64_MAX, .on_line = on_line };
	struct ml_agg *ag;
	char path[4096];
	struct mw_buf b;
	struct mw_lines it;
	struct acct_logins t;
	const struct acct_addr *a;
	const char *line;
	size_t len;
	unsigned long no = 0;
	int ov;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/fixtures/account/exim-mainlog", test_top());
	mw_buf_init(&b, 1u << 20);
	assert_int_equal(mw_read_file_at(AT_FDCWD, path, &b, 1u << 20, NULL, NULL), MW_OK);
	mw_acct_logins_init(&t, "info@example.org");
	o.on_line_arg = &t;
	ag = mw_ml_agg_new(&o);
	assert_non_null(ag);
	mw_lines_init(&it, b.data, b.len, 4096);
	while (mw_lines_next(&it, &line, &len, &ov))
		mw_ml_agg_text_line(ag, line, len, ov, &utc, ++no);
	assert_int_equal(t.logins, 5);
	assert_int_equal(t.failures, 3);
	assert_int_equal(t.sent, 5);
	assert_int_equal(t.n, 4);
	assert_int_equal(mw_acct_logins_networks(&t), 4);
	a = addr(&t, "192.0.2.10");
	assert_int_equal(a->logins, 2);
	assert_int_equal(a->failures, 0);
	assert_int_equal(a->protos, ACCT_SMTP);
	assert_int_equal(a->first, mw_ml_civil_to_epoch(2026, 12, 1, 8, 0, 1));
	assert_int_equal(a->last, mw_ml_civil_to_epoch(2026, 12, 1, 8, 5, 0));
	a = addr(&t, "185.220.101.4");
	assert_int_equal(a->logins, 1);
	assert_int_equal(a->failures, 2);
	assert_int_equal(addr(&t, "2001:db8:7::5")->first, mw_ml_civil_to_epoch(2026, 12, 1, 10, 0, 0));
	assert_string_equal(addr(&t, "2001:db8:7::5")->net, "2001:db8:7::/48");
	a = addr(&t, "203.0.113.8");
	assert_int_equal(a->logins, 1);
	assert_int_equal(a->failures, 1);
	assert_int_equal(t.dropped, 0);
	mw_ml_agg_free(ag);
	mw_acct_logins_free(&t);
	mw_buf_free(&b);
}

/* Past ACCT_MAX_ADDRS addresses the rest is counted as dropped. */
static void test_address_cap(void **state)
{
	struct acct_logins t;
	char l[256];
	unsigned i;

	(void)state;
	mw_acct_logins_init(&t, "u");
	for (i = 0; i < ACCT_MAX_ADDRS + 10; i++) {
		snprintf(l, sizeof(l), "Dec  1 00:00:01 mx dovecot: imap-login: Login: user=<u>, "
			 "rip=10.%u.%u.1, lip=x", (i >> 8) & 255, i & 255);
		feed_text(&t, l);
	}
	assert_int_equal(t.n, ACCT_MAX_ADDRS);
	assert_int_equal(t.dropped, 10);
	assert_int_equal(t.logins, ACCT_MAX_ADDRS);
	mw_acct_logins_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_forms),
		cmocka_unit_test(test_fixture_table),
		cmocka_unit_test(test_exim_lines),
		cmocka_unit_test(test_address_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
