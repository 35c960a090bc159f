/* scanner/harden: the policy protocol parser and the sliding-hour counters. */
#include "tests/unit/testutil.h"

#include "scanner/harden/harden_int.h"
#include "scanner/harden/policy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#define REQ(state, user, n) \
	"request=smtpd_access_policy\nprotocol_state=" state "\nsasl_username=" user \
	"\nrecipient_count=" n "\nclient_address=192.0.2.1\n\n"

static void test_parse(void **state)
{
	static const char two[] = REQ("DATA", "bob@mw.test", "3") "request=x\r\nsender=\r\n\r\n";
	struct pol_req r;
	long n;

	(void)state;
	n = mw_pol_parse(two, strlen(two), &r);
	assert_true(n > 0);
	assert_true(mw_pol_span_eq(r.request, "smtpd_access_policy"));
	assert_true(mw_pol_span_eq(r.state, "DATA"));
	assert_true(mw_pol_span_eq(r.sasl, "bob@mw.test"));
	assert_true(mw_pol_span_eq(r.client, "192.0.2.1"));
	assert_true(r.have_rcpt);
	assert_int_equal(r.rcpt_count, 3);
	/* the second one, with CRLF line ends and an empty value */
	assert_int_equal(mw_pol_parse(two + n, strlen(two) - (size_t)n, &r),
			 (long)(strlen(two) - (size_t)n));
	assert_true(mw_pol_span_eq(r.request, "x"));
	assert_int_equal(r.sender.n, 0);
	assert_int_equal(r.sasl.n, 0);
	/* incomplete: wait for more, at every cut */
	for (size_t cut = 0; cut < (size_t)n; cut++)
		assert_int_equal(mw_pol_parse(two, cut, &r), 0);
	/* malformed: no '=', '=' first, a NUL */
	assert_int_equal(mw_pol_parse("request\n\n", 10, &r), -1);
	assert_int_equal(mw_pol_parse("=x\n\n", 4, &r), -1);
	assert_int_equal(mw_pol_parse("a=b\0c\n\n", 7, &r), -1);
	/* a count that is not a small number counts as one, and says so */
	assert_true(mw_pol_parse("recipient_count=12x\n\n", 21, &r) > 0);
	assert_false(r.have_rcpt);
	assert_int_equal(r.rcpt_count, 1);
}

static void test_parse_cap(void **state)
{
	size_t n = POL_MAX_REQUEST + 10;
	char *big = malloc(n);
	struct pol_req r;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big, "x=", 2);
	/* no end in sight within the cap: drop the client */
	assert_int_equal(mw_pol_parse(big, POL_MAX_REQUEST - 1, &r), 0);
	assert_int_equal(mw_pol_parse(big, n, &r), -1);
	free(big);
}

static void test_limits(void **state)
{
	struct pol_state *s;
	struct pol_verdict v;
	time_t t0 = (time_t)1000 * POL_WINDOW;	/* an hour's start */
	double m, rc;
	unsigned long d;
	char err[256];

	(void)state;
	assert_int_equal(mw_pol_state_open(NULL, &s, err, sizeof(err)), MW_OK);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(mw_pol_state_count(s, "sasl:bob", t0 + i, 1, 200, 0, &v), MW_OK);
		assert_false(v.over);
	}
	/* message 201 within the hour: refused, not counted */
	assert_int_equal(mw_pol_state_count(s, "sasl:bob", t0 + 300, 1, 200, 0, &v), MW_OK);
	assert_true(v.over);
	assert_true(mw_pol_state_get(s, "sasl:bob", t0 + 300, &m, &rc, &d));
	assert_true(m == 200.0);
	assert_int_equal(d, 1);
	/* another sender is not affected */
	assert_int_equal(mw_pol_state_count(s, "uid:33", t0 + 300, 1, 200, 0, &v), MW_OK);
	assert_false(v.over);
	/* the recipients' limit */
	assert_int_equal(mw_pol_state_count(s, "sasl:eve", t0, 9, 0, 10, &v), MW_OK);
	assert_false(v.over);
	assert_int_equal(mw_pol_state_count(s, "sasl:eve", t0, 2, 0, 10, &v), MW_OK);
	assert_true(v.over);
	/* sliding: half-way through the next hour, half of the 200 still count */
	assert_true(mw_pol_state_get(s, "sasl:bob", t0 + POL_WINDOW + POL_WINDOW / 2, &m, &rc, &d));
	assert_true(m > 99.9 && m < 100.1);
	assert_int_equal(d, 0);
	assert_int_equal(mw_pol_state_count(s, "sasl:bob", t0 + POL_WINDOW + POL_WINDOW / 2, 1,
					 200, 0, &v), MW_OK);
	assert_false(v.over);
	/* two hours on, nothing is left */
	assert_true(mw_pol_state_get(s, "sasl:bob", t0 + 3 * POL_WINDOW, &m, &rc, &d));
	assert_true(m == 0.0);
	mw_pol_state_free(s);
}

