#include "tests/unit/testutil.h"

#include "scanner/maillog/maillog.h"

static struct ml_provider_hit h;

static int hit(const char *reply, const char *mx)
{
	return mw_ml_reply_provider(reply, strlen(reply), mx, mx ? strlen(mx) : 0, &h);
}

static void test_gmail(void **state)
{
	(void)state;
	assert_true(hit("host gmail-smtp-in.l.google.com[142.250.102.27] said: 421-4.7.28 "
			"[203.0.113.7      15] Our system has detected an unusual rate - gsmtp",
			"gmail-smtp-in.l.google.com"));
	assert_string_equal(h.provider, "Gmail");
	assert_string_equal(h.code, "4.7.28");
	assert_string_equal(h.status, "421 4.7.28");
	/* our address, not the MX's before "said:" */
	assert_string_equal(h.ip, "203.0.113.7");
	assert_non_null(h.meaning);
	/* known from the text alone ("gsmtp") when the MX name is unknown */
	assert_true(hit("550-5.7.26 This mail has been blocked because the sender is "
			"unauthenticated. - gsmtp", NULL));
	assert_string_equal(h.code, "5.7.26");
	assert_string_equal(h.ip, "");
}

static void test_tokens(void **state)
{
	(void)state;
	assert_true(hit("421 4.7.0 [TSS04] Messages from 2001:db8::25 temporarily deferred "
			"- 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
			"mta7.am0.yahoodns.net"));
	assert_string_equal(h.provider, "Yahoo/AOL");
	assert_string_equal(h.code, "TSS04");
	assert_string_equal(h.ip, "2001:db8::25");
	assert_true(hit("550 5.7.1 Unfortunately, messages from [198.51.100.4] weren't sent. "
			"(S3150). [AM0PR01MB1234.eurprd01.prod.exchangelabs.com]",
			"outlook-com.olc.protection.outlook.com"));
	assert_string_equal(h.provider, "Microsoft");
	assert_string_equal(h.code, "S3150");
	assert_string_equal(h.ip, "198.51.100.4");
	assert_true(hit("550 5.7.1 [CS01] Message rejected due to local policy",
			"mx01.mail.icloud.com."));
	assert_string_equal(h.provider, "Apple iCloud");
	assert_string_equal(h.code, "CS01");
	assert_true(hit("554-IP address is black listed. 554 visit https://postmaster.gmx.net/"
			"en/case?c=r0601&v=192.0.2.9&r=1", "mx00.emig.gmx.net"));
	assert_string_equal(h.code, "554");
	assert_string_equal(h.ip, "192.0.2.9");
}

static void test_not_a_provider(void **state)
{
	(void)state;
	assert_false(hit("554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked "
			 "using zen.spamhaus.org", "mx.example.net"));
	/* a look-alike host is not the provider */
	assert_false(hit("550 5.7.1 refused", "notgoogle.com"));
	assert_false(hit("", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gmail),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_not_a_provider),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
