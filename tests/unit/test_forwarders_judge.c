/* Judging helpers: address domains, local/external, free mail, pipes. */
#include "tests/unit/testutil.h"

#include "scanner/forwarders/fwd_judge.h"

static void test_domain(void **state)
{
	char d[64];

	(void)state;
	assert_int_equal(fwd_address_domain("a@Example.COM", d, sizeof(d)), 0);
	assert_string_equal(d, "example.com");
	assert_int_equal(fwd_address_domain("<x@y.example>", d, sizeof(d)), 0);
	assert_string_equal(d, "y.example");
	assert_int_equal(fwd_address_domain("\"a@b\"@c.example", d, sizeof(d)), 0);
	assert_string_equal(d, "c.example");
	assert_int_equal(fwd_address_domain("bob", d, sizeof(d)), 0);
	assert_string_equal(d, "");
	assert_int_equal(fwd_address_domain("a@0123456789012345678901234567890123456789012345678901234567890123456789",
					     d, sizeof(d)), -1);
}

static void test_external(void **state)
{
	struct mw_strlist local = { 0 }, allowed = { 0 };

	(void)state;
	assert_int_equal(mw_strlist_add_words(&local, "example.com .corp.example"), MW_OK);
	assert_int_equal(mw_strlist_add_words(&allowed, "partner.example"), MW_OK);
	assert_false(fwd_address_is_external("a@EXAMPLE.com", &local, &allowed));
	assert_false(fwd_address_is_external("bob", &local, &allowed));
	assert_false(fwd_address_is_external("root@localhost", &local, &allowed));
	assert_false(fwd_address_is_external("a@mail.corp.example", &local, &allowed));
	assert_false(fwd_address_is_external("a@corp.example", &local, &allowed));
	assert_false(fwd_address_is_external("x@partner.example", &local, &allowed));
	assert_true(fwd_address_is_external("a@gmail.com", &local, &allowed));
	assert_true(fwd_address_is_external("a@example.com.evil.example", &local, &allowed));
	assert_true(fwd_address_is_external("a@notexample.com", &local, &allowed));
	assert_true(fwd_address_is_external("$h_reply-to:", &local, &allowed));
	assert_true(fwd_address_is_external("${addr}", &local, &allowed));
	assert_true(fwd_address_is_external("me@${dom}", &local, &allowed));
	assert_false(fwd_address_is_external("${1}@example.com", &local, &allowed));
	mw_strlist_clear(&local);
	mw_strlist_clear(&allowed);
}

static void test_freemail(void **state)
{
	(void)state;
	assert_true(fwd_domain_is_freemail("gmail.com"));
	assert_true(fwd_domain_is_freemail("yahoo.co.uk"));
	assert_true(fwd_domain_is_freemail("proton.me"));
	assert_false(fwd_domain_is_freemail("example.com"));
	assert_false(fwd_domain_is_freemail("gmail.com.evil.example"));
}

static void test_pipes(void **state)
{
	(void)state;
	assert_true(fwd_pipe_is_standard("/usr/lib/dovecot/deliver -d bob"));
	assert_true(fwd_pipe_is_standard("/usr/bin/procmail -f-"));
	assert_true(fwd_pipe_is_standard("\"/var/lib/mailman/mail/mailman\" post x"));
	assert_true(fwd_pipe_is_standard("exec /usr/bin/maildrop"));
	assert_false(fwd_pipe_is_standard("/usr/bin/php /var/www/x.php"));
	assert_false(fwd_pipe_is_standard("/tmp/.x/run.sh"));
	assert_false(fwd_pipe_is_standard("procmail"));
	assert_false(fwd_pipe_is_standard("/usr/lib/dovecot/../../../tmp/x"));
	assert_false(fwd_pipe_is_standard("/usr/bin/procmail; curl evil"));
	assert_false(fwd_pipe_is_standard("/usr/bin/procmail | /tmp/x"));
	assert_false(fwd_pipe_is_standard("/usr/bin/procmailx"));
	assert_false(fwd_pipe_is_standard("/usr/sbin/sendmail -oi a@gmail.com"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_external),
		cmocka_unit_test(test_freemail),
		cmocka_unit_test(test_pipes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
