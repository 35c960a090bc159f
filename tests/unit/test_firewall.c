/* Unit tests: web-server config parsers and the firewall policy builder. */
#include "tests/unit/testutil.h"

#include <fcntl.h>

#include "core/buf.h"
#include "core/config.h"
#include "firewall/fw_parse.h"
#include "firewall/fw_policy.h"
#include "reports/report.h"
#include "sysconf/fpm.h"

/* What a parser reported: "user@line:directive;" and "!line:msg;" */
struct seen {
	char s[2048];
};

static void on_user(void *arg, const char *name, unsigned long line, const char *dir)
{
	struct seen *sn = arg;
	size_t n = strlen(sn->s);

	snprintf(sn->s + n, sizeof(sn->s) - n, "%s@%lu:%s;", name, line, dir);
}

static void on_problem(void *arg, unsigned long line, const char *msg)
{
	struct seen *sn = arg;
	size_t n = strlen(sn->s);

	snprintf(sn->s + n, sizeof(sn->s) - n, "!%lu:%s;", line, msg);
}

typedef void (*parser_fn)(const char *, size_t, const struct mw_sysconf_cb *);

static const char *run(parser_fn fn, const char *text, size_t len)
{
	static struct seen sn;
	struct mw_sysconf_cb cb = { &sn, on_user, on_problem };

	sn.s[0] = '\0';
	fn(text, len, &cb);
	return sn.s;
}

#define RUN(fn, lit) run(fn, lit, sizeof(lit) - 1)

static void test_fpm_pool(void **state)
{
	(void)state;
	assert_string_equal(RUN(mw_fpm_parse_pool_users,
		"; comment\n[www]\nuser = www-data\ngroup = www-data\nlisten.owner = nobody\n"),
		"www-data@3:user;");
	/* $pool expansion, quotes, trailing comment, CRLF, case of the key */
	assert_string_equal(RUN(mw_fpm_parse_pool_users,
		"[site7]\r\nUSER = \"web_$pool\" ; x\r\n[b]\nuser=$pool$pool ;c\n"),
		"web_site7@2:user;bb@4:user;");
	assert_string_equal(RUN(mw_fpm_parse_pool_users, "user = x\n[p]\nuser = 'y\n"),
		"!1:user outside a [pool] section;!3:unterminated quote;");
	/* php-fpm refuses such a file; its user is still reported */
	assert_string_equal(RUN(mw_fpm_parse_pool_users, "[p\nuser = x\n[q]\nnonsense\nuser=\n"),
		"!1:section without ']';x@2:user;"
		"!4:line without '=';!5:empty user;");
	/* quoted parts are joined, as PHP's INI parser joins them */
	assert_string_equal(RUN(mw_fpm_parse_pool_users, "[p]\nuser = \"a\" 'b'\n"),
		"ab@2:user;");
	assert_string_equal(RUN(mw_fpm_parse_pool_users, "[p]\nuser = ${WEBUSER}\n"),
		"!2:environment variable in user (not resolved);");
	/* a NUL inside the value and a name past the cap are refused */
	assert_string_equal(run(mw_fpm_parse_pool_users, "[p]\nuser = a\0b\n", 14),
		"!2:NUL byte in user;");
	{
		char big[200];

		snprintf(big, sizeof(big), "[p]\nuser = %0120d\n", 7);
		assert_string_equal(run(mw_fpm_parse_pool_users, big, strlen(big)),
				    "!2:user name too long;");
	}
	assert_string_equal(RUN(mw_fpm_parse_pool_users, ""), "");
}

static void test_apache(void **state)
{
	(void)state;
	assert_string_equal(RUN(mw_fw_parse_apache,
		"User ${APACHE_RUN_USER}\n<VirtualHost *:80>\n  # SuexecUserGroup commented x\n"
		"\tSuexecUserGroup site1 site1\n  assignuserid \"site2\" grp\n"
		"  Users nope\n  UserDir public_html\n</VirtualHost>\n"),
		"${APACHE_RUN_USER}@1:User;site1@4:SuexecUserGroup;site2@5:AssignUserID;");
	assert_string_equal(RUN(mw_fw_parse_apache, "User #1001\nAssignUserID\nUser \"x\n"),
		"#1001@1:User;!2:directive without a user;!3:directive without a user;");
}

