/* `mailwarden logs`: capped tables, blocklist replies, --since values, the
 * aggregator's joins and findings on a few lines. */
#include "tests/unit/testutil.h"

#include <fcntl.h>
#include <limits.h>
#include <time.h>

#include "core/config.h"
#include "reports/report.h"
#include "scanner/maillog/maillog.h"
#include "scanner/maillog/table.h"
#include "sysconf/fpm.h"

static void test_table_find_del(void **state)
{
	struct ml_tab t;
	char k[32];
	int i;

	(void)state;
	mw_ml_tab_init(&t, sizeof(struct ml_rec), 1000, 0, NULL);
	for (i = 0; i < 1000; i++) {
		struct ml_rec *r;

		snprintf(k, sizeof(k), "Q%05d", i);
		r = mw_ml_tab_get(&t, k, strlen(k));
		assert_non_null(r);
		r->count = (uint64_t)i;
	}
	/* Full and not pruning: no new key. */
	assert_null(mw_ml_tab_get(&t, "new", 3));
	for (i = 0; i < 1000; i += 2) {
		snprintf(k, sizeof(k), "Q%05d", i);
		mw_ml_tab_del(&t, mw_ml_tab_find(&t, k, strlen(k)));
	}
	assert_int_equal(t.n, 500);
	for (i = 0; i < 1000; i++) {
		struct ml_rec *r;

		snprintf(k, sizeof(k), "Q%05d", i);
		r = mw_ml_tab_find(&t, k, strlen(k));
		if (i % 2)
			assert_true(r && r->count == (uint64_t)i);
		else
			assert_null(r);
	}
	mw_ml_tab_free(&t);
}

static void test_table_prune_keeps_heavy(void **state)
{
	struct ml_tab t;
	struct ml_rec *heavy, **v;
	char k[32];
	size_t n;
	int i;

	(void)state;
	mw_ml_tab_init(&t, sizeof(struct ml_rec), 100, 1, NULL);
	heavy = mw_ml_tab_get(&t, "spammer@x", 9);
	heavy->count = 50;
	for (i = 0; i < 10000; i++) {
		struct ml_rec *r;

		snprintf(k, sizeof(k), "once%d@x", i);
		r = mw_ml_tab_get(&t, k, strlen(k));
		assert_non_null(r);
		r->count++;
		if (i % 100 == 0)
			((struct ml_rec *)mw_ml_tab_get(&t, "spammer@x", 9))->count++;
	}
	assert_true(t.n <= 100);
	assert_true(t.pruned > 9000);
	v = mw_ml_tab_sorted(&t, &n);
	assert_true(n > 0);
	assert_string_equal(v[0]->key, "spammer@x");
	assert_int_equal(v[0]->count, 150);
	free(v);
	mw_ml_tab_free(&t);
}

static void test_hset_cap(void **state)
{
	struct ml_hset s = { 0 };
	uint64_t i;

	(void)state;
	for (i = 0; i < 100; i++)
		assert_int_equal(mw_ml_hset_add(&s, i * 7919, 1000), 1);
	assert_int_equal(mw_ml_hset_add(&s, 7919, 1000), 0);
	for (i = 100; i < 5000; i++)
		mw_ml_hset_add(&s, i * 7919, 1000);
	assert_true(s.saturated);
	assert_true(s.n >= 1000 && s.n <= 2048);
	mw_ml_hset_free(&s);
}

static void bl(const char *reply, const char *want)
{
	char list[96];
	int r = mw_ml_reply_blocklist(reply, strlen(reply), list, sizeof(list));

	if (!want) {
		if (r)
			fail_msg("'%s' taken as blocklisted (%s)", reply, list);
		return;
	}
	if (!r)
		fail_msg("'%s' not recognised", reply);
	assert_string_equal(list, want);
}

