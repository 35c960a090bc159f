#include "tests/unit/testutil.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/ctx.h"
#include "core/strlist.h"
#include "reports/report.h"
#include "scanner/reput/rp_dkim.h"
#include "scanner/reput/rp_logs.h"
#include "scanner/reput/rp_rspamd.h"
#include "scanner/reput/rp_run.h"
#include "scanner/reput/rp_spf.h"
#include "scanner/reput/rp_tags.h"

static struct spf_record rec;

static int parses(const char *txt)
{
	char err[160];

	return mw_spf_parse(txt, &rec, err, sizeof(err)) == 0;
}

static void test_spf_parse_valid(void **state)
{
	(void)state;
	assert_true(parses("v=spf1"));
	assert_true(parses("v=spf1 -all"));
	assert_true(parses("V=SPF1 IP4:192.0.2.0/24 Ip6:2001:db8::/32 A MX ~ALL"));
	assert_true(parses("v=spf1 a:mail.example.com/28//64 mx//48 ptr ptr:example.org -all"));
	assert_true(parses("v=spf1 include:_spf.google.com exists:%{i}._spf.%{d} ?all"));
	assert_true(parses("v=spf1 redirect=_spf.example.com"));
	assert_true(parses("v=spf1 ip4:192.0.2.1 exp=explain.%{d} foo=%{h}bar  -all "));
	assert_true(parses("v=spf1 a:%{d2}"));
	assert_int_equal(rec.n, 1);
	assert_true(parses("v=spf1 ip4:192.0.2.1 -include:a.example redirect=b.example"));
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.t[0].kind, SPF_IP4);
	assert_int_equal(rec.t[1].kind, SPF_INCLUDE);
	assert_int_equal(rec.t[1].qual, '-');
	assert_int_equal(rec.t[1].spec_len, 9);
	assert_int_equal(rec.redirect, 2);
}