static void test_envvars(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(mw_fw_parse_apache_envvars(
		"unset HOME\nexport APACHE_RUN_USER=www-data\nexport APACHE_RUN_GROUP=g\n",
		66, "APACHE_RUN_USER", out, sizeof(out)), 1);
	assert_string_equal(out, "www-data");
	/* last assignment wins, quotes removed, shell expansions not taken */
	{
		const char t[] = "APACHE_RUN_USER='a'\nexport APACHE_RUN_USER=\"b\"\n"
				 "APACHE_RUN_USER=$(id -un)\nAPACHE_RUN_USER_X=c\n";

		assert_int_equal(mw_fw_parse_apache_envvars(t, sizeof(t) - 1, "APACHE_RUN_USER",
							 out, sizeof(out)), 1);
		assert_string_equal(out, "b");
	}
	assert_int_equal(mw_fw_parse_apache_envvars("X=1\n", 4, "APACHE_RUN_USER", out,
						 sizeof(out)), 0);
	assert_int_equal(mw_fw_parse_apache_envvars("APACHE_RUN_USER=`x`\n", 20,
						 "APACHE_RUN_USER", out, sizeof(out)), 0);
}

static void test_nginx(void **state)
{
	(void)state;
	assert_string_equal(RUN(mw_fw_parse_nginx,
		"# user commented;\nworker_processes 1; user  www-data www-data;\n"
		"http {\n  user nobody;\n  server { user x; }\n}\nusername y;\nuser \"q u\";\n"),
		"www-data@2:user;q u@8:user;");
	assert_string_equal(RUN(mw_fw_parse_nginx, "user\n  multi\n;\n"), "multi@2:user;");
	assert_string_equal(RUN(mw_fw_parse_nginx, "user 'open\n"), "!1:unterminated quote;");
	/* unbalanced braces never underflow */
	assert_string_equal(RUN(mw_fw_parse_nginx, "}}}user a;"), "a@1:user;");
}

static void test_ports(void **state)
{
	struct mw_strlist l = { 0 };
	struct fw_policy p;
	char err[256];

	(void)state;
	mw_fw_policy_init(&p, MW_FW_DENY_LIST);
	assert_int_equal(mw_strlist_add_words(&l, "587 25,465 25"), MW_OK);
	assert_int_equal(mw_fw_policy_set_ports(&p, &l, err, sizeof(err)), MW_OK);
	assert_int_equal(p.nports, 3);
	assert_int_equal(p.ports[0], 25);
	assert_int_equal(p.ports[1], 465);
	assert_int_equal(p.ports[2], 587);
	mw_strlist_clear(&l);
	mw_strlist_add_words(&l, "25 65536");
	assert_int_equal(mw_fw_policy_set_ports(&p, &l, err, sizeof(err)), MW_ERR_CONFIG);
	assert_non_null(strstr(err, "'65536' is not a port number"));
	mw_strlist_clear(&l);
	mw_strlist_add_words(&l, "0");
	assert_int_equal(mw_fw_policy_set_ports(&p, &l, err, sizeof(err)), MW_ERR_CONFIG);
	mw_strlist_clear(&l);
	mw_strlist_add_words(&l, "smtp");
	assert_int_equal(mw_fw_policy_set_ports(&p, &l, err, sizeof(err)), MW_ERR_CONFIG);
	mw_strlist_clear(&l);
	assert_int_equal(mw_fw_policy_set_ports(&p, &l, err, sizeof(err)), MW_ERR_CONFIG);
	assert_non_null(strstr(err, "empty"));
	mw_fw_policy_free(&p);
}

