/* Unit tests of the queue check's parsers, grouping, selectors and findings
 * (scanner/queue/). */
#include "tests/unit/testutil.h"

#include "core/config.h"
#include "reports/report.h"
#include "scanner/queue/queue_impl.h"

static void test_postqueue_line(void **state)
{
	static const char line[] =
		"{\"queue_name\": \"deferred\", \"queue_id\": \"AD424A720EB\", "
		"\"arrival_time\": 1796580231, \"message_size\": 328, \"forced_expire\": false, "
		"\"sender\": \"www-data@localhost\", \"recipients\": [{\"address\": \"a@Example.COM\", "
		"\"delay_reason\": \"host mx[192.0.2.1] said: 554 5.7.1 Service unavailable; "
		"Client host [198.51.100.1] blocked using zen.spamhaus.org\"}, "
		"{\"address\": \"b@example.com\"}, {\"address\": \"c@example.org\"}]}";
	struct qmsg m = { 0 };

	(void)state;
	assert_int_equal(mw_postqueue_json_line(line, sizeof(line) - 1, &m), MW_OK);
	assert_string_equal(m.id, "AD424A720EB");
	assert_int_equal(m.queue, QN_DEFERRED);
	assert_int_equal(m.arrival, 1796580231);
	assert_int_equal(m.size, 328);
	assert_string_equal(m.sender, "www-data@localhost");
	assert_int_equal(m.n_rcpt, 3);
	assert_int_equal(m.n_domains, 2);
	assert_string_equal(m.domains[0], "example.com");
	assert_string_equal(m.domains[1], "example.org");
	assert_int_equal(m.reason_class, QR_BLOCKLIST);
	assert_int_equal(m.held, 0);
	assert_int_equal(m.uid, -1);
	mw_qmsg_clear(&m);
}

static void test_postqueue_bad_lines(void **state)
{
	static const char *const bad[] = {
		"", "not json", "[1,2]", "{\"queue_name\": \"hold\"}",
		"{\"queue_id\": \"AB CD\"}",		/* a blank in an id */
		"{\"queue_id\": \"A\\nB\"}",		/* newline: postsuper stdin */
		"{\"queue_id\": \"\"}",
		"{\"queue_id\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
	};
	struct qmsg m = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mw_postqueue_json_line(bad[i], strlen(bad[i]), &m), MW_ERR_PARSE);
	/* a held bounce with no recipients is a message */
	assert_int_equal(mw_postqueue_json_line("{\"queue_name\":\"hold\",\"queue_id\":\"B1\",\"sender\":\"\"}",
						51, &m), MW_OK);
	assert_int_equal(m.held, 1);
	assert_true(mw_qmsg_is_bounce(&m));
	mw_qmsg_clear(&m);
}