static void test_spf_parse_invalid(void **state)
{
	char err[160];

	(void)state;
	assert_false(parses("v=spf10 -all"));
	assert_false(parses("v=spf2.0/pra -all"));
	assert_false(parses("spf1 -all"));
	assert_false(parses("v=spf1 ipv4:192.0.2.1"));	/* unknown mechanism */
	assert_false(parses("v=spf1 ip4:192.0.2.300"));
	assert_false(parses("v=spf1 ip4:192.0.2.0/33"));
	assert_false(parses("v=spf1 ip4:192.0.2.0/024"));
	assert_false(parses("v=spf1 ip6:2001:db8::/129"));
	assert_false(parses("v=spf1 ip4:2001:db8::1"));
	assert_false(parses("v=spf1 include:"));
	assert_false(parses("v=spf1 include:localhost"));	/* no dot */
	assert_false(parses("v=spf1 all:example.com"));
	assert_false(parses("v=spf1 a:example.com/"));
	assert_false(parses("v=spf1 exists:%{x}.example.com"));	/* bad macro letter */
	assert_false(parses("v=spf1 exists:%{i.example.com"));
	assert_false(parses("v=spf1 redirect=a.example redirect=b.example"));
	assert_false(parses("v=spf1 *all"));
	assert_int_equal(mw_spf_parse("v=spf1 ipx:1", &rec, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown mechanism 'ipx'"));
}

static void test_spf_too_many_terms(void **state)
{
	char txt[2048] = "v=spf1";
	int i;

	(void)state;
	for (i = 0; i < SPF_MAX_TERMS; i++)
		strcat(txt, " a");
	assert_true(parses(txt));
	strcat(txt, " a");
	assert_false(parses(txt));
}

static void test_spf_macros(void **state)
{
	struct mw_ip ip4 = { .family = AF_INET, .a = { 192, 0, 2, 3 } };
	struct mw_ip ip6 = { .family = AF_INET6, .a = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xcb } };
	char out[300];
	const char *s;

	(void)state;
	/* RFC 7208 7.4's examples, sender strong-bad@email.example.com */
#define X(spec, ip, want) do { s = spec; \
	assert_int_equal(mw_spf_expand(s, strlen(s), ip, "strong-bad@email.example.com", \
				    "email.example.com", "mx.example.org", out, sizeof(out)), 0); \
	assert_string_equal(out, want); } while (0)
	X("%{s}", &ip4, "strong-bad@email.example.com");
	X("%{o}", &ip4, "email.example.com");
	X("%{d4}", &ip4, "email.example.com");
	X("%{d2}", &ip4, "example.com");
	X("%{d1}", &ip4, "com");
	X("%{dr}", &ip4, "com.example.email");
	X("%{d2r}", &ip4, "example.email");
	X("%{l}", &ip4, "strong-bad");
	X("%{l-}", &ip4, "strong.bad");
	X("%{lr}", &ip4, "strong-bad");
	X("%{lr-}", &ip4, "bad.strong");
	X("%{l1r-}", &ip4, "strong");
	X("%{ir}.%{v}._spf.%{d2}", &ip4, "3.2.0.192.in-addr._spf.example.com");
	X("%{lr-}.lp._spf.%{d2}", &ip4, "bad.strong.lp._spf.example.com");
	X("%{ir}.%{v}._spf.%{d2}", &ip6,
	  "b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
	X("%{h}%%%_%-", &ip4, "mx.example.org% %20");
#undef X
	s = "%{d0}";
	assert_int_equal(mw_spf_expand(s, strlen(s), &ip4, "a@b.example", "b.example", NULL,
				    out, sizeof(out)), -1);
}

static void test_spf_kind_queries(void **state)
{
	(void)state;
	assert_true(mw_spf_kind_queries(SPF_INCLUDE));
	assert_true(mw_spf_kind_queries(SPF_REDIRECT));
	assert_true(mw_spf_kind_queries(SPF_MX));
	assert_false(mw_spf_kind_queries(SPF_IP4));
	assert_false(mw_spf_kind_queries(SPF_ALL));
	assert_false(mw_spf_kind_queries(SPF_EXP));
}

static void test_tags_and_dmarc(void **state)
{
	struct rp_tag tags[RP_MAX_TAGS];
	struct dmarc_record d;
	char err[160];

	(void)state;
	assert_int_equal(mw_rp_tags_parse(" a = 1 ;b=2;", tags, err, sizeof(err)), 2);
	assert_int_equal(tags[0].name_len, 1);
	assert_memory_equal(tags[0].value, "1", 1);
	assert_int_equal(mw_rp_tags_parse("a=1; a=2", tags, err, sizeof(err)), -1);
	assert_int_equal(mw_rp_tags_parse("a=1; b", tags, err, sizeof(err)), -1);
	assert_int_equal(mw_rp_tags_parse("=1", tags, err, sizeof(err)), -1);

	assert_int_equal(mw_dmarc_parse("v=DMARC1; p=reject; sp=none; pct=20; adkim=s; "
				     "rua=mailto:d@example.com", &d, err, sizeof(err)), 0);
	assert_string_equal(d.p, "reject");
	assert_string_equal(d.sp, "none");
	assert_int_equal(d.pct, 20);
	assert_int_equal(d.adkim, 's');
	assert_int_equal(d.aspf, 'r');
	assert_string_equal(d.rua, "mailto:d@example.com");
	assert_int_equal(mw_dmarc_parse("v=DMARC1;p=none", &d, err, sizeof(err)), 0);
	assert_int_equal(d.pct, 100);
	assert_int_equal(mw_dmarc_parse("p=none; v=DMARC1", &d, err, sizeof(err)), -1);
	assert_int_equal(mw_dmarc_parse("v=DMARC1; rua=mailto:a@b.example", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no p="));
	assert_int_equal(mw_dmarc_parse("v=DMARC1; p=block", &d, err, sizeof(err)), -1);
	assert_int_equal(mw_dmarc_parse("v=DMARC1; p=none; pct=101", &d, err, sizeof(err)), -1);
	assert_int_equal(mw_dmarc_parse("v=DMARC1; p=none; rua=https://x", &d, err, sizeof(err)), -1);
	assert_int_equal(mw_dmarc_parse("v=dmarc1; p=none", &d, err, sizeof(err)), -1);
}

static void test_dkim_key_record(void **state)
{
	struct dkim_key k;
	char err[160];

	(void)state;
	assert_int_equal(mw_dkim_key_parse("v=DKIM1; k=rsa; p=AbC+/ de==", &k, err, sizeof(err)), 0);
	assert_string_equal(k.k, "rsa");
	assert_int_equal(k.p_len, 10);
	assert_int_equal(mw_dkim_key_parse("p=", &k, err, sizeof(err)), 0);
	assert_int_equal(k.p_len, 0);	/* revoked */
	assert_int_equal(mw_dkim_key_parse("k=rsa; v=DKIM1; p=AA", &k, err, sizeof(err)), -1);
	assert_int_equal(mw_dkim_key_parse("v=DKIM1; k=rsa", &k, err, sizeof(err)), -1);
	assert_int_equal(mw_dkim_key_parse("v=DKIM1; p=AA*", &k, err, sizeof(err)), -1);
}

static void test_names(void **state)
{
	static struct rp_names s;

	(void)state;
	assert_int_equal(mw_rp_names_add(&s, "Mail.Example.COM.", 17, "x"), 0);
	assert_string_equal(s.v[0].name, "mail.example.com");
	assert_int_equal(mw_rp_names_add(&s, "mail.example.com", 16, "y"), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(mw_rp_names_add(&s, "localhost", 9, "x"), -1);
	assert_int_equal(mw_rp_names_add(&s, "a..example", 10, "x"), -1);
	assert_int_equal(mw_rp_names_add(&s, "hash:/etc/x", 11, "x"), -1);
	assert_int_equal(mw_rp_names_add(&s, "$mydomain", 9, "x"), -1);
	s.max = 1;
	assert_int_equal(mw_rp_names_add(&s, "b.example", 9, "x"), 1);
	assert_int_equal(s.dropped, 1);
}

static void test_exim_dkim(void **state)
{
	static struct dkim_signers s;
	struct mw_strlist notes = { 0 };
	const char text[] =
		"remote_smtp:\n"
		"  dkim_domain = example.org\n"
		"  dkim_private_key = /etc/exim4/dkim/example.org.key\n"
		"  dkim_selector = s2024\n"
		"remote_smtp_smarthost:\n"
		"  dkim_domain = ${lc:${domain:$h_from:}}\n"
		"  dkim_private_key = /etc/exim4/dkim/${dkim_domain}.key\n"
		"  dkim_selector = mail\n"
		"other:\n"
		"  dkim_domain =\n"
		"  dkim_private_key =\n"
		"  dkim_selector =\n";

	(void)state;
	mw_dkim_read_exim_text(text, sizeof(text) - 1, &s, &notes);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].domain, "example.org");
	assert_string_equal(s.v[0].selector, "s2024");
	assert_string_equal(s.v[0].keyfile, "/etc/exim4/dkim/example.org.key");
	assert_true(s.configured);
	assert_int_equal(notes.n, 1);
	assert_non_null(strstr(notes.v[0], "expanded"));
	mw_strlist_clear(&notes);
}

static void test_opendkim_conf(void **state)
{
	static struct dkim_signers s;
	struct mw_strlist notes = { 0 };
	char *dir = make_tmpdir(), path[512], kt[512];
	FILE *f;

	(void)state;
	snprintf(kt, sizeof(kt), "%s/KeyTable", dir);
	f = fopen(kt, "w");
	assert_non_null(f);
	fprintf(f, "# comment\nk1 a.example:s1:/keys/a\n  k2\tb.example:s2:/keys/b  \nbroken line\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/opendkim.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "Syslog yes\nDomain ignored.example\nSelector x\nKeyFile /k\nKeyTable file:%s\n", kt);
	fclose(f);
	mw_dkim_read_opendkim(path, 1, &s, &notes);
	assert_int_equal(s.n, 2);	/* the KeyTable wins */
	assert_string_equal(s.v[1].domain, "b.example");
	assert_string_equal(s.v[1].selector, "s2");
	assert_string_equal(s.v[1].keyfile, "/keys/b");
	assert_non_null(strstr(s.v[1].source, "KeyTable:3"));
	assert_int_equal(notes.n, 0);

	memset(&s, 0, sizeof(s));
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "Domain a.example, b.example\nSelector sel\nKeyFile /k.pem\n");
	fclose(f);
	mw_dkim_read_opendkim(path, 1, &s, &notes);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[1].domain, "b.example");
	assert_string_equal(s.v[1].selector, "sel");

	memset(&s, 0, sizeof(s));
	mw_dkim_read_opendkim("/nonexistent/opendkim.conf", 0, &s, &notes);
	assert_int_equal(notes.n, 0);
	assert_false(s.configured);
	mw_dkim_read_opendkim("/nonexistent/opendkim.conf", 1, &s, &notes);
	assert_int_equal(notes.n, 1);
	mw_strlist_clear(&notes);
	rm_rf(dir);
	free(dir);
}

static void on_line(void *arg, const struct ml_line *l)
{
	mw_rp_log_senders_line(arg, l);
}

/* The two fixture logs through the logs check's own readers. */
static void test_log_senders(void **state)
{
	char pf[4096], ex[4096];
	const char *files[] = { pf, ex };
	struct mw_logs_opts lo = { .files = files, .nfiles = 2 };
	struct rp_log_senders *s = calloc(1, sizeof(*s));
	const struct rp_log_domain *top[8];
	struct mw_config cfg;
	struct mw_ctx ctx;

	(void)state;
	snprintf(pf, sizeof(pf), "%s/tests/fixtures/reput/senders-postfix.log", test_top());
	snprintf(ex, sizeof(ex), "%s/tests/fixtures/reput/senders-exim.log", test_top());
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(mw_config_defaults(&cfg), MW_OK);
	ctx.cfg = &cfg;
	ctx.report = mw_report_new("reputation");
	assert_non_null(s);
	assert_int_equal(mw_ml_logs_feed(&ctx, &lo, on_line, s), MW_OK);
	assert_int_equal(mw_report_nerrors(ctx.report), 0);
	/* picked up or authenticated, each message once: not the null
	 * sender, not mail that came in from outside */
	assert_int_equal(s->messages, 7);
	assert_int_equal(s->n, 4);
	assert_int_equal(mw_rp_log_senders_top(s, top, 8), 4);
	assert_string_equal(top[0]->name, "example.org");
	assert_int_equal(top[0]->messages, 2);
	assert_string_equal(top[1]->name, "news.example");
	assert_string_equal(top[2]->name, "shop.example");
	assert_int_equal(top[2]->messages, 2);
	assert_string_equal(top[3]->name, "web1.localdomain");
	assert_int_equal(mw_rp_log_senders_top(s, top, 2), 2);
	assert_string_equal(top[1]->name, "news.example");
	mw_report_free(ctx.report);
	mw_config_free(&cfg);
	free(s);
}

/* The cap on distinct domains holds, and an id overwritten in its slot
 * only loses that message. */
static void test_log_senders_caps(void **state)
{
	struct rp_log_senders *s = calloc(1, sizeof(*s));
	char msg[200];
	struct ml_line l = { 0, { "h", 1 }, { "postfix/pickup", 14 }, { msg, 0 } };
	unsigned i;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < RP_LOG_DOMAINS + 10; i++) {
		l.ident = (struct ml_str){ "postfix/pickup", 14 };
		l.msg.n = (size_t)snprintf(msg, sizeof(msg), "A%05X: uid=33 from=<w>", i);
		mw_rp_log_senders_line(s, &l);
		l.ident = (struct ml_str){ "postfix/qmgr", 12 };
		l.msg.n = (size_t)snprintf(msg, sizeof(msg), "A%05X: from=<w@d%u.example>, "
					   "size=1, nrcpt=1 (queue active)", i, i);
		mw_rp_log_senders_line(s, &l);
	}
	assert_int_equal(s->n, RP_LOG_DOMAINS);
	assert_int_equal(s->dropped, 10);
	/* an address with no usable domain is not counted */
	l.ident = (struct ml_str){ "postfix/pickup", 14 };
	l.msg.n = (size_t)snprintf(msg, sizeof(msg), "B1: uid=33 from=<w>");
	mw_rp_log_senders_line(s, &l);
	l.ident = (struct ml_str){ "postfix/qmgr", 12 };
	l.msg.n = (size_t)snprintf(msg, sizeof(msg), "B1: from=<a@c..example>, size=1, nrcpt=1 (queue active)");
	mw_rp_log_senders_line(s, &l);
	assert_int_equal(s->messages, RP_LOG_DOMAINS + 10);
	free(s);
}