static void test_blocklist_reply(void **state)
{
	(void)state;
	bl("host mx[1.2.3.4] said: 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.5", "zen.spamhaus.org");
	bl("554 5.7.1 Service unavailable; Client host [1.2.3.4] blocked using Bl.SpamCop.Net.", "bl.spamcop.net");
	bl("550 5.7.1 Mail from 1.2.3.4 refused, see https://www.barracudacentral.org/rbl/removal-request/1.2.3.4", "barracudacentral.org");
	bl("550 5.7.1 Unfortunately, messages from [1.2.3.4] weren't sent. ... on our block list (S3150).", "outlook.com (S3150)");
	bl("553 5.7.1 [BL21] Connections will not be accepted from 1.2.3.4, because the ip is in Spamhaus's list", "spamhaus");
	bl("554 Transaction failed - blacklisted IP", "unknown");
	bl("host mx[1.2.3.4] said: 550 5.1.1 <x@y>: Recipient address rejected: User unknown", NULL);
	bl("421 4.7.0 [TSS04] Messages from 1.2.3.4 temporarily deferred due to user complaints", NULL);
	bl("550 5.7.1 <v@e>: Relay access denied", NULL);
}

static void test_parse_when(void **state)
{
	int64_t t, now = 1795452479;	/* 2026-11-23T16:47:59Z */

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(mw_ml_parse_when("7d", now, &t), 0);
	assert_int_equal(t, now - 7 * 86400);
	assert_int_equal(mw_ml_parse_when("12h", now, &t), 0);
	assert_int_equal(t, now - 12 * 3600);
	assert_int_equal(mw_ml_parse_when("2w", now, &t), 0);
	assert_int_equal(t, now - 14 * 86400);
	assert_int_equal(mw_ml_parse_when("all", now, &t), 0);
	assert_true(t == INT64_MIN);
	assert_int_equal(mw_ml_parse_when("2026-11-20", now, &t), 0);
	assert_int_equal(t, mw_ml_civil_to_epoch(2026, 11, 20, 0, 0, 0));
	assert_int_equal(mw_ml_parse_when("2026-11-20 10:30", now, &t), 0);
	assert_int_equal(t, mw_ml_civil_to_epoch(2026, 11, 20, 10, 30, 0));
	assert_int_equal(mw_ml_parse_when("2026-11-20T10:30:15", now, &t), 0);
	assert_int_equal(t, mw_ml_civil_to_epoch(2026, 11, 20, 10, 30, 15));
	assert_int_equal(mw_ml_parse_when("today", now, &t), 0);
	assert_int_equal(t, mw_ml_civil_to_epoch(2026, 11, 23, 0, 0, 0));
	assert_int_equal(mw_ml_parse_when("7x", now, &t), -1);
	assert_int_equal(mw_ml_parse_when("-1d", now, &t), -1);
	assert_int_equal(mw_ml_parse_when("2026-11-20 junk", now, &t), -1);
	assert_int_equal(mw_ml_parse_when("", now, &t), -1);
}

/* Feed lines, build the report, return it (caller frees). */
static struct mw_report *run_lines(const char *const *lines, size_t n)
{
	struct mw_strlist web = { 0 };
	struct ml_agg_opts o = { .web_users = &web, .since = INT64_MIN, .until = INT64_MAX };
	struct ml_clock clk = { 2026, 11, 0 };
	struct mw_config cfg;
	struct mw_ctx ctx;
	struct ml_agg *a;
	size_t i;

	mw_strlist_add(&web, "www-data");
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(mw_config_defaults(&cfg), MW_OK);
	ctx.cfg = &cfg;
	ctx.report = mw_report_new("logs");
	a = mw_ml_agg_new(&o);
	assert_non_null(a);
	mw_ml_agg_begin_source(a, "test.log", "file");
	for (i = 0; i < n; i++)
		mw_ml_agg_text_line(a, lines[i], strlen(lines[i]), 0, &clk, i + 1);
	assert_int_equal(mw_ml_agg_report(a, &ctx), MW_OK);
	mw_ml_agg_free(a);
	mw_config_free(&cfg);
	mw_strlist_clear(&web);
	return ctx.report;
}