static void test_reason_classes(void **state)
{
	static const struct { const char *s; enum qreason c; } t[] = {
		{ "550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org", QR_BLOCKLIST },
		{ "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume", QR_THROTTLE },
		{ "421 4.7.28 Our system has detected an unusual rate of unsolicited mail", QR_THROTTLE },
		{ "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown", QR_UNKNOWN_USER },
		{ "host mx.example.com said: 550 No such user here", QR_UNKNOWN_USER },
		{ "connect to mx.example.com[192.0.2.9]:25: Connection timed out", QR_CONNECT },
		{ "550 5.7.606 Access denied, banned sending IP [192.0.2.1] (S3150)", QR_BLOCKLIST },
		{ "something else entirely", QR_OTHER },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(mw_qreason_classify(t[i].s, strlen(t[i].s)), t[i].c);
	assert_int_equal(mw_qreason_classify("", 0), QR_NONE);
}

static void test_exim_bp(void **state)
{
	static const char text[] =
		" 0m   336 1xaGal-00034q-25 <www-data@localhost>\n"
		"          a@example.com\n"
		"        D b@example.org\n"
		"\n"
		"25m  2.9K 1xaGal-00034v-2C <> *** frozen ***\n"
		"          x@Example.NET\n"
		"\n"
		" 4d  1.2M 0t5C6f-0000c8rKxZ1-0a3B <a b@example.com>\n"
		"          \"25m 1 aaaaaa-bbbbbb-cc <x>\"@example.com\n"
		"garbage\n";
	struct qlist l = { 0 };
	size_t bad;

	(void)state;
	assert_int_equal(mw_exim_bp_parse(text, sizeof(text) - 1, 1000000, &l, &bad), MW_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(bad, 1);
	assert_string_equal(l.m[0].id, "1xaGal-00034q-25");
	assert_string_equal(l.m[0].sender, "www-data@localhost");
	assert_int_equal(l.m[0].size, 336);
	assert_int_equal(l.m[0].n_rcpt, 1);		/* b@ delivered */
	assert_int_equal(l.m[0].arrival, 1000000);
	assert_int_equal(l.m[1].held, 1);
	assert_true(mw_qmsg_is_bounce(&l.m[1]));
	assert_int_equal(l.m[1].size, 2969);
	assert_int_equal(l.m[1].arrival, 1000000 - 25 * 60);
	assert_string_equal(l.m[1].domains[0], "example.net");
	assert_string_equal(l.m[2].sender, "a b@example.com");
	assert_int_equal(l.m[2].arrival, 1000000 - 4 * 86400);
	/* the recipient that looks like a message line stays a recipient */
	assert_int_equal(l.m[2].n_rcpt, 1);
	mw_qlist_free(&l);
}

static void test_postcat_submitter(void **state)
{
	static const char text[] =
		"*** ENVELOPE RECORDS deferred/A/AD424A720EB ***\n"
		"named_attribute: sasl_username=should-not-be-taken-from-headers\n"
		"*** MESSAGE CONTENTS deferred/A/AD424A720EB ***\n"
		"Received: by mw-test.localdomain (Postfix, from userid 33)\n"
		"\tid AD424A720EB; Sun,  6 Dec 2026 18:03:51 +0000 (UTC)\n"
		"Received: by evil (Postfix, from userid 0)\n"
		"X-PHP-Originating-Script: 33:mailer.php\n"
		"X-PHP-Originating-Script: 0:forged.php\n"
		"named_attribute: client_address=192.0.2.1\n"
		"*** HEADER EXTRACTED deferred/A/AD424A720EB ***\n";
	struct qmsg m = { 0 };

	(void)state;
	m.uid = -1;
	assert_int_equal(mw_postcat_submitter(text, sizeof(text) - 1, &m), MW_OK);
	assert_int_equal(m.uid, 33);			/* the first Received only */
	assert_string_equal(m.script, "mailer.php");	/* the first header */
	assert_string_equal(m.sasl, "should-not-be-taken-from-headers");
	assert_null(m.client);				/* a header line is not an envelope record */
	assert_true(m.inspected);
	mw_qmsg_clear(&m);
}

static void test_exim_submitter(void **state)
{
	static const char smtp[] =
		"1xaGal-00034q-25-H\nexim 101 101\n<bob@mw.test>\n1796580247 0\n"
		"--ident spoofed\n-received_protocol esmtpa\n--auth_id bob@mw.test\n"
		"--host_address [192.0.2.7]:40000\nXX\n1\nc@example.org\n\n"
		"040  X-PHP-Originating-Script: 33:x.php\n";
	static const char old[] =
		"1xaGal-00034q-26-H\nroot 0 0\n<a@b>\n1 0\n-host_address 192.0.2.8.25\n"
		"-received_protocol esmtp\n\n";
	struct qmsg m = { 0 };

	(void)state;
	m.uid = -1;
	assert_int_equal(mw_exim_mvh_submitter(smtp, sizeof(smtp) - 1, &m), MW_OK);
	assert_string_equal(m.sasl, "bob@mw.test");
	assert_string_equal(m.client, "192.0.2.7");
	assert_int_equal(m.uid, -1);		/* SMTP: no local uid, ident dropped */
	assert_null(m.user);
	assert_string_equal(m.script, "x.php");
	mw_qmsg_clear(&m);
	assert_int_equal(mw_exim_mvh_submitter(old, sizeof(old) - 1, &m), MW_OK);
	assert_string_equal(m.client, "192.0.2.8");
	mw_qmsg_clear(&m);
}

/* A list of n messages from uid 33 with script s, plus bounces. */
static void fill(struct qlist *l, size_t n, const char *script, size_t bounces)
{
	size_t i;

	for (i = 0; i < n + bounces; i++) {
		struct qmsg *m = mw_qlist_push(l);

		assert_non_null(m);
		snprintf(m->id, sizeof(m->id), "ID%zu", l->n);
		m->arrival = 1000;
		m->size = 100;
		m->inspected = 1;
		if (i < n) {
			m->uid = 33;
			m->user = strdup("www-data");
			m->script = strdup(script);
			m->sender = strdup("www-data@host.example");
			assert_int_equal(mw_qmsg_add_domain(m, "x@gmail.com", 11), MW_OK);
		} else {
			m->sender = strdup("");
			assert_int_equal(mw_qmsg_add_domain(m, "forged@example.net", 18), MW_OK);
		}
	}
}

static void test_groups_and_findings(void **state)
{
	struct qthresholds t = { 500, 2000, 50, 5 };
	struct mw_config cfg;
	struct qlist l = { 0 };
	struct qgroups g;
	struct mw_report *r = mw_report_new("queue");
	size_t i, spikes = 0, web = 0, back = 0;

	(void)state;
	assert_int_equal(mw_config_defaults(&cfg), MW_OK);
	fill(&l, 300, "a.php", 0);
	fill(&l, 200, "b.php", 5);
	assert_int_equal(mw_qgroups_build(&l, &g), MW_OK);
	assert_int_equal(g.total, 505);
	assert_int_equal(g.bounces, 5);
	assert_string_equal(g.g[QG_UID][0].key, "33");
	assert_int_equal(g.g[QG_UID][0].count, 500);
	assert_string_equal(g.g[QG_SCRIPT][0].key, "a.php");
	assert_int_equal(g.g[QG_SCRIPT][1].count, 200);
	assert_int_equal(g.g[QG_DOMAIN][0].count, 500);
	assert_int_equal(mw_queue_findings(r, &l, &g, &t, &cfg, NULL), MW_OK);
	for (i = 0; i < mw_report_nfindings(r); i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);

		spikes += strcmp(f->rule_id, "queue.spike") == 0;
		web += strcmp(f->rule_id, "queue.web-user-mail") == 0;
		back += strcmp(f->rule_id, "queue.backscatter") == 0;
	}
	/* the queue, uid 33 (500 >= warn), script a.php (59% >= 50%) */
	assert_int_equal(spikes, 3);
	assert_int_equal(web, 1);
	assert_int_equal(back, 1);
	mw_qgroups_free(&g);
	mw_report_free(r);

	/* below warn: nothing but the web user */
	r = mw_report_new("queue");
	t.warn = 1000;
	t.backscatter = 6;
	assert_int_equal(mw_qgroups_build(&l, &g), MW_OK);
	assert_int_equal(mw_queue_findings(r, &l, &g, &t, &cfg, NULL), MW_OK);
	assert_int_equal(mw_report_nfindings(r), 1);
	assert_string_equal(mw_report_finding(r, 0)->rule_id, "queue.web-user-mail");
	mw_qgroups_free(&g);
	mw_report_free(r);
	mw_qlist_free(&l);
	mw_config_free(&cfg);
}

/* A PHP-FPM pool's user is a web user: its mail is queue.web-user-mail
 * when the pool users say so, and nothing otherwise. */
static void test_pool_user(void **state)
{
	struct qthresholds t = { 500, 2000, 50, 5 };
	struct mw_strlist pools = { 0 };
	struct qlist l = { 0 };
	struct qgroups g;
	struct mw_report *r;
	struct qmsg *m;

	(void)state;
	m = mw_qlist_push(&l);
	assert_non_null(m);
	snprintf(m->id, sizeof(m->id), "ID1");
	m->arrival = 1000;
	m->uid = 1005;
	m->user = strdup("shop");
	m->script = strdup("cart.php");
	m->inspected = 1;
	assert_int_equal(mw_qgroups_build(&l, &g), MW_OK);
	r = mw_report_new("queue");
	assert_int_equal(mw_queue_findings(r, &l, &g, &t, NULL, NULL), MW_OK);
	assert_int_equal(mw_report_nfindings(r), 0);
	mw_report_free(r);
	assert_int_equal(mw_strlist_add(&pools, "shop"), 0);
	r = mw_report_new("queue");
	assert_int_equal(mw_queue_findings(r, &l, &g, &t, NULL, &pools), MW_OK);
	assert_int_equal(mw_report_nfindings(r), 1);
	assert_string_equal(mw_report_finding(r, 0)->rule_id, "queue.web-user-mail");
	assert_int_equal(mw_report_finding(r, 0)->cause, MW_CAUSE_LOCAL_SENDER);
	mw_report_free(r);
	mw_strlist_clear(&pools);
	mw_qgroups_free(&g);
	mw_qlist_free(&l);
}

static void test_selectors(void **state)
{
	struct mw_queue_selector s = { .uid = -1 };
	const char *ids[] = { "ID2" };
	struct qlist l = { 0 };
	char *d;

	(void)state;
	fill(&l, 2, "a.php", 1);
	assert_false(mw_qsel_needs_headers(&s));
	s.uid = 33;
	assert_true(mw_qsel_needs_headers(&s));
	assert_true(mw_qsel_match(&s, &l.m[0], 2000));
	assert_false(mw_qsel_match(&s, &l.m[2], 2000));
	s.script = "b.php";
	assert_false(mw_qsel_match(&s, &l.m[0], 2000));
	s.script = "a.php";
	s.older_than_s = 1001;
	assert_false(mw_qsel_match(&s, &l.m[0], 2000));	/* 1000 s old */
	s.older_than_s = 999;
	assert_true(mw_qsel_match(&s, &l.m[0], 2000));
	s.ids = ids;
	s.n_ids = 1;
	assert_false(mw_qsel_match(&s, &l.m[0], 2000));
	assert_true(mw_qsel_match(&s, &l.m[1], 2000));
	d = mw_qsel_describe(&s);
	assert_string_equal(d, "uid=33 script=a.php older-than=999s id=ID2");
	free(d);
	memset(&s, 0, sizeof(s));
	s.uid = -1;
	s.sender = "<>";
	assert_false(mw_qsel_match(&s, &l.m[0], 2000));
	assert_true(mw_qsel_match(&s, &l.m[2], 2000));
	mw_qlist_free(&l);
}

/* A script name is the sender's: it never reaches a command to paste. */
static void test_remediation_no_sender_bytes(void **state)
{
	struct qthresholds t = { 500, 2000, 50, 5 };
	struct qlist l = { 0 };
	struct qgroups g;
	struct mw_report *r = mw_report_new("queue");
	size_t i, seen = 0;

	(void)state;
	fill(&l, 600, "x';rm -rf ~;'.php", 0);
	assert_int_equal(mw_qgroups_build(&l, &g), MW_OK);
	assert_int_equal(mw_queue_findings(r, &l, &g, &t, NULL, NULL), MW_OK);
	for (i = 0; i < mw_report_nfindings(r); i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);

		assert_null(strstr(f->remediation, "rm -rf"));
		if (f->path && strstr(f->path, "rm -rf") && !strcmp(f->rule_id, "queue.spike")) {
			seen++;	/* the evidence keeps the name */
			assert_non_null(strstr(f->remediation, "--script VALUE"));
		}
	}
	assert_int_equal(seen, 1);
	mw_qgroups_free(&g);
	mw_report_free(r);
	mw_qlist_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postqueue_line),
		cmocka_unit_test(test_postqueue_bad_lines),
		cmocka_unit_test(test_reason_classes),
		cmocka_unit_test(test_exim_bp),
		cmocka_unit_test(test_postcat_submitter),
		cmocka_unit_test(test_exim_submitter),
		cmocka_unit_test(test_groups_and_findings),
		cmocka_unit_test(test_pool_user),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_remediation_no_sender_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