static void deferred_cb(void *arg, const char *key, double messages, unsigned long deferred)
{
	(void)messages;
	assert_string_equal(key, "sasl:bob");
	assert_int_equal(deferred, 2);	/* one refusal before the restart, one after */
	(*(int *)arg)++;
}

static void test_persist(void **state)
{
	char *dir = make_tmpdir(), db[512], err[256];
	struct pol_state *s;
	struct pol_verdict v;
	time_t now = time(NULL);
	double m, rc;
	unsigned long d;
	int calls = 0;

	(void)state;
	snprintf(db, sizeof(db), "%s/c.sqlite", dir);
	assert_int_equal(mw_pol_state_open(db, &s, err, sizeof(err)), MW_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mw_pol_state_count(s, "sasl:bob", now, 2, 3, 0, &v), MW_OK);
	assert_int_equal(mw_pol_state_count(s, "sasl:bob", now, 2, 3, 0, &v), MW_OK);
	assert_true(v.over);
	assert_int_equal(mw_pol_state_flush(s, err, sizeof(err)), MW_OK);
	mw_pol_state_free(s);
	/* a restart keeps the hour's counts */
	assert_int_equal(mw_pol_state_open(db, &s, err, sizeof(err)), MW_OK);
	assert_true(mw_pol_state_get(s, "sasl:bob", now, &m, &rc, &d));
	assert_true(m >= 3.0 && rc >= 6.0);
	assert_int_equal(d, 1);
	assert_int_equal(mw_pol_state_count(s, "sasl:bob", now, 1, 3, 0, &v), MW_OK);
	assert_true(v.over);
	mw_pol_state_each_deferred(s, now, deferred_cb, &calls);
	assert_int_equal(calls, 1);
	mw_pol_state_free(s);
	/* a symbolic link where the file should be is refused */
	snprintf(err, sizeof(err), "%s/link.sqlite", dir);
	assert_int_equal(symlink(db, err), 0);
	assert_int_not_equal(mw_pol_state_open(err, &s, db, sizeof(db)), MW_OK);
	rm_rf(dir);
	free(dir);
}

/* Exim's refusal lines as the ratelimit statements of `harden --apply`
 * log them (captured from Exim 4.96), and lines that only look alike. */
#define EXL_SASL "H=(client.mw.test) [127.0.0.1] F=<bob@mw.test> A=plain:bob@mw.test " \
	"temporarily rejected RCPT <r3@example.com>: sending limit reached " \
	"[mailwarden-limit 1 sasl-messages 200 Ym9iQG13LnRlc3Q= -]"
#define EXL_LOCAL "1xaKHM-0002LW-2P F=<root@mw-exim.localdomain> rejected by non-SMTP " \
	"ACL: sending limit reached [mailwarden-limit 1 local-messages 5 d3d3LWRhdGE= 33]"