static void test_agg_join_and_findings(void **state)
{
	static const char *const lines[] = {
		"Nov 20 10:00:00 web1 postfix/pickup[1]: AAAAA1: uid=33 from=<www-data>",
		"Nov 20 10:00:00 web1 postfix/cleanup[2]: AAAAA1: warning: header X-PHP-Originating-Script: 33:x.php from local; from=<www-data@h>",
		"Nov 20 10:00:00 web1 postfix/qmgr[3]: AAAAA1: from=<www-data@h>, size=1, nrcpt=1 (queue active)",
		"Nov 20 10:00:01 web1 postfix/smtp[4]: AAAAA1: to=<v@a.example>, relay=mx.a.example[192.0.2.1]:25, delay=1, dsn=5.7.1, status=bounced (host mx.a.example[192.0.2.1] said: 554 5.7.1 blocked using zen.spamhaus.org (in reply to RCPT TO command))",
		/* qmgr logs from= again when a message is retried: counted once */
		"Nov 20 10:00:02 web1 postfix/qmgr[3]: AAAAA1: from=<www-data@h>, size=1, nrcpt=1 (queue active)",
		"Nov 20 10:00:02 web1 postfix/qmgr[3]: AAAAA1: removed",
		/* after removal the same id is a new message */
		"Nov 20 10:00:03 web1 postfix/smtp[4]: AAAAA1: to=<v@b.example>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to x: Connection refused)",
		"not a log line",
	};
	struct mw_report *r = run_lines(lines, sizeof(lines) / sizeof(lines[0]));
	const json_t *d = mw_report_data(r, "logs");
	size_t i, web = 0, bls = 0;

	(void)state;
	assert_non_null(d);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "messages"), "received")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "messages"), "web")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "messages"), "deferred")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "lines"), "malformed")), 1);
	for (i = 0; i < mw_report_nfindings(r); i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);

		if (strcmp(f->rule_id, "logs.web-user-mail") == 0) {
			web++;
			assert_int_equal(json_integer_value(json_object_get(f->details, "uid")), 33);
			assert_string_equal(json_string_value(json_array_get(
				json_object_get(f->details, "scripts"), 0)), "x.php");
			assert_int_equal(json_integer_value(json_object_get(f->details, "recipient_domains")), 1);
		} else if (strcmp(f->rule_id, "logs.blocklisted") == 0) {
			bls++;
			assert_string_equal(f->list, "zen.spamhaus.org");
			assert_string_equal(json_string_value(json_object_get(f->details, "mx")), "mx.a.example");
			assert_string_equal(json_string_value(json_object_get(f->details, "code")), "554 5.7.1");
		}
	}
	assert_int_equal(web, 1);
	assert_int_equal(bls, 1);
	mw_report_free(r);
}

static void test_agg_queue_cap(void **state)
{
	/* More open queue ids than ML_MAX_QUEUE: the oldest are evicted and
	 * counted, memory stays bounded. */
	struct mw_strlist web = { 0 };
	struct ml_agg_opts o = { .web_users = &web, .since = INT64_MIN, .until = INT64_MAX };
	struct ml_clock clk = { 2026, 11, 0 };
	struct mw_ctx ctx;
	struct ml_agg *a;
	char line[200];
	unsigned i;
	const json_t *d;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.report = mw_report_new("logs");
	a = mw_ml_agg_new(&o);
	mw_ml_agg_begin_source(a, "cap.log", "file");
	for (i = 0; i < ML_MAX_QUEUE + 1000; i++) {
		int n = snprintf(line, sizeof(line),
				 "Nov 20 10:00:00 web1 postfix/qmgr[3]: %X: from=<s%u@x>, size=1, nrcpt=1 (queue active)",
				 0x100000 + i, i % 10);
		mw_ml_agg_text_line(a, line, (size_t)n, 0, &clk, i + 1);
	}
	assert_int_equal(mw_ml_agg_report(a, &ctx), MW_OK);
	mw_ml_agg_free(a);
	d = mw_report_data(ctx.report, "logs");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "truncated"), "queue_evicted")), 1000);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "messages"), "received")), ML_MAX_QUEUE + 1000);
	mw_report_free(ctx.report);
}

