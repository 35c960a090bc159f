/* Judging helpers: address domains, local/external, free mail, pipes;
 * the login a finding names for the audit's reset step. */
#include "tests/unit/fwdtest.h"

#include "reports/report.h"
#include "scanner/forwarders/fwd_judge.h"
#include "scanner/forwarders/fwd_run.h"

static void test_domain(void **state)
{
	char d[64];

	(void)state;
	assert_int_equal(mw_fwd_address_domain("a@Example.COM", d, sizeof(d)), 0);
	assert_string_equal(d, "example.com");
	assert_int_equal(mw_fwd_address_domain("<x@y.example>", d, sizeof(d)), 0);
	assert_string_equal(d, "y.example");
	assert_int_equal(mw_fwd_address_domain("\"a@b\"@c.example", d, sizeof(d)), 0);
	assert_string_equal(d, "c.example");
	assert_int_equal(mw_fwd_address_domain("bob", d, sizeof(d)), 0);
	assert_string_equal(d, "");
	assert_int_equal(mw_fwd_address_domain("a@0123456789012345678901234567890123456789012345678901234567890123456789",
					     d, sizeof(d)), -1);
}

static void test_external(void **state)
{
	struct mw_strlist local = { 0 }, allowed = { 0 };

	(void)state;
	assert_int_equal(mw_strlist_add_words(&local, "example.com .corp.example"), MW_OK);
	assert_int_equal(mw_strlist_add_words(&allowed, "partner.example"), MW_OK);
	assert_false(mw_fwd_address_is_external("a@EXAMPLE.com", &local, &allowed));
	assert_false(mw_fwd_address_is_external("bob", &local, &allowed));
	assert_false(mw_fwd_address_is_external("root@localhost", &local, &allowed));
	assert_false(mw_fwd_address_is_external("a@mail.corp.example", &local, &allowed));
	assert_false(mw_fwd_address_is_external("a@corp.example", &local, &allowed));
	assert_false(mw_fwd_address_is_external("x@partner.example", &local, &allowed));
	assert_true(mw_fwd_address_is_external("a@gmail.com", &local, &allowed));
	assert_true(mw_fwd_address_is_external("a@example.com.evil.example", &local, &allowed));
	assert_true(mw_fwd_address_is_external("a@notexample.com", &local, &allowed));
	assert_true(mw_fwd_address_is_external("$h_reply-to:", &local, &allowed));
	assert_true(mw_fwd_address_is_external("${addr}", &local, &allowed));
	assert_true(mw_fwd_address_is_external("me@${dom}", &local, &allowed));
	assert_false(mw_fwd_address_is_external("${1}@example.com", &local, &allowed));
	mw_strlist_clear(&local);
	mw_strlist_clear(&allowed);
}

static void test_freemail(void **state)
{
	(void)state;
	assert_true(mw_fwd_domain_is_freemail("gmail.com"));
	assert_true(mw_fwd_domain_is_freemail("yahoo.co.uk"));
	assert_true(mw_fwd_domain_is_freemail("proton.me"));
	assert_false(mw_fwd_domain_is_freemail("example.com"));
	assert_false(mw_fwd_domain_is_freemail("gmail.com.evil.example"));
}

static void test_pipes(void **state)
{
	(void)state;
	assert_true(mw_fwd_pipe_is_standard("/usr/lib/dovecot/deliver -d bob"));
	assert_true(mw_fwd_pipe_is_standard("/usr/bin/procmail -f-"));
	assert_true(mw_fwd_pipe_is_standard("\"/var/lib/mailman/mail/mailman\" post x"));
	assert_true(mw_fwd_pipe_is_standard("exec /usr/bin/maildrop"));
	assert_false(mw_fwd_pipe_is_standard("/usr/bin/php /var/www/x.php"));
	assert_false(mw_fwd_pipe_is_standard("/tmp/.x/run.sh"));
	assert_false(mw_fwd_pipe_is_standard("procmail"));
	assert_false(mw_fwd_pipe_is_standard("/usr/lib/dovecot/../../../tmp/x"));
	assert_false(mw_fwd_pipe_is_standard("/usr/bin/procmail; curl evil"));
	assert_false(mw_fwd_pipe_is_standard("/usr/bin/procmail | /tmp/x"));
	assert_false(mw_fwd_pipe_is_standard("/usr/bin/procmailx"));
	assert_false(mw_fwd_pipe_is_standard("/usr/sbin/sendmail -oi a@gmail.com"));
}

/* The account (struct mw_finding) of the finding for one external
 * forward in a file of this kind; NULL when the check names none. */
static char *account_of(const char *source, enum fwd_format fmt, const char *path,
			const char *owner, const char *text)
{
	struct mw_ctx ctx;
	struct fwd_run r;
	struct fwd_src src;
	struct fwd_doc d;
	struct stat st;
	char *acc;

	memset(&ctx, 0, sizeof(ctx));
	memset(&r, 0, sizeof(r));
	memset(&src, 0, sizeof(src));
	memset(&st, 0, sizeof(st));
	r.ctx = &ctx;
	r.rep = mw_report_new("forwarders");
	assert_non_null(r.rep);
	assert_int_equal(mw_strlist_add(&r.local, "example.org"), MW_OK);
	src.source = source;
	src.fmt = fmt;
	src.owner = owner;
	parse_str(mw_fwd_parse_forward, &d, text);
	assert_int_equal(d.nfacts, 1);
	mw_fwd_judge_fact(&r, &src, path, &st, &d, &d.facts[0]);
	assert_int_equal(mw_report_nfindings(r.rep), 1);
	acc = mw_report_finding(r.rep, 0)->account;
	acc = acc ? strdup(acc) : NULL;
	mw_fwd_doc_free(&d);
	mw_strlist_clear(&r.local);
	mw_strset_free(&r.finding_keys);
	mw_report_free(r.rep);
	return acc;
}

/* A user's own filter names its owner, when that is a login; aliases, a
 * cPanel domain alias, a domain's filter, the system filter, a notice and
 * a disabled rule name nobody (the audit then plans no password reset). */
static void test_account(void **state)
{
	char *a;

	(void)state;
	a = account_of("forward", FMT_FORWARD, "/home/info/.forward", "info",
		       "drop@evil.example\n");
	assert_string_equal(a, "info");
	free(a);
	a = account_of("sieve", FMT_FORWARD, "/home/bob/.dovecot.sieve",
		       "bob@example.org", "drop@evil.example\n");
	assert_string_equal(a, "bob@example.org");
	free(a);
	assert_null(account_of("aliases", FMT_FORWARD, "/etc/aliases", "webmaster",
			       "drop@evil.example\n"));
	assert_null(account_of("cpanel", FMT_FORWARD, "/etc/valiases/shop.example",
			       "info@shop.example", "drop@evil.example\n"));
	assert_null(account_of("cpanel", FMT_FORWARD, "/etc/vfilters/shop.example",
			       "shop.example", "drop@evil.example\n"));
	assert_null(account_of("exim-filter", FMT_FORWARD, "/etc/exim4/filter",
			       "(system filter)", "drop@evil.example\n"));
	assert_null(account_of("forward", FMT_FORWARD, "/home/x/.forward", "x;rm",
			       "drop@evil.example\n"));
	assert_null(account_of("forward", FMT_FORWARD, "/home/info/.forward", "info",
			       "|/tmp/x.sh\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_external),
		cmocka_unit_test(test_freemail),
		cmocka_unit_test(test_pipes),
		cmocka_unit_test(test_account),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