static struct rp_ucl ucl;

static int ucl_ok(const char *t)
{
	char err[120];

	return mw_rp_ucl_parse(t, strlen(t), &ucl, err, sizeof(err)) == 0;
}

static void test_ucl(void **state)
{
	char deep[64] = "", err[120];
	int d, e, i;

	(void)state;
	assert_true(ucl_ok("# comment\nselector = \"s1\"; /* c */ path: '/k/$domain.key'\n"
			   "domain {\n  example.org { selector = s2; path = \"/k/a\\\"b\"; }\n"
			   "  \"quoted.example\" = { selectors [ { selector = a; path = /x; },"
			   " { selector = \"b\", path = \"/y\" } ] }\n}\n"
			   ".include(try=true) \"$LOCAL_CONFDIR/x.conf\"\n"
			   "allow_username_mismatch = true # trailing\n"));
	assert_int_equal(ucl.includes, 1);
	assert_string_equal(ucl.n[mw_rp_ucl_get(&ucl, -1, "selector")].value, "s1");
	assert_string_equal(ucl.n[mw_rp_ucl_get(&ucl, -1, "path")].value, "/k/$domain.key");
	assert_string_equal(ucl.n[mw_rp_ucl_get(&ucl, -1, "allow_username_mismatch")].value, "true");
	d = mw_rp_ucl_get(&ucl, -1, "domain");
	assert_true(d >= 0);
	e = mw_rp_ucl_get(&ucl, d, "example.org");
	assert_true(e >= 0);
	assert_int_equal(ucl.n[e].kind, RP_UCL_OBJECT);
	assert_string_equal(ucl.n[mw_rp_ucl_get(&ucl, e, "path")].value, "/k/a\"b");
	e = mw_rp_ucl_get(&ucl, mw_rp_ucl_get(&ucl, d, "quoted.example"), "selectors");
	assert_int_equal(ucl.n[e].kind, RP_UCL_ARRAY);
	/* the last of a repeated key wins */
	assert_true(ucl_ok("selector = a; selector = b;"));
	assert_string_equal(ucl.n[mw_rp_ucl_get(&ucl, -1, "selector")].value, "b");

	assert_false(ucl_ok("domain { a { selector = x; }"));
	assert_false(ucl_ok("selector = \"open"));
	assert_false(ucl_ok("/* never closed"));
	assert_false(ucl_ok("a = ;"));
	assert_false(ucl_ok("= b"));
	for (i = 0; i < RP_UCL_MAX_DEPTH + 1; i++)
		strcat(deep, "a{");
	assert_int_equal(mw_rp_ucl_parse(deep, strlen(deep), &ucl, err, sizeof(err)), -1);
	assert_string_equal(err, "nested too deep");
}