static void test_exim_marker(void **state)
{
	static const char *const bad[] = {
		"x [mailwarden-limit 1 sasl-messages 200 Ym9iQG13LnRlc3Q= -] trailing",
		"x [mailwarden-limit 2 sasl-messages 200 Ym9iQG13LnRlc3Q= -]",
		"x [mailwarden-limit 1 other-kind 200 Ym9iQG13LnRlc3Q= -]",
		"x [mailwarden-limit 1 sasl-messages 2x0 Ym9iQG13LnRlc3Q= -]",
		"x [mailwarden-limit 1 sasl-messages 200 Ym9iQG13LnRlc3Q -]",	/* length */
		"x [mailwarden-limit 1 sasl-messages 200 Ym9i*G13LnRlc3Q= -]",	/* alphabet */
		"x [mailwarden-limit 1 sasl-messages 200 Ym9iQG13LnRlc3Q= 3x]",
		"x [mailwarden-limit 1 sasl-messages 200 Ym9iQG13LnRlc3Q=  -]",
		"x [mailwarden-limit 1 sasl-messages 200 Ym9iQG13LnRlc3Q=]",
		"x [mailwarden-limit 1 sasl-messages 200 AGI= -]",	/* a NUL inside */
		"F=<[mailwarden-limit 1 sasl-messages 2 YQ== -]> rejected RCPT <x>: no]",
		"[mailwarden-limit 1 sasl-messages 200 Ym9iQG13LnRlc3Q= 99999999999]",
		"]", "",
	};
	struct hd_limit_hit h;

	(void)state;
	assert_int_equal(mw_hd_limit_parse(EXL_SASL, strlen(EXL_SASL), &h), 0);
	assert_int_equal(h.kind, HD_LIM_SASL_MESSAGES);
	assert_int_equal(h.limit, 200);
	assert_string_equal(h.user, "bob@mw.test");
	assert_int_equal(h.uid, -1);
	assert_int_equal(mw_hd_limit_parse(EXL_LOCAL, strlen(EXL_LOCAL), &h), 0);
	assert_int_equal(h.kind, HD_LIM_LOCAL_MESSAGES);
	assert_int_equal(h.limit, 5);
	assert_string_equal(h.user, "www-data");
	assert_int_equal(h.uid, 33);
	assert_int_equal(mw_hd_limit_parse("x [mailwarden-limit 1 local-recipients 12 YQ== 0]",
					 49, &h), 0);
	assert_int_equal(h.kind, HD_LIM_LOCAL_RECIPIENTS);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mw_hd_limit_parse(bad[i], strlen(bad[i]), &h), -1);
}

/* The reject log's hits of the last hour become one finding per sender;
 * older ones, header lines and lookalikes do not. */