static void test_resolve_user(void **state)
{
	char name[64];
	uid_t uid;

	(void)state;
	assert_int_equal(mw_fw_resolve_user("root", &uid, name, sizeof(name)), 0);
	assert_int_equal(uid, 0);
	assert_string_equal(name, "root");
	assert_int_equal(mw_fw_resolve_user("2001", &uid, name, sizeof(name)), 0);
	assert_int_equal(uid, 2001);
	assert_int_equal(mw_fw_resolve_user("#0", &uid, name, sizeof(name)), 0);
	assert_int_equal(uid, 0);
	assert_string_equal(name, "root");
	assert_int_equal(mw_fw_resolve_user("mw-no-such-user", &uid, name, sizeof(name)), -1);
	assert_int_equal(mw_fw_resolve_user("4294967295", &uid, name, sizeof(name)), -1);
	assert_int_equal(mw_fw_resolve_user("-1", &uid, name, sizeof(name)), -1);
	assert_int_equal(mw_fw_resolve_user("", &uid, name, sizeof(name)), -1);
}

static void test_add_uid_sorted_unique(void **state)
{
	struct fw_policy p;
	unsigned i;

	(void)state;
	mw_fw_policy_init(&p, MW_FW_DENY_LIST);
	assert_int_equal(mw_fw_policy_add_uid(&p, 33, "www-data", "first"), MW_OK);
	assert_int_equal(mw_fw_policy_add_uid(&p, 5, NULL, "x"), MW_OK);
	assert_int_equal(mw_fw_policy_add_uid(&p, 33, "www-data", "second"), MW_OK);
	assert_int_equal(mw_fw_policy_add_uid(&p, 4000000000u, "", "y"), MW_OK);
	assert_int_equal(p.nusers, 3);
	assert_int_equal(p.users[0].uid, 5);
	assert_int_equal(p.users[1].uid, 33);
	assert_string_equal(p.users[1].source, "first");
	assert_true(mw_fw_policy_has_uid(&p, 4000000000u));
	assert_false(mw_fw_policy_has_uid(&p, 34));
	for (i = 0; i < FW_MAX_USERS + 10; i++)
		if (mw_fw_policy_add_uid(&p, 10000 + i, NULL, "") != MW_OK)
			break;
	assert_int_equal(p.nusers, FW_MAX_USERS);
	assert_int_equal(mw_fw_policy_add_uid(&p, 9, NULL, ""), MW_ERR_LIMIT);
	mw_fw_policy_free(&p);
}

static void test_render(void **state)
{
	struct fw_policy p;
	struct mw_buf b;
	unsigned i;

	(void)state;
	mw_fw_policy_init(&p, MW_FW_ALLOW_LIST);
	p.ports[0] = 25;
	p.nports = 1;
	mw_buf_init(&b, 1 << 16);
	assert_int_equal(mw_fw_policy_render(&p, &b), MW_OK);
	/* an empty set has no elements line; allow-list matches != */
	assert_non_null(strstr(mw_buf_str(&b), "\tset allowed_uids {\n\t\ttype uid\n\t}\n"));
	assert_non_null(strstr(mw_buf_str(&b),
		"\t\ttcp dport @smtp_ports meta skuid != @allowed_uids counter packets 0 bytes 0 "
		"reject with tcp reset comment"));
	assert_null(strstr(mw_buf_str(&b), "oif"));
	mw_buf_reset(&b);
	p.allow_loopback = 1;
	for (i = 1; i <= 6; i++)
		mw_fw_policy_add_uid(&p, i, NULL, "");
	assert_int_equal(mw_fw_policy_render(&p, &b), MW_OK);
	/* nft breaks the element list after every fifth element */
	assert_non_null(strstr(mw_buf_str(&b),
		"\t\telements = { 1, 2, 3, 4, 5,\n\t\t\t     6 }\n"));
	assert_non_null(strstr(mw_buf_str(&b), "tcp dport @smtp_ports oif != \"lo\" meta skuid"));
	assert_non_null(strstr(mw_buf_str(&b),
		"limit rate 10/minute counter packets 0 bytes 0 log prefix "
		"\"mailwarden smtp-egress: \" flags skuid"));
	mw_buf_free(&b);
	mw_fw_policy_free(&p);
}

/* Build against the fixture tree; fd of the root in *fd. */
static enum mw_err build(struct fw_policy *p, struct mw_config *cfg, const char *conf,
			 struct mw_report *r, char *err, size_t errlen)
{
	char root[4096];
	enum mw_err e;
	int fd;

