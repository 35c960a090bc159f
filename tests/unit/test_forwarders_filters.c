/* Exim filter, procmail and maildrop parsers. */
#include "tests/unit/fwdtest.h"

static void test_exim_filter(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_exim_filter, &d,
		  "# Exim filter\n"
		  "if $h_subject: contains \"Re:\" or $h_subject: begins \"AW:\"\n"
		  "then\n"
		  "  save Maildir/.Trash/ 0600\n"
		  "  finish\n"
		  "elif $h_from: contains \"boss\" then\n"
		  "  unseen deliver boss-copy@example.com errors_to me@example.com\n"
		  "else\n"
		  "  logwrite \"x\"\n"
		  "endif\n"
		  "unseen deliver \"out@gmail.com\"\n"
		  "pipe \"/usr/bin/php /tmp/x.php\"\n"
		  "mail to \"a@x.example, b@y.example\" subject \"s\" text \"t\" expand once /tmp/o\n"
		  "headers add \"X-Y: z\"\n"
		  "add 1 to n1\n"
		  "noerror seen deliver \"e@x.example\"\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 7);
	assert_fact(&d, 0, FWD_FILE, "Maildir/.Trash/");
	assert_int_equal(d.hide_line, 4);
	assert_fact(&d, 1, FWD_FORWARD, "boss-copy@example.com");
	assert_true(d.facts[1].copy);
	assert_true(d.facts[1].conditional);
	assert_fact(&d, 2, FWD_FORWARD, "out@gmail.com");
	assert_true(d.facts[2].copy);
	assert_false(d.facts[2].conditional);
	assert_fact(&d, 3, FWD_PIPE, "/usr/bin/php /tmp/x.php");
	assert_fact(&d, 4, FWD_NOTIFY, "a@x.example");
	assert_fact(&d, 5, FWD_NOTIFY, "b@y.example");
	assert_fact(&d, 6, FWD_FORWARD, "e@x.example");
	assert_false(d.facts[6].copy);
	mw_fwd_doc_free(&d);
}

static void test_exim_filter_errors(void **state)
{
	static const char *const bad[] = {
		"# Exim filter\nif $h_x: is \"y\" then\n deliver a@b\n",
		"# Exim filter\nendif\n",
		"# Exim filter\ndeliver\n",
		"# Exim filter\nif ( $h_x: is \"y\" then deliver a@b endif\n",
		"# Exim filter\ndeliver \"unterminated\n",
		"# Exim filter\nfrobnicate x\n",
	};
	struct fwd_doc d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_str(mw_fwd_parse_exim_filter, &d, bad[i]);
		if (d.nerrs != 1)
			fail_msg("case %zu: %zu errors", i, d.nerrs);
		mw_fwd_doc_free(&d);
	}
	/* spam filing does not count as hiding */
	parse_str(mw_fwd_parse_exim_filter, &d,
		  "# Exim filter\nif $h_X-Spam-Flag: is \"YES\" then save /dev/null endif\n"
		  "deliver x@gmail.com\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.hide_line, 0);
	mw_fwd_doc_free(&d);
}

static void test_procmail(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_procmail, &d,
		  "MAILDIR=$HOME/Maildir\n"
		  "INCLUDERC=$HOME/.procmail/extra.rc\n"
		  "# comment\n"
		  ":0c\n"
		  "! copy@gmail.com other@x.example\n"
		  ":0 HB:\n"
		  "* ^Subject:.*urgent\n"
		  "* ! ^From:.*me\n"
		  "| /home/u/bin/run.sh \\\n"
		  "  --flag\n"
		  ":0\n"
		  "* ^From:.*boss\n"
		  "{\n"
		  "  :0 c\n"
		  "  ! -oi watch@example.com\n"
		  "  :0\n"
		  "  Maildir/.Trash/\n"
		  "}\n"
		  ":0:\n"
		  "$MAILDIR/\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 7);
	assert_fact(&d, 0, FWD_INCLUDE, "$HOME/.procmail/extra.rc");
	assert_fact(&d, 1, FWD_FORWARD, "copy@gmail.com");
	assert_true(d.facts[1].copy);
	assert_false(d.facts[1].conditional);
	assert_fact(&d, 2, FWD_FORWARD, "other@x.example");
	assert_fact(&d, 3, FWD_PIPE, "/home/u/bin/run.sh   --flag");
	assert_true(d.facts[3].conditional);
	assert_int_equal(d.facts[3].line, 9);
	assert_fact(&d, 4, FWD_FORWARD, "watch@example.com");
	assert_true(d.facts[4].conditional);
	assert_fact(&d, 5, FWD_FILE, "Maildir/.Trash/");
	assert_int_equal(d.hide_line, 17);
	assert_fact(&d, 6, FWD_FILE, "$MAILDIR/");
	assert_false(d.facts[6].conditional);
	mw_fwd_doc_free(&d);
}