static void test_exim_hits(void **state)
{
	char *dir = make_tmpdir(), path[512], stamp[3][32];
	time_t now = time(NULL), when[3] = { now - 60, now - 30, now - 7200 };
	struct mw_config cfg = { 0 };
	struct mw_ctx ctx = { .cfg = &cfg };
	struct mw_harden_opts o = { 0 };
	struct mw_report *rep = mw_report_new("harden");
	struct hd_run r = { .ctx = &ctx, .o = &o, .report = rep };
	const struct mw_stored_finding *f;
	struct mw_buf b;
	struct tm tm;

	(void)state;
	for (int i = 0; i < 3; i++) {
		localtime_r(&when[i], &tm);
		strftime(stamp[i], sizeof(stamp[i]), "%Y-%m-%d %H:%M:%S", &tm);
	}
	mw_buf_init(&b, 1 << 20);
	assert_int_equal(mw_buf_printf(&b, "%s " EXL_SASL "\n%s " EXL_SASL "\n%s " EXL_LOCAL "\n"
		"Envelope-from: <x@y>\n  Subject: [mailwarden-limit 1 local-messages 1 YQ== 1]\n"
		"%s " EXL_LOCAL "\n%s 1xaKHM-0002LW-2P <= x@y U=alice\n",
		stamp[0], stamp[1], stamp[2], stamp[1], stamp[1]), MW_OK);
	snprintf(path, sizeof(path), "%s/rejectlog", dir);
	write_file(path, b.data, b.len);
	snprintf(path, sizeof(path), "syslog : %s/%%slog", dir);
	mw_hd_exim_hits(&r, path, 1);
	assert_int_equal(mw_report_nerrors(rep), 0);
	assert_int_equal(mw_report_nfindings(rep), 2);
	for (size_t i = 0; i < 2; i++) {
		f = mw_report_finding(rep, i);
		assert_string_equal(f->rule_id, "harden.limit-reached");
		assert_int_equal(f->severity, MW_SEV_HIGH);
		if (!strcmp(json_string_value(json_object_get(f->details, "sender")),
			    "sasl:bob@mw.test")) {
			assert_int_equal(json_integer_value(json_object_get(f->details,
							    "deferred")), 2);
			assert_null(json_object_get(f->details, "uid"));
		} else {
			assert_string_equal(json_string_value(json_object_get(f->details,
							      "sender")), "local:www-data");
			/* the one two hours ago is not counted */
			assert_int_equal(json_integer_value(json_object_get(f->details,
							    "deferred")), 1);
			assert_int_equal(json_integer_value(json_object_get(f->details,
							    "uid")), 33);
		}
	}
	/* syslog only: a note, no finding, no error */
	mw_hd_exim_hits(&r, "syslog", 1);
	assert_int_equal(mw_report_nfindings(rep), 2);
	assert_int_equal(mw_report_nerrors(rep), 0);
	mw_buf_free(&b);
	mw_report_free(rep);
	rm_rf(dir);
	free(dir);
}

/* The senders and refusal counts of harden.limit-reached findings, as
 * "sender=N " in finding order, into out. */
static void hit_counts(struct mw_report *rep, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < mw_report_nfindings(rep); i++) {
		const json_t *d = mw_report_finding(rep, i)->details;

		len += (size_t)snprintf(out + len, n - len, "%s=%d ",
					json_string_value(json_object_get(d, "sender")),
					(int)json_integer_value(json_object_get(d, "deferred")));
	}
}

/* Exim's stamp of t, local time. */
static void exim_stamp(time_t t, char *out, size_t n)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/* A reject log fixture: "A LA", then twice "B LB" unless b is NULL. */
static void write_log(const char *path, int gz, const char *a, const char *la,
		      const char *b, const char *lb)
{
	char text[2048];
	int n = snprintf(text, sizeof(text), "%s %s\n", a, la);

	if (b)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s %s\n%s %s\n", b, lb, b, lb);
	if (gz) {
		gzFile f = gzopen(path, "wb");

		assert_non_null(f);
		assert_int_equal(gzwrite(f, text, (unsigned)n), n);
		assert_int_equal(gzclose(f), Z_OK);
	} else {
		write_file(path, text, (size_t)n);
	}
}

/* The hour began before the current reject log: its start is read from the
 * rotated one (plain .1, or .1.gz), unless that was last written before
 * the hour or the current log already goes back past it. */
