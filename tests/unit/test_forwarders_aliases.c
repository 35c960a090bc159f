/* aliases(5), .forward lists, Postfix virtual/regexp tables, main.cf and
 * Dovecot configuration parsers. */
#include "tests/unit/fwdtest.h"

static void test_aliases_basic(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_aliases, &d,
		  "# comment\n"
		  "postmaster: root\n"
		  "webmaster: \"|/usr/bin/php /x/m.php\", /var/log/archive\n"
		  "\"office manager\": a@example.com,\n"
		  "\tb@evil.example\n"
		  "team: :include:/etc/mail/team\n"
		  "local: \\bob\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 7);
	assert_fact(&d, 0, FWD_FORWARD, "root");
	assert_string_equal(d.facts[0].key, "postmaster");
	assert_fact(&d, 1, FWD_PIPE, "/usr/bin/php /x/m.php");
	assert_fact(&d, 2, FWD_FILE, "/var/log/archive");
	assert_fact(&d, 3, FWD_FORWARD, "a@example.com");
	assert_string_equal(d.facts[3].key, "office manager");
	assert_fact(&d, 4, FWD_FORWARD, "b@evil.example");
	/* the continuation belongs to the entry that started on line 4 */
	assert_int_equal(d.facts[4].line, 4);
	assert_fact(&d, 5, FWD_INCLUDE, "/etc/mail/team");
	assert_fact(&d, 6, FWD_FORWARD, "bob");
	mw_fwd_doc_free(&d);
}

static void test_aliases_errors(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_aliases, &d,
		  "nocolon target@example.com\n"
		  "\"unterminated: x\n"
		  "empty:\n"
		  "ok: a@b.example\n");
	assert_int_equal(d.nerrs, 3);
	assert_int_equal(d.errs[0].line, 1);
	assert_int_equal(d.errs[1].line, 2);
	assert_int_equal(d.errs[2].line, 3);
	assert_int_equal(d.nfacts, 1);
	mw_fwd_doc_free(&d);
}

static void test_aliases_cpanel_fail_and_blackhole(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_aliases, &d,
		  "*: :fail: No Such User Here\n"
		  "spam@shop.example: :blackhole:\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 0);
	assert_int_equal(d.hide_line, 2);
	mw_fwd_doc_free(&d);
}

static void test_aliases_nul_crlf_overlong(void **state)
{
	struct fwd_doc d;
	char *big;
	size_t n = 20000;

	(void)state;
	mw_fwd_doc_init(&d);
	assert_int_equal(mw_fwd_parse_aliases(&d, "a: x@y.example\r\nb: \0z\r\n", 22), MW_OK);
	assert_int_equal(d.nfacts, 1);
	assert_fact(&d, 0, FWD_FORWARD, "x@y.example");
	assert_int_equal(d.nerrs, 1);
	assert_int_equal(d.errs[0].line, 2);
	mw_fwd_doc_free(&d);

	big = malloc(n);
	assert_non_null(big);
	memset(big, 'a', n);
	big[0] = 'k';
	big[1] = ':';
	big[2] = ' ';
	mw_fwd_doc_init(&d);
	assert_int_equal(mw_fwd_parse_aliases(&d, big, n), MW_OK);
	assert_true(d.nerrs >= 1);
	/* the kept destination is capped */
	assert_true(d.nfacts <= 1);
	if (d.nfacts)
		assert_true(strlen(d.facts[0].dest) <= FWD_MAX_DEST);
	mw_fwd_doc_free(&d);
	free(big);
}

static void test_forward_list(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_forward, &d,
		  "a@example.com, b@evil.example c@x.example\n"
		  "|/usr/bin/procmail -f-\n"
		  "\"|/usr/bin/php /tmp/x.php, with comma\"\n"
		  "\\alice\n"
		  "\"first last\"@quoted.example\n");
	assert_int_equal(d.nerrs, 0);
	assert_int_equal(d.nfacts, 7);
	assert_fact(&d, 1, FWD_FORWARD, "b@evil.example");
	assert_fact(&d, 2, FWD_FORWARD, "c@x.example");
	assert_fact(&d, 3, FWD_PIPE, "/usr/bin/procmail -f-");
	assert_fact(&d, 4, FWD_PIPE, "/usr/bin/php /tmp/x.php, with comma");
	assert_fact(&d, 5, FWD_FORWARD, "alice");
	assert_fact(&d, 6, FWD_FORWARD, "\"first last\"@quoted.example");
	mw_fwd_doc_free(&d);
}

static void test_forward_filter_type(void **state)
{
	(void)state;
	assert_int_equal(mw_fwd_forward_filter_type("# Exim filter\nx", 15), 1);
	assert_int_equal(mw_fwd_forward_filter_type("#exim FILTER", 12), 1);
	assert_int_equal(mw_fwd_forward_filter_type("# Sieve filter\n", 15), 2);
	assert_int_equal(mw_fwd_forward_filter_type("a@b\n# Exim filter", 17), 0);
	assert_int_equal(mw_fwd_forward_filter_type("", 0), 0);
}

static void test_virtual_and_regexp(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_virtual, &d,
		  "info@example.net    sales@example.com\n"
		  "@example.org  a@gmail.com, b@example.com\n"
		  "example.net   anything\n"
		  "lonely\n");
	assert_int_equal(d.nerrs, 1);
	assert_int_equal(d.errs[0].line, 4);
	assert_int_equal(d.nfacts, 4);
	assert_string_equal(d.facts[1].key, "@example.org");
	assert_fact(&d, 1, FWD_FORWARD, "a@gmail.com");
	mw_fwd_doc_free(&d);

	parse_str(mw_fwd_parse_regexp_table, &d,
		  "/^(.*)@example\\.net$/   ${1}@example.com, archive@backup.example\n"
		  "if /^noc@/\n"
		  "!/^x/ y@example.com\n"
		  "endif\n"
		  "/unterminated  z@z.example\n");
	assert_int_equal(d.nerrs, 1);
	assert_int_equal(d.errs[0].line, 5);
	assert_int_equal(d.nfacts, 3);
	assert_true(d.facts[1].pattern);
	assert_fact(&d, 1, FWD_FORWARD, "archive@backup.example");
	mw_fwd_doc_free(&d);
}