static void test_procmail_errors(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_procmail, &d, ":0\n* ^Subject: x\n");
	assert_int_equal(d.nerrs, 1);
	assert_int_equal(d.errs[0].line, 1);
	mw_fwd_doc_free(&d);
	parse_str(mw_fwd_parse_procmail, &d, ":0\n{\n:0\n! a@b.example\n");
	assert_int_equal(d.nerrs, 1);
	mw_fwd_doc_free(&d);
	parse_str(mw_fwd_parse_procmail, &d, "}\n:0Q\n/dev/null\nnot an assignment\n");
	assert_int_equal(d.nerrs, 3);
	mw_fwd_doc_free(&d);
	/* spam to /dev/null is filtering, not hiding */
	parse_str(mw_fwd_parse_procmail, &d, ":0\n* ^X-Spam-Status: Yes\n/dev/null\n");
	assert_int_equal(d.hide_line, 0);
	mw_fwd_doc_free(&d);
}

static void test_maildrop(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_maildrop, &d,
		  "# maildrop\n"
		  "import HOME\n"
		  "if (/^Subject:.*(invoice|pay\\/ment)/:h && $SIZE < 10000)\n"
		  "{\n"
		  "   cc \"!leak@mail.ru other@x.example\"\n"
		  "}\n"
		  "else\n"
		  "{\n"
		  "   to '|/tmp/.x/run.sh'\n"
		  "}\n"
		  "include \"$HOME/.mailfilter-extra\"\n"
		  "xfilter \"reformail -A 'X-A: b'\"\n"
		  "X=\"a;b\"; to \"$HOME/Maildir/.Junk/\"\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 5);
	assert_fact(&d, 0, FWD_FORWARD, "leak@mail.ru");
	assert_true(d.facts[0].copy);
	assert_true(d.facts[0].conditional);
	assert_fact(&d, 1, FWD_FORWARD, "other@x.example");
	assert_fact(&d, 2, FWD_PIPE, "/tmp/.x/run.sh");
	assert_true(d.facts[2].conditional);
	assert_fact(&d, 3, FWD_INCLUDE, "$HOME/.mailfilter-extra");
	assert_fact(&d, 4, FWD_FILE, "$HOME/Maildir/.Junk/");
	assert_false(d.facts[4].conditional);
	assert_int_equal(d.hide_line, 13);
	mw_fwd_doc_free(&d);
}

static void test_maildrop_errors(void **state)
{
	static const char *const bad[] = {
		"if (/^Subject: x/\n{\n to \"!a@b\"\n}\n",
		"if (/x/)\nto \"a\"\n",
		"}\n",
		"if (/x/) {\n to \"a\"\n",
		"to \"unterminated\n",
		"to\n",
	};
	struct fwd_doc d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_str(mw_fwd_parse_maildrop, &d, bad[i]);
		if (d.nerrs != 1)
			fail_msg("case %zu: %zu errors", i, d.nerrs);
		mw_fwd_doc_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exim_filter),
		cmocka_unit_test(test_exim_filter_errors),
		cmocka_unit_test(test_procmail),
		cmocka_unit_test(test_procmail_errors),
		cmocka_unit_test(test_maildrop),
		cmocka_unit_test(test_maildrop_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