static void test_exim_hits_rotated(void **state)
{
	static const struct {
		int gz, old_mtime, cur_from_before;
		const char *want;
	} pass[] = {
		{ 0, 0, 0, "local:www-data=1 sasl:bob@mw.test=2 " },
		{ 1, 0, 0, "local:www-data=1 sasl:bob@mw.test=2 " },
		{ 0, 1, 0, "local:www-data=1 " },
		{ 1, 0, 1, "local:www-data=2 " },
	};
	char *dir = make_tmpdir(), cur[512], rot[512], list[512], got[512];
	char s10[32], s40[32], s120[32];
	time_t now = time(NULL);
	struct mw_config cfg = { 0 };
	struct mw_ctx ctx = { .cfg = &cfg };
	struct mw_harden_opts o = { 0 };
	struct hd_run r = { .ctx = &ctx, .o = &o };
	struct timespec old[2] = { { now - 7200, 0 }, { now - 7200, 0 } };

	(void)state;
	exim_stamp(now - 600, s10, sizeof(s10));
	exim_stamp(now - 2400, s40, sizeof(s40));
	exim_stamp(now - 7200, s120, sizeof(s120));
	snprintf(cur, sizeof(cur), "%s/rejectlog", dir);
	snprintf(list, sizeof(list), "%s/%%slog", dir);
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		r.report = ctx.report = mw_report_new("harden");
		/* the current log: a hit 10 minutes ago (two after a line from
		 * two hours ago when it goes back past the hour) */
		if (pass[i].cur_from_before)
			write_log(cur, 0, s120, "1xaKHM-0002LW-2P <= x@y U=alice", s10, EXL_LOCAL);
		else
			write_log(cur, 0, s10, EXL_LOCAL, NULL, NULL);
		/* the rotated one: an old hit, then two 40 minutes ago */
		snprintf(rot, sizeof(rot), "%s/rejectlog.1%s", dir, pass[i].gz ? ".gz" : "");
		write_log(rot, pass[i].gz, s120, EXL_SASL, s40, EXL_SASL);
		if (pass[i].old_mtime)
			assert_int_equal(utimensat(AT_FDCWD, rot, old, 0), 0);
		mw_hd_exim_hits(&r, list, 1);
		assert_int_equal(mw_report_nerrors(r.report), 0);
		hit_counts(r.report, got, sizeof(got));
		assert_string_equal(got, pass[i].want);
		unlink(rot);
		mw_report_free(r.report);
	}
	rm_rf(dir);
	free(dir);
}

/* [harden] limits entries: NAME=N or nothing (never "no limit"), and the
 * lsearch file Exim looks them up in, with quoted keys. */
static void test_limit_entries(void **state)
{
	static const char *const bad[] = { "bob", "=5", "bob=", "bob=5x", "bob=-1",
					   "bob=10000001", "bob=1234567890" };
	struct mw_config cfg = { 0 };
	struct pol_span nm;
	unsigned long n;
	struct mw_buf b;
	const char *body;

	(void)state;
	assert_int_equal(mw_pol_limit_entry("a=b@x=7", &nm, &n), 0);
	assert_int_equal(nm.n, 5);
	assert_memory_equal(nm.p, "a=b@x", 5);
	assert_int_equal(n, 7);
	assert_int_equal(mw_pol_limit_entry("zero=0", &nm, &n), 0);
	assert_int_equal(n, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mw_pol_limit_entry(bad[i], &nm, &n), -1);
	assert_int_equal(mw_strlist_add_words(&cfg.harden_limits,
					      "q\"u\\o=5 bad=x zero=0 c\001=2"), MW_OK);
	mw_buf_init(&b, 1 << 16);
	assert_int_equal(mw_hd_exim_limits_file(&cfg, &b), MW_OK);
	body = strstr(mw_buf_str(&b), "\n\"");
	assert_non_null(body);
	assert_string_equal(body + 1, "\"q\\\"u\\\\o\": 5\n\"zero\": 1000000000\n"
			    "\"c\\x01\": 2\n");
	mw_buf_free(&b);
	mw_strlist_clear(&cfg.harden_limits);
}

/* The recipients of sendmail -t: address lists with quoted names,
 * comments, groups and folding; what does not parse counts as one. */