static void test_dovecot_conf(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_dovecot_conf, &d,
		  "plugin {\n"
		  "  sieve = file:~/sieve;active=~/.dovecot.sieve # comment\n"
		  "  sieve_before = \"/var/lib/dovecot/before\"\n"
		  "}\n"
		  "!include conf.d/*.conf\n");
	assert_int_equal(d.nerrs, 0);
	assert_string_equal(mw_fwd_doc_get(&d, "sieve"), "file:~/sieve;active=~/.dovecot.sieve");
	assert_string_equal(mw_fwd_doc_get(&d, "sieve_before"), "/var/lib/dovecot/before");
	mw_fwd_doc_free(&d);
	parse_str(mw_fwd_parse_dovecot_conf, &d, "plugin {\n sieve = x\n");
	assert_int_equal(d.nerrs, 1);
	mw_fwd_doc_free(&d);
	parse_str(mw_fwd_parse_dovecot_conf, &d, "}\nnot a setting\n");
	assert_int_equal(d.nerrs, 2);
	mw_fwd_doc_free(&d);
}

static void test_trash_names(void **state)
{
	(void)state;
	assert_true(mw_fwd_folder_is_trash("Trash", 5));
	assert_true(mw_fwd_folder_is_trash("INBOX.Junk", 10));
	assert_true(mw_fwd_folder_is_trash("Maildir/.Trash/", 15));
	assert_true(mw_fwd_folder_is_trash("/dev/null", 9));
	assert_true(mw_fwd_folder_is_trash("Deleted Items", 13));
	assert_false(mw_fwd_folder_is_trash("Maildir/", 8));
	assert_false(mw_fwd_folder_is_trash("Trashy", 6));
	assert_true(mw_fwd_cond_is_spam("X-Spam-Flag", 11));
	assert_false(mw_fwd_cond_is_spam("Subject: Re:", 12));
}

/* Issue 18 item 10: a hide belongs to its alias entry, not the file. */
static void test_hide_per_rule(void **state)
{
	struct fwd_doc d;

	(void)state;
	parse_str(mw_fwd_parse_aliases, &d,
		  "devnull: /dev/null\n"
		  "bob: bob@ext.example\n"
		  "carl: carl@ext.example, /dev/null\n");
	assert_int_equal(d.nfacts, 4);
	assert_int_equal(d.nhides, 2);
	assert_null(mw_fwd_hide_for(&d, &d.facts[1]));	/* bob */
	assert_non_null(mw_fwd_hide_for(&d, &d.facts[2]));	/* carl */
	assert_int_equal(mw_fwd_hide_for(&d, &d.facts[2])->line, 3);
	mw_fwd_doc_free(&d);
	/* a .forward is one rule: the /dev/null hides the address */
	parse_str(mw_fwd_parse_forward, &d, "x@ext.example\n/dev/null\n");
	assert_non_null(mw_fwd_hide_for(&d, &d.facts[0]));
	mw_fwd_doc_free(&d);
}

/* Issue 18 item 9: garbage is not parsed into addresses. */
static void test_binary_and_garbage(void **state)
{
	char rnd[4096];
	struct mw_strlist l = { 0 };
	unsigned x = 18;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rnd); i++) {
		x = x * 1103515245u + 12345u;
		rnd[i] = (char)(x >> 16);
	}
	assert_true(mw_fwd_text_is_binary(rnd, sizeof(rnd)));
#define LIT(s) s, sizeof(s) - 1
	assert_false(mw_fwd_text_is_binary(LIT("a@b.example\n\\a\n")));
	/* one stray NUL or invalid byte in a text file is not binary */
	assert_false(mw_fwd_text_is_binary(LIT("alice@example.com\nbad\0line@x.example\n")));
	assert_false(mw_fwd_text_is_binary(LIT("alice.\xff@evil.example\n")));
	assert_true(mw_fwd_dest_is_garbage("mail($t,"));
	assert_true(mw_fwd_dest_is_garbage("<?php"));
	assert_true(mw_fwd_dest_is_garbage("evil\x1b[2J@x.example"));
	assert_false(mw_fwd_dest_is_garbage("bob@example.com"));
	assert_false(mw_fwd_dest_is_garbage("\"john doe\"@example.com"));
	assert_false(mw_fwd_dest_is_garbage("/usr/bin/php /x/$y.php"));
	mw_fwd_find_addresses(LIT("x spy@evil.example, a@b, c@d.e1 <k@mail.co.uk>."), &l, 10);
#undef LIT
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "spy@evil.example");
	assert_string_equal(l.v[1], "k@mail.co.uk");
	mw_strlist_clear(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aliases_basic),
		cmocka_unit_test(test_aliases_errors),
		cmocka_unit_test(test_aliases_cpanel_fail_and_blackhole),
		cmocka_unit_test(test_aliases_nul_crlf_overlong),
		cmocka_unit_test(test_forward_list),
		cmocka_unit_test(test_forward_filter_type),
		cmocka_unit_test(test_virtual_and_regexp),
		cmocka_unit_test(test_dovecot_conf),
		cmocka_unit_test(test_trash_names),
		cmocka_unit_test(test_hide_per_rule),
		cmocka_unit_test(test_binary_and_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
