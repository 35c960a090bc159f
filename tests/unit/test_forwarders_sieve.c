/* The Sieve parser: the fixture scripts that Dovecot's sievec accepts must
 * parse without errors, the ones it refuses must give a parse error (the
 * e2e test forwarders_sievec.sh checks the sievec side), and the facts
 * must describe where mail goes. */
#include <dirent.h>

#include "tests/unit/fwdtest.h"

static size_t parse_dir(const char *sub, int want_errors)
{
	char dir[4096], path[4400];
	struct dirent *de;
	size_t count = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/sieve/%s", test_top(), sub);
	dp = opendir(dir);
	assert_non_null(dp);
	while ((de = readdir(dp))) {
		struct fwd_doc d;
		size_t len = 0;
		char *text;

		if (!strstr(de->d_name, ".sieve"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		text = slurp(path, &len);
		assert_non_null(text);
		mw_fwd_doc_init(&d);
		assert_int_equal(mw_fwd_parse_sieve(&d, text, len), MW_OK);
		if (want_errors ? d.nerrs == 0 : d.nerrs != 0)
			fail_msg("%s: expected %s, got %zu error(s)%s%s", path,
				 want_errors ? "a parse error" : "no error",
				 d.nerrs, d.nerrs ? ": " : "",
				 d.nerrs ? d.errs[0].msg : "");
		mw_fwd_doc_free(&d);
		free(text);
		count++;
	}
	closedir(dp);
	return count;
}

static void test_valid_fixtures(void **state)
{
	(void)state;
	assert_true(parse_dir("valid", 0) >= 10);
}

static void test_broken_fixtures(void **state)
{
	(void)state;
	assert_true(parse_dir("broken", 1) >= 10);
}

static void test_redirects_and_flags(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_sieve, &d,
		  "require [\"copy\", \"fileinto\"];\n"
		  "redirect :copy \"a@x.example\";\n"
		  "if header :contains \"subject\" \"Re:\" { fileinto \"Trash\"; }\n"
		  "if false # rule:[off]\n{ redirect \"b@y.example\"; }\n"
		  "if true { redirect \"c@z.example\"; } else { redirect \"d@w.example\"; }\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 5);
	assert_fact(&d, 0, FWD_REDIRECT, "a@x.example");
	assert_true(d.facts[0].copy);
	assert_false(d.facts[0].conditional);
	assert_fact(&d, 1, FWD_FILE, "Trash");
	assert_true(d.facts[1].conditional);
	assert_int_equal(d.hide_line, 3);
	assert_fact(&d, 2, FWD_REDIRECT, "b@y.example");
	assert_true(d.facts[2].disabled);
	assert_int_equal(d.facts[2].line, 5);
	assert_fact(&d, 3, FWD_REDIRECT, "c@z.example");
	assert_false(d.facts[3].disabled);
	assert_false(d.facts[3].conditional);
	/* else after a constant-true if never runs */
	assert_fact(&d, 4, FWD_REDIRECT, "d@w.example");
	assert_true(d.facts[4].disabled);
	mw_fwd_doc_free(&d);
}

static void test_spam_filing_is_not_hiding(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_sieve, &d,
		  "require \"fileinto\";\n"
		  "if header :contains \"X-Spam-Flag\" \"YES\" { fileinto \"Junk\"; discard; }\n"
		  "redirect \"a@x.example\";\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.hide_line, 0);
	mw_fwd_doc_free(&d);
	parse_str(mw_fwd_parse_sieve, &d, "redirect \"a@x.example\";\ndiscard;\n");
	assert_int_equal(d.hide_line, 2);
	mw_fwd_doc_free(&d);
}

static void test_stop_makes_rest_unreachable(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_sieve, &d,
		  "if header :is \"x\" \"y\" { stop; }\n"
		  "redirect \"a@x.example\";\n"
		  "stop;\n"
		  "redirect \"b@x.example\";\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 2);
	assert_false(d.facts[0].disabled);
	assert_true(d.facts[1].disabled);
	mw_fwd_doc_free(&d);
}

static void test_multiline_and_comments(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_sieve, &d,
		  "require \"vacation\";\n"
		  "/* redirect \"hidden@in.comment\"; */\n"
		  "# redirect \"hidden@in.hash\";\n"
		  "vacation text: # comment\r\n"
		  "redirect \"not@a.command\";\r\n"
		  "..\r\n"
		  ".\r\n"
		  ";\n"
		  "redirect \"real@x.example\";\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 1);
	assert_fact(&d, 0, FWD_REDIRECT, "real@x.example");
	assert_int_equal(d.facts[0].line, 9);
	mw_fwd_doc_free(&d);
}

static void test_notify_and_include(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_sieve, &d,
		  "require [\"enotify\", \"include\"];\n"
		  "notify :message \"m\" \"mailto:a@x.example,b@y.example?subject=s\";\n"
		  "notify \"xmpp:c@z.example\";\n"
		  "include :global \"common\";\n"
		  "include \"mine\";\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 4);
	assert_fact(&d, 0, FWD_NOTIFY, "a@x.example");
	assert_fact(&d, 1, FWD_NOTIFY, "b@y.example");
	assert_fact(&d, 2, FWD_INCLUDE, "common");
	assert_string_equal(d.facts[2].key, "global");
	assert_fact(&d, 3, FWD_INCLUDE, "mine");
	assert_string_equal(d.facts[3].key, "personal");
	mw_fwd_doc_free(&d);

	parse_str(mw_fwd_parse_sieve, &d,
		  "require \"notify\";\n"
		  "notify :method \"mailto\" :options [\"p@x.example\"] :message \"m\";\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 1);
	assert_fact(&d, 0, FWD_NOTIFY, "p@x.example");
	mw_fwd_doc_free(&d);
}

static void test_variables(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_sieve, &d,
		  "require [\"variables\"];\n"
		  "set \"dom\" \"exfil.example\";\n"
		  "set :lower \"who\" \"Boss\";\n"
		  "set \"addr\" \"${who}@${DOM}\";\n"
		  "redirect \"${addr}\";\n"
		  "redirect \"${nothing}\";\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 2);
	assert_fact(&d, 0, FWD_REDIRECT, "Boss@exfil.example");
	assert_fact(&d, 1, FWD_REDIRECT, "${nothing}");
	mw_fwd_doc_free(&d);
	parse_str(mw_fwd_parse_sieve, &d,
		  "require [\"vnd.dovecot.pipe\", \"copy\"];\n"
		  "pipe :copy \"sendout\" [\"x@y.example\"];\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 1);
	assert_fact(&d, 0, FWD_PIPE, "sendout");
	assert_true(d.facts[0].copy);
	mw_fwd_doc_free(&d);
	/* without require "variables" a set is an error, as in sievec */
	parse_str(mw_fwd_parse_sieve, &d, "set \"a\" \"b\";\n");
	assert_int_equal(d.nerrs, 1);
	mw_fwd_doc_free(&d);
}

static void test_error_lines(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_sieve, &d, "keep;\n\nredirect \"x\"\nkeep;\n");
	assert_int_equal(d.nerrs, 1);
	assert_int_equal(d.errs[0].line, 3);
	mw_fwd_doc_free(&d);
	parse_str(mw_fwd_parse_sieve, &d, "keep;\n\"x\\\n");
	assert_int_equal(d.nerrs, 1);
	assert_int_equal(d.errs[0].line, 2);
	mw_fwd_doc_free(&d);
	/* deep nesting is refused, not a stack overflow */
	{
		char buf[8192];
		size_t i, o = 0;

		for (i = 0; i < 1000; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "not ");
		snprintf(buf + o, sizeof(buf) - o, "true");
		mw_fwd_doc_init(&d);
		{
			char script[9000];

			snprintf(script, sizeof(script), "if %s { keep; }", buf);
			assert_int_equal(mw_fwd_parse_sieve(&d, script, strlen(script)), MW_OK);
		}
		assert_int_equal(d.nerrs, 1);
		mw_fwd_doc_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_fixtures),
		cmocka_unit_test(test_broken_fixtures),
		cmocka_unit_test(test_redirects_and_flags),
		cmocka_unit_test(test_spam_filing_is_not_hiding),
		cmocka_unit_test(test_stop_makes_rest_unreachable),
		cmocka_unit_test(test_multiline_and_comments),
		cmocka_unit_test(test_notify_and_include),
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_error_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