static void test_submit_rcpt(void **state)
{
	static const struct {
		const char *v;
		long n;
	} lists[] = {
		{ "a@x", 1 }, { "", 0 }, { " , ,", 0 }, { "a@x, b@y", 2 },
		{ "\"Doe, John\" <j@x>, (a, b, c) k@x", 2 },
		{ "Name <a@x>,\r\n\tOther <b@x>", 2 },
		{ "undisclosed-recipients:;", 0 }, { "team: a@x, b@y;, c@z", 3 },
		{ "<@r1,@r2:u@d>", 1 }, { "\"q\\\"x\" <q@x>", 1 }, { "(c (nested) ) a@x", 1 },
		{ "\"open <a@x>", -1 }, { "(open a@x", -1 }, { "a@x>", -1 }, { "<<a@x>>", -1 },
		{ "a; b", -1 }, { "g: h: a;", -1 },
	};
	static const char hdr[] =
		"Received: from x\r\nTo: a@example.com, \"Doe, J\" <j@example.com>\r\n"
		"CC : (team) b@example.com,\r\n  c@example.com\r\nSubject: To: x@y, z@y\r\n"
		"bcc: \"broken <x@y>\r\nResent-To: r@example.com\r\n\r\nTo: body@example.com\r\n";
	unsigned bad;
	size_t end;

	(void)state;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		assert_int_equal(mw_hd_address_count(lists[i].v, strlen(lists[i].v)), lists[i].n);
	/* To 2, CC 2 (folded), bcc unparsed: 1, Resent-To 1; not the body's */
	assert_int_equal(mw_hd_header_recipients(hdr, strlen(hdr), &bad), 6);
	assert_int_equal(bad, 1);
	end = mw_hd_header_end(hdr, strlen(hdr));
	assert_true(end > 0);
	assert_memory_equal(hdr + end, "To: body", 8);
	assert_int_equal(mw_hd_header_end(hdr, end - 1), 0);
	/* LF only, and a line that is no header field ends the header */
	assert_int_equal(mw_hd_header_recipients("To: a@x\nnot a field\nCc: b@x\n", 28, &bad), 1);
	assert_int_equal(mw_hd_header_end("To: a@x\n\nbody", 13), 9);
}

/* With Postfix, a limited pool whose PHP can start a program is reported
 * with what neither it nor php.ini disables; with Exim only, none is. */
static void test_fpm_bypass(void **state)
{
	static const char pools[] =
		"[a]\nuser = www-a\nphp_admin_value[sendmail_path] = /w -t -i\n"
		"php_admin_value[disable_functions] = \"shell_exec System\"\n"
		"[b]\nuser = www-b\nphp_admin_value[sendmail_path] = /w -t -i\n"
		"php_admin_value[disable_functions] = proc_open,popen,pcntl_exec,putenv,shell_exec,system\n"
		"[c]\nuser = www-c\n";
	char *dir = make_tmpdir(), path[512];
	struct mw_config cfg = { 0 };
	struct mw_ctx ctx = { .cfg = &cfg };
	struct mw_harden_opts o = { .fpm_conf = path, .wrapper = "/w -t -i" };
	struct hd_run r = { .ctx = &ctx, .o = &o };
	size_t bypass = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/php.ini", dir);
	write_file(path, "[PHP]\n;disable_functions = putenv\ndisable_functions = exec, passthru\n", 69);
	snprintf(path, sizeof(path), "%s/pool.d", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/pool.d/p.conf", dir);
	write_file(path, pools, strlen(pools));
	snprintf(path, sizeof(path), "%s/php-fpm.conf", dir);
	write_file(path, "", 0);
	for (int postfix = 0; postfix < 2; postfix++) {
		r.report = ctx.report = mw_report_new("harden");
		r.data = json_object();
		r.postfix_seen = postfix;
		assert_int_equal(mw_hd_fpm(&r, 0), MW_OK);
		bypass = 0;
		for (size_t i = 0; i < mw_report_nfindings(r.report); i++) {
			const struct mw_stored_finding *f = mw_report_finding(r.report, i);

			if (strcmp(f->rule_id, "harden.fpm-sendmail-bypass"))
				continue;
			bypass++;
			assert_string_equal(f->title, "PHP-FPM pool a: its user www-a can run sendmail "
					    "itself, past the limit of mail() (not disabled: "
					    "proc_open, popen, pcntl_exec, putenv)");
		}
		assert_int_equal(bypass, (size_t)postfix);
		json_decref(r.data);
		mw_report_free(r.report);
	}
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_cap),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_persist),
		cmocka_unit_test(test_exim_marker),
		cmocka_unit_test(test_exim_hits),
		cmocka_unit_test(test_exim_hits_rotated),
		cmocka_unit_test(test_limit_entries),
		cmocka_unit_test(test_submit_rcpt),
		cmocka_unit_test(test_fpm_bypass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