static void test_agg_journal_stdout(void **state)
{
	/* `postfix start-fg` with maillog_file=/dev/stdout: journald keeps
	 * postlogd's whole line as MESSAGE under the identifier "postfix". */
	struct mw_strlist web = { 0 };
	struct ml_agg_opts o = { .web_users = &web, .since = INT64_MIN, .until = INT64_MAX };
	struct mw_ctx ctx;
	struct ml_agg *a;
	const char *m1 = "Nov 23 16:47:59 web1 postfix/pickup[27563]: 0B943A7202B: uid=33 from=<www-data>";
	const char *m2 = "0B943A7202C: uid=0 from=<root>";
	const json_t *d;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.report = mw_report_new("logs");
	a = mw_ml_agg_new(&o);
	mw_ml_agg_begin_source(a, "journald", "journal");
	mw_ml_agg_journal_record(a, 1795452479, (struct ml_str){ "web1", 4 },
			      (struct ml_str){ "postfix", 7 }, 1, (struct ml_str){ m1, strlen(m1) }, 1);
	mw_ml_agg_journal_record(a, 1795452479, (struct ml_str){ "web1", 4 },
			      (struct ml_str){ "postfix/pickup", 14 }, 2, (struct ml_str){ m2, strlen(m2) }, 2);
	assert_int_equal(mw_ml_agg_report(a, &ctx), MW_OK);
	mw_ml_agg_free(a);
	d = mw_report_data(ctx.report, "logs");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "messages"), "local")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "messages"), "web")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "lines"), "postfix")), 2);
	mw_report_free(ctx.report);
}

static void test_fpm_pool_users(void **state)
{
	char *dir = make_tmpdir(), p[512];
	struct mw_strlist users = { 0 };
	int fd;

	(void)state;
	snprintf(p, sizeof(p), "mkdir -p '%s/etc/php/8.2/fpm/pool.d' '%s/etc/php/7.4/fpm/pool.d'", dir, dir);
	assert_int_equal(system(p), 0);
	snprintf(p, sizeof(p), "%s/etc/php/8.2/fpm/pool.d/site1.conf", dir);
	write_file(p, "[site1]\n; user = commented\nuser = site1\ngroup = site1\n", 52);
	snprintf(p, sizeof(p), "%s/etc/php/7.4/fpm/pool.d/www.conf", dir);
	write_file(p, "[www]\nuser = www-data\n  user=\"shop\" ; x\nuser = $pool\n", 54);
	snprintf(p, sizeof(p), "%s/etc/php/7.4/fpm/pool.d/notes.txt", dir);
	write_file(p, "user = ignored\n", 15);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	mw_sysconf_fpm_pool_users(fd, &users);
	close(fd);
	assert_true(mw_strlist_contains(&users, "site1", 0));
	assert_true(mw_strlist_contains(&users, "www-data", 0));
	assert_true(mw_strlist_contains(&users, "shop", 0));
	assert_false(mw_strlist_contains(&users, "commented", 0));
	assert_false(mw_strlist_contains(&users, "ignored", 0));
	assert_false(mw_strlist_contains(&users, "$pool", 0));
	mw_strlist_clear(&users);
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_find_del),
		cmocka_unit_test(test_table_prune_keeps_heavy),
		cmocka_unit_test(test_hset_cap),
		cmocka_unit_test(test_blocklist_reply),
		cmocka_unit_test(test_parse_when),
		cmocka_unit_test(test_agg_join_and_findings),
		cmocka_unit_test(test_agg_queue_cap),
		cmocka_unit_test(test_agg_journal_stdout),
		cmocka_unit_test(test_fpm_pool_users),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