static void test_rspamd_dkim(void **state)
{
	char *dir = make_tmpdir(), p[600], key[600];
	struct dkim_signers *s = calloc(1, sizeof(*s));
	struct rp_rspamd_global g;
	struct mw_strlist notes = { 0 };
	static const char local[] =
		"# local.d\nselector = \"dkim\";\npath = \"/nonexistent/$domain.$selector.key\";\n"
		"domain {\n  one.example { selector = \"s1\"; path = \"/keys/one.key\"; }\n"
		"  two.example { path = \"/keys/$domain-$selector.key\"; }\n"
		"  three.example { selectors [ { selector = \"a\"; path = \"/keys/3a\"; },"
		" { selector = \"b\"; path = \"/keys/3b\"; } ] }\n}\n";

	(void)state;
	assert_non_null(s);
	snprintf(p, sizeof(p), "%s/local.d", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/local.d/dkim_signing.conf", dir);
	write_file(p, local, strlen(local));
	mw_rp_rspamd_read(dir, 1, s, &g, &notes);
	assert_int_equal(notes.n, 0);
	assert_true(s->configured);
	assert_int_equal(s->n, 4);
	assert_string_equal(s->v[0].domain, "one.example");
	assert_string_equal(s->v[0].selector, "s1");
	assert_string_equal(s->v[0].keyfile, "/keys/one.key");
	assert_string_equal(s->v[1].selector, "dkim");
	assert_string_equal(s->v[1].keyfile, "/keys/two.example-dkim.key");
	assert_string_equal(s->v[3].domain, "three.example");
	assert_string_equal(s->v[3].keyfile, "/keys/3b");
	assert_string_equal(g.selector, "dkim");

	/* override.d wins over local.d; the global path signs a domain whose
	 * key file exists, and only then */
	snprintf(p, sizeof(p), "%s/override.d", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/override.d/dkim_signing.conf", dir);
	snprintf(key, sizeof(key), "path = \"%s/$selector.$domain\"; selector = \"g1\";\n"
		 "domain { four.example { selector = s4; } }\n", dir);
	write_file(p, key, strlen(key));
	memset(s, 0, sizeof(*s));
	mw_rp_rspamd_read(dir, 1, s, &g, &notes);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->v[0].domain, "four.example");
	snprintf(key, sizeof(key), "%s/s4.four.example", dir);
	assert_string_equal(s->v[0].keyfile, key);
	assert_int_equal(mw_rp_rspamd_global_signer(&g, "five.example", s), 0);
	snprintf(key, sizeof(key), "%s/g1.five.example", dir);
	write_file(key, "x", 1);
	assert_int_equal(mw_rp_rspamd_global_signer(&g, "five.example", s), 1);
	assert_string_equal(s->v[1].keyfile, key);

	/* a broken file is a note, not signers */
	write_file(p, "domain { x.example {", 20);
	memset(s, 0, sizeof(*s));
	mw_rp_rspamd_read(dir, 1, s, &g, &notes);
	assert_int_equal(notes.n, 1);
	assert_non_null(strstr(notes.v[0], "unbalanced brackets"));
	mw_strlist_clear(&notes);
	memset(s, 0, sizeof(*s));
	mw_rp_rspamd_read("/nonexistent", 1, s, &g, &notes);
	assert_int_equal(notes.n, 1);
	assert_false(s->configured);
	mw_strlist_clear(&notes);
	rm_rf(dir);
	free(dir);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spf_parse_valid),
		cmocka_unit_test(test_spf_parse_invalid),
		cmocka_unit_test(test_spf_too_many_terms),
		cmocka_unit_test(test_spf_macros),
		cmocka_unit_test(test_spf_kind_queries),
		cmocka_unit_test(test_tags_and_dmarc),
		cmocka_unit_test(test_dkim_key_record),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_exim_dkim),
		cmocka_unit_test(test_opendkim_conf),
		cmocka_unit_test(test_log_senders),
		cmocka_unit_test(test_log_senders_caps),
		cmocka_unit_test(test_ucl),
		cmocka_unit_test(test_rspamd_dkim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