	snprintf(root, sizeof(root), "%s/tests/fixtures/firewall/root", test_top());
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(mw_config_defaults(cfg), MW_OK);
	assert_int_equal(mw_config_parse(cfg, "test", conf, err, errlen), MW_OK);
	e = mw_fw_policy_build(p, cfg, fd, root, r, err, errlen);
	close(fd);
	return e;
}

static void test_build_deny(void **state)
{
	static const uid_t want[] = { 5, 9, 33, 34, 38, 39, 2001 };
	struct mw_report *r = mw_report_new("firewall");
	struct mw_config cfg;
	struct fw_policy p;
	char err[512] = "";
	size_t i;

	(void)state;
	/* root and the MTA user "mail" in block_users are left out */
	assert_int_equal(build(&p, &cfg, "[general]\nweb_users = news\n"
			       "[firewall]\nblock_users = root mail\nmta_users = mail games\n",
			       r, err, sizeof(err)), MW_OK);
	/* games (Apache suexec) is also an MTA user here: not blocked */
	assert_false(mw_fw_policy_has_uid(&p, 5));
	assert_false(mw_fw_policy_has_uid(&p, 0));
	assert_false(mw_fw_policy_has_uid(&p, 8));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (want[i] != 5)
			assert_true(mw_fw_policy_has_uid(&p, want[i]));
	assert_int_equal(p.nusers, 6);
	assert_int_equal(p.nports, 3);
	assert_int_equal(mw_report_nerrors(r), 0);
	{
		int saw_root = 0, saw_mta = 0;

		for (i = 0; i < mw_report_nnotes(r); i++) {
			const char *t = mw_report_get_note(r, i)->text;

			saw_root |= strstr(t, "block_users: root is never blocked") != NULL;
			saw_mta |= strstr(t, "block_users: 'mail' is an MTA user") != NULL;
		}
		assert_true(saw_root);
		assert_true(saw_mta);
	}
	mw_fw_policy_free(&p);
	mw_config_free(&cfg);
	mw_report_free(r);
}

static void test_build_allow(void **state)
{
	struct mw_report *r = mw_report_new("firewall");
	struct mw_config cfg;
	struct fw_policy p;
	char err[512] = "";

	(void)state;
	assert_int_equal(build(&p, &cfg, "[firewall]\nmode = allow-list\nallow_root = no\n"
			       "mta_users = mail mw-no-such-mta\nallow_users = 2001 www-data\n",
			       r, err, sizeof(err)), MW_OK);
	assert_int_equal(p.nusers, 3);	/* mail(8), www-data(33), 2001 */
	assert_false(mw_fw_policy_has_uid(&p, 0));
	assert_true(mw_fw_policy_has_uid(&p, 8));
	assert_string_equal(mw_fw_uid_set_name(&p), "allowed_uids");
	mw_fw_policy_free(&p);
	mw_config_free(&cfg);
	mw_report_free(r);
}

static void test_build_unknown_user(void **state)
{
	struct mw_report *r = mw_report_new("firewall");
	struct mw_config cfg;
	struct fw_policy p;
	char err[512] = "";

	(void)state;
	assert_int_equal(build(&p, &cfg, "[firewall]\nmode = allow-list\n"
			       "block_users = mw-typo\n", r, err, sizeof(err)), MW_ERR_CONFIG);
	assert_string_equal(err, "[firewall] block_users: unknown user 'mw-typo' "
			    "(no such user on this host)");
	mw_fw_policy_free(&p);
	mw_config_free(&cfg);
	assert_int_equal(build(&p, &cfg, "[firewall]\nports = 25 99999\n", r, err,
			       sizeof(err)), MW_ERR_CONFIG);
	mw_fw_policy_free(&p);
	mw_config_free(&cfg);
	mw_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fpm_pool),
		cmocka_unit_test(test_apache),
		cmocka_unit_test(test_envvars),
		cmocka_unit_test(test_nginx),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_resolve_user),
		cmocka_unit_test(test_add_uid_sorted_unique),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_build_deny),
		cmocka_unit_test(test_build_allow),
		cmocka_unit_test(test_build_unknown_user),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
