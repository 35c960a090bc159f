/*
 * The relay-configuration audit: postconf/exim output parsers, address
 * lists, and the findings the Postfix and Exim audits raise for given
 * settings (postconf text built in the test, so no MTA is needed; the e2e
 * test covers the real postconf).
 */
#include "tests/unit/testutil.h"

#include <sys/socket.h>

#include "core/ctx.h"
#include "reports/report.h"
#include "scanner/relay/mtaconf.h"
#include "scanner/relay/relay.h"

static void test_kv_parse(void **state)
{
	const char text[] = "mynetworks = 127.0.0.0/8 [::1]/128\n"
			    "smtpd_recipient_restrictions =\n"
			    "garbage line\n"
			    " = no name\n"
			    "submission/inet/smtpd_sasl_auth_enable = yes\n"
			    "mynetworks = 10.0.0.0/8\n"
			    "hostlist relay_from_hosts = <; 127.0.0.1 ; ::1\n";
	const char exim[] = "remote_smtp:\n"
			    "  driver = smtp\n"
			    "  no_hosts_randomize\n"
			    "relay_out transport:\n"
			    "  interface = 192.0.2.1\n";
	struct mw_kvlist kv = { 0 };
	(void)state;

	assert_int_equal(mw_kv_parse(text, sizeof(text) - 1, &kv), MW_OK);
	assert_int_equal(kv.n, 5);
	assert_int_equal(kv.bad_lines, 2);
	assert_string_equal(mw_kv_get(&kv, "mynetworks"), "10.0.0.0/8");
	assert_string_equal(mw_kv_get(&kv, "smtpd_recipient_restrictions"), "");
	assert_string_equal(mw_kv_get(&kv, "submission/inet/smtpd_sasl_auth_enable"), "yes");
	assert_string_equal(mw_kv_get(&kv, "hostlist relay_from_hosts"), "<; 127.0.0.1 ; ::1");
	assert_null(mw_kv_get(&kv, "nope"));
	assert_int_equal(kv.v[0].line, 1);
	assert_null(kv.v[0].section);
	mw_kv_free(&kv);

	/* `exim -bP transports`: driver block headers become the section */
	assert_int_equal(mw_kv_parse(exim, sizeof(exim) - 1, &kv), MW_OK);
	assert_int_equal(kv.n, 2);
	assert_int_equal(kv.bad_lines, 1);
	assert_string_equal(kv.v[0].section, "remote_smtp");
	assert_string_equal(kv.v[1].section, "relay_out");
	assert_string_equal(kv.v[1].value, "192.0.2.1");
	mw_kv_free(&kv);
}

static void test_services_parse(void **state)
{
	const char text[] =
		"smtp       inet  n       -       y       -       -       smtpd\n"
		"127.0.0.1:submission inet n - y - - smtpd -o syslog_name=postfix/submission "
		"-o smtpd_sasl_auth_enable=yes\n"
		"short line\n"
		"anvil      unix  -       -       y       -       1       anvil\n";
	struct mw_servicelist l = { 0 };
	(void)state;

	assert_int_equal(mw_services_parse(text, sizeof(text) - 1, &l), MW_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.bad_lines, 1);
	assert_string_equal(l.v[0].name, "smtp");
	assert_string_equal(l.v[0].command, "smtpd");
	assert_string_equal(l.v[0].args, "");
	assert_string_equal(l.v[1].name, "127.0.0.1:submission");
	assert_string_equal(mw_service_port(l.v[1].name), "submission");
	assert_string_equal(l.v[1].args,
			    "-o syslog_name=postfix/submission -o smtpd_sasl_auth_enable=yes");
	assert_string_equal(l.v[2].command, "anvil");
	mw_services_free(&l);
}

static void test_net_parse_and_match(void **state)
{
	struct mw_netlist l = { 0 };
	struct mw_ip a;
	unsigned p;
	int trusted;
	json_t *m;
	(void)state;

	assert_int_equal(mw_ipnet_parse("10.1.2.3/8", &a, &p), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(p, 8);
	assert_int_equal(a.a[0], 10);
	assert_int_equal(a.a[1], 0);	/* host bits cleared */
	assert_int_equal(mw_ipnet_parse("[2001:db8::1]/32", &a, &p), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(p, 32);
	assert_int_equal(mw_ipnet_parse("192.0.2.1/33", &a, &p), -1);
	assert_int_equal(mw_ipnet_parse("192.0.2.1/", &a, &p), -1);
	assert_int_equal(mw_ipnet_parse("[::1", &a, &p), -1);
	assert_int_equal(mw_ipnet_parse("mail.example", &a, &p), -1);

	assert_int_equal(mw_netlist_parse_postfix(
		"127.0.0.0/8, [::ffff:127.0.0.0]/104 [::1]/128 !192.168.1.7 192.168.1.0/24 "
		"hash:/etc/postfix/nets /etc/postfix/more 1.2.3.999 {0.0.0.0/0}", &l), MW_OK);
	assert_int_equal(l.n, 9);
	assert_int_equal(l.bad, 1);
	assert_true(mw_net_is_loopback(&l.v[0]));
	assert_true(mw_net_is_loopback(&l.v[1]));
	assert_true(mw_net_is_loopback(&l.v[2]));
	assert_true(l.v[3].negate);
	assert_true(mw_net_is_private(&l.v[4]));
	assert_false(mw_net_is_loopback(&l.v[4]));
	assert_int_equal(l.v[5].kind, MW_NET_LOOKUP);
	assert_int_equal(l.v[6].kind, MW_NET_LOOKUP);
	assert_int_equal(l.v[8].prefix, 0);
	assert_false(mw_net_is_private(&l.v[8]));

	/* first match wins: 192.168.1.7 is excluded before the /24 */
	m = mw_relay_matching_entries(&l, "192.168.1.7", &trusted);
	assert_int_equal(json_array_size(m), 1);
	assert_string_equal(json_string_value(json_array_get(m, 0)), "!192.168.1.7");
	assert_false(trusted);
	json_decref(m);
	m = mw_relay_matching_entries(&l, "192.168.1.8", &trusted);
	assert_string_equal(json_string_value(json_array_get(m, 0)), "192.168.1.0/24");
	assert_true(trusted);
	json_decref(m);
	/* IPv4 host inside the mapped IPv6 entry? 127.0.0.1 matches 127/8 first */
	m = mw_relay_matching_entries(&l, "127.0.0.1", &trusted);
	assert_string_equal(json_string_value(json_array_get(m, 0)), "127.0.0.0/8");
	json_decref(m);
	m = mw_relay_matching_entries(&l, "203.0.113.5", &trusted);
	assert_string_equal(json_string_value(json_array_get(m, 0)), "0.0.0.0/0");
	json_decref(m);
	mw_netlist_free(&l);

	/* Exim lists: custom separator, "::" as a literal colon */
	assert_int_equal(mw_netlist_parse_exim("<; 127.0.0.1 ; ::1 ; 10.0.0.0/8", &l), MW_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[1].ip.family, AF_INET6);
	mw_netlist_free(&l);
	assert_int_equal(mw_netlist_parse_exim("127.0.0.1 : ::::1 : * : +trusted : @[]", &l),
			 MW_OK);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[1].text, "::1");
	assert_true(mw_net_is_loopback(&l.v[1]));
	assert_int_equal(l.v[2].kind, MW_NET_ANY);
	assert_int_equal(l.v[3].kind, MW_NET_LOOKUP);
	assert_int_equal(l.v[4].kind, MW_NET_LOCAL);
	mw_netlist_free(&l);
}

/* ---- the audits ----------------------------------------------------------- */

struct fixture {
	struct mw_ctx ctx;
	struct mw_report *r;
	struct mw_relay_postfix pf;
	struct mw_netlist local;
	char *dir;
};

/*
 * Build a postfix description from postconf-like text: effective values
 * (every parameter the audit reads), explicit ones, -P overrides and -M
 * services. main.cf itself is written too so that line numbers resolve.
 */
static void setup_pf(struct fixture *fx, const char *effective, const char *overrides,
		     const char *services)
{
	char path[4200];
	const char *v;

	memset(fx, 0, sizeof(*fx));
	fx->r = mw_report_new("relay");
	fx->ctx.report = fx->r;
	fx->dir = make_tmpdir();
	snprintf(path, sizeof(path), "%s/main.cf", fx->dir);
	write_file(path, effective, strlen(effective));
	assert_int_equal(mw_kv_parse(effective, strlen(effective), &fx->pf.effective), MW_OK);
	assert_int_equal(mw_kv_parse(effective, strlen(effective), &fx->pf.explicit_set), MW_OK);
	assert_int_equal(mw_kv_parse(overrides, strlen(overrides), &fx->pf.overrides), MW_OK);
	assert_int_equal(mw_services_parse(services, strlen(services), &fx->pf.services), MW_OK);
	v = mw_kv_get(&fx->pf.effective, "mynetworks");
	assert_int_equal(mw_netlist_parse_postfix(v ? v : "", &fx->pf.mynetworks), MW_OK);
	fx->pf.config_dir = strdup(fx->dir);
	fx->pf.present = 1;
	assert_int_equal(mw_netlist_parse_postfix("198.51.100.10 198.51.100.11 10.0.0.5",
						  &fx->local), MW_OK);
}

static void teardown_pf(struct fixture *fx)
{
	mw_relay_postfix_free(&fx->pf);
	mw_netlist_free(&fx->local);
	mw_report_free(fx->r);
	rm_rf(fx->dir);
	free(fx->dir);
}

static const struct mw_stored_finding *find_rule(struct mw_report *r, const char *rule)
{
	size_t i;

	for (i = 0; i < mw_report_nfindings(r); i++)
		if (strcmp(mw_report_finding(r, i)->rule_id, rule) == 0)
			return mw_report_finding(r, i);
	return NULL;
}

static const char base_services[] =
	"smtp inet n - y - - smtpd\n"
	"anvil unix - - y - 1 anvil\n";

static const char debian_main[] =
	"mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128\n"
	"smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated "
	"defer_unauth_destination\n"
	"smtpd_recipient_restrictions =\n"
	"smtpd_sasl_auth_enable = no\n"
	"smtpd_client_message_rate_limit = 0\n"
	"smtpd_client_recipient_rate_limit = 0\n"
	"smtpd_authorized_xclient_hosts =\n"
	"smtp_bind_address =\n";

static void test_audit_debian_clean(void **state)
{
	struct fixture fx;
	json_t *j;
	(void)state;

	setup_pf(&fx, debian_main, "", base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	assert_non_null(j);
	/* no mynetworks, restriction or submission finding: only the missing
	 * rate limit and, since the host has two public IPv4 addresses, the
	 * unset smtp_bind_address */
	assert_int_equal(mw_report_nfindings(fx.r), 2);
	assert_non_null(find_rule(fx.r, "relay.no-rate-limit"));
	assert_non_null(find_rule(fx.r, "relay.bind-address-unset"));
	assert_string_equal(json_string_value(json_object_get(j, "mynetworks")),
			    "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128");
	json_decref(j);
	teardown_pf(&fx);
}

static void test_audit_mynetworks_wide(void **state)
{
	const char main_cf[] =
		"smtpd_client_message_rate_limit = 100\n"
		"smtpd_relay_restrictions = permit_mynetworks reject_unauth_destination\n"
		"mynetworks = 127.0.0.0/8 198.51.100.10 192.168.0.0/16 0.0.0.0/0\n"
		"smtp_bind_address = 198.51.100.10\n";
	const struct mw_stored_finding *f;
	struct fixture fx;
	json_t *j;
	(void)state;

	setup_pf(&fx, main_cf, "", base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	f = find_rule(fx.r, "relay.mynetworks-too-wide");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_CRITICAL);
	assert_non_null(strstr(f->title, "0.0.0.0/0"));
	assert_string_equal(f->excerpt,
			    "mynetworks = 127.0.0.0/8 198.51.100.10 192.168.0.0/16 0.0.0.0/0");
	assert_int_equal(f->line, 3);
	assert_non_null(strstr(f->path, "/main.cf"));
	assert_non_null(f->remediation);
	/* loopback and our own address are fine; the /16 and /0 are listed */
	assert_int_equal(json_array_size(json_object_get(f->details, "entries")), 2);
	assert_null(find_rule(fx.r, "relay.no-rate-limit"));
	assert_null(find_rule(fx.r, "relay.open-restrictions"));
	json_decref(j);
	teardown_pf(&fx);

	setup_pf(&fx, "mynetworks = 127.0.0.0/8 10.0.0.0/8\n", "", base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	f = find_rule(fx.r, "relay.mynetworks-too-wide");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_HIGH);
	json_decref(j);
	teardown_pf(&fx);

	/* all of IPv4, written as a mapped IPv6 network */
	setup_pf(&fx, "mynetworks = [::ffff:127.0.0.0]/104 [::ffff:0.0.0.0]/96\n", "",
		 base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	f = find_rule(fx.r, "relay.mynetworks-too-wide");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_CRITICAL);
	assert_int_equal(json_array_size(json_object_get(f->details, "entries")), 1);
	json_decref(j);
	teardown_pf(&fx);

	setup_pf(&fx, "mynetworks = 127.0.0.0/8 192.168.10.0/24\n", "", base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	f = find_rule(fx.r, "relay.mynetworks-too-wide");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_MEDIUM);
	json_decref(j);
	teardown_pf(&fx);
}

static void test_audit_restrictions(void **state)
{
	const struct mw_stored_finding *f;
	struct fixture fx;
	json_t *j;
	(void)state;

	/* an access table that says OK to everyone before the blocker */
	setup_pf(&fx, "mynetworks = 127.0.0.0/8\n"
		      "smtpd_relay_restrictions = permit_mynetworks, "
		      "check_client_access static:OK, reject_unauth_destination\n"
		      "smtpd_recipient_restrictions =\n", "", base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	f = find_rule(fx.r, "relay.open-restrictions");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_CRITICAL);
	assert_int_equal(f->line, 2);
	assert_non_null(strstr(f->title, "access table"));
	json_decref(j);
	teardown_pf(&fx);

	/* permit in the relay list but the recipient list still blocks */
	setup_pf(&fx, "mynetworks = 127.0.0.0/8\n"
		      "smtpd_relay_restrictions = permit\n"
		      "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\n",
		 "", base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	assert_null(find_rule(fx.r, "relay.open-restrictions"));
	f = find_rule(fx.r, "relay.permit-before-reject");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_MEDIUM);
	json_decref(j);
	teardown_pf(&fx);

	/* a master.cf override opens one service only */
	setup_pf(&fx, debian_main,
		 "2525/inet/smtpd_relay_restrictions = permit_tls_all_clientcerts, reject\n",
		 "smtp inet n - y - - smtpd\n"
		 "2525 inet n - y - - smtpd -o smtpd_relay_restrictions=permit_tls_all_clientcerts,reject\n"
		 "anvil unix - - y - 1 anvil\n");
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	f = find_rule(fx.r, "relay.open-restrictions");
	assert_non_null(f);
	assert_non_null(strstr(f->title, "2525"));
	assert_non_null(strstr(f->path, "/master.cf"));
	assert_string_equal(f->excerpt, "2525 inet: -o smtpd_relay_restrictions="
					"permit_tls_all_clientcerts, reject");
	assert_non_null(strstr(f->remediation, "In master.cf"));
	json_decref(j);
	teardown_pf(&fx);
}

/* Count findings of one rule. */
static size_t count_rule(struct mw_report *r, const char *rule)
{
	size_t i, n = 0;

	for (i = 0; i < mw_report_nfindings(r); i++)
		n += strcmp(mw_report_finding(r, i)->rule_id, rule) == 0;
	return n;
}

static void test_audit_access_tables_read(void **state)
{
	const struct mw_stored_finding *f;
	struct fixture fx;
	char eff[8192], path[4300], *dir = make_tmpdir();
	const char helo[] = "# HELO names we like\n/^mail\\.partner\\.example$/  REJECT\n"
			    "/\\.trusted\\.example$/ OK\n";
	const char clients[] = "192.0.2.7 OK\n10.1.0.0/16 OK\n";
	const char senders[] = "# relaying senders\nlocal.example\n  OK\nother.example 550 no\n"
			       "boss@local.example 2\n";
	json_t *j;
	(void)state;

	snprintf(path, sizeof(path), "%s/helo.pcre", dir);
	write_file(path, helo, sizeof(helo) - 1);
	snprintf(path, sizeof(path), "%s/clients", dir);
	write_file(path, clients, sizeof(clients) - 1);
	snprintf(path, sizeof(path), "%s/senders", dir);
	write_file(path, senders, sizeof(senders) - 1);
	snprintf(eff, sizeof(eff),
		 "mynetworks = 127.0.0.0/8\n"
		 "smtpd_relay_restrictions = permit_mynetworks "
		 "check_client_access hash:%s/clients "
		 "check_helo_access pcre:%s/helo.pcre "
		 "check_sender_access inline:{ postmaster@localhost=REJECT, boss@mw.example=OK } "
		 "check_recipient_access proxy:mysql:/etc/postfix/rcpt.cf "
		 "check_sender_access hash:%s/senders "
		 "reject_unauth_destination "
		 "check_helo_access static:OK\n"
		 "smtpd_recipient_restrictions =\n", dir, dir, dir);
	setup_pf(&fx, eff, "", base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	json_decref(j);
	/* client addresses are trust by address, not attacker input */
	assert_int_equal(count_rule(fx.r, "relay.access-ok-before-reject"), 3);
	f = find_rule(fx.r, "relay.access-ok-before-reject");
	assert_int_equal(f->severity, MW_SEV_CRITICAL);
	assert_int_equal(f->line, 2);	/* smtpd_relay_restrictions in main.cf */
	assert_non_null(strstr(f->title, "check_helo_access pcre:"));
	assert_non_null(strstr(f->title, "line 3"));
	assert_string_equal(json_string_value(json_object_get(f->details, "action")), "OK");
	/* the inline table and the hash table's first OK (continued key
	 * line skipped, "2" is OK as well but later) */
	assert_int_equal(mw_report_finding(fx.r, 1)->severity, MW_SEV_CRITICAL);
	assert_non_null(strstr(mw_report_finding(fx.r, 1)->title, "boss@mw.example"));
	assert_non_null(strstr(mw_report_finding(fx.r, 2)->title, "'local.example' ("));
	assert_non_null(strstr(mw_report_finding(fx.r, 2)->title, "senders line 2)"));
	/* the proxied SQL table cannot be read: medium, says so */
	f = find_rule(fx.r, "relay.access-unknown-before-reject");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_MEDIUM);
	/* static:OK after the blocker is harmless */
	assert_null(find_rule(fx.r, "relay.open-restrictions"));
	teardown_pf(&fx);

	/* the same OK with a recipient list that blocks: medium */
	snprintf(eff, sizeof(eff),
		 "mynetworks = 127.0.0.0/8\n"
		 "smtpd_relay_restrictions = permit_mynetworks check_sender_access "
		 "hash:%s/senders defer_unauth_destination\n"
		 "smtpd_recipient_restrictions = permit_mynetworks reject_unauth_destination\n",
		 dir);
	setup_pf(&fx, eff, "", base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	json_decref(j);
	f = find_rule(fx.r, "relay.access-ok-before-reject");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_MEDIUM);
	teardown_pf(&fx);

	/* recipient OKs for our own domains are local mail, not relaying;
	 * "postmaster@" matches every domain */
	{
		const char rcpts[] = "mw.example OK\ninfo@mw.example OK\n"
				     "backup.example OK\npostmaster@ OK\n";

		snprintf(path, sizeof(path), "%s/rcpts", dir);
		write_file(path, rcpts, sizeof(rcpts) - 1);
	}
	snprintf(eff, sizeof(eff),
		 "mynetworks = 127.0.0.0/8\n"
		 "mydestination = mw.example, localhost\n"
		 "relay_domains = backup.example\n"
		 "smtpd_relay_restrictions =\n"
		 "smtpd_recipient_restrictions = permit_mynetworks check_recipient_access "
		 "hash:%s/rcpts reject_unauth_destination\n", dir);
	setup_pf(&fx, eff, "", base_services);
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	json_decref(j);
	assert_int_equal(count_rule(fx.r, "relay.access-ok-before-reject"), 1);
	f = find_rule(fx.r, "relay.access-ok-before-reject");
	assert_non_null(strstr(f->title, "'postmaster@'"));
	assert_non_null(strstr(f->title, "rcpts line 4"));
	teardown_pf(&fx);
	rm_rf(dir);
	free(dir);
}

static void test_audit_submission_and_xclient(void **state)
{
	const struct mw_stored_finding *f;
	struct fixture fx;
	json_t *j;
	(void)state;

	setup_pf(&fx, "mynetworks = 127.0.0.0/8\n"
		      "smtpd_relay_restrictions = permit_mynetworks reject_unauth_destination\n"
		      "smtpd_sasl_auth_enable = no\n"
		      "smtpd_authorized_xclient_hosts = 127.0.0.1 203.0.113.0/24\n",
		 "submissions/inet/smtpd_tls_wrappermode = yes\n"
		 "submissions/inet/smtpd_sasl_auth_enable = yes\n",
		 "smtp inet n - y - - smtpd\n"
		 "submission inet n - y - - smtpd\n"
		 "127.0.0.1:smtps inet n - y - - smtpd\n"
		 "submissions inet n - y - - smtpd -o smtpd_tls_wrappermode=yes "
		 "-o smtpd_sasl_auth_enable=yes\n");
	j = mw_relay_audit_postfix(&fx.ctx, &fx.pf, &fx.local);
	/* submission without AUTH: one finding (loopback smtps and the
	 * authenticated submissions are fine) */
	f = find_rule(fx.r, "relay.submission-without-auth");
	assert_non_null(f);
	assert_non_null(strstr(f->title, "submission (inet)"));
	assert_null(find_rule(fx.r, "relay.submission-plaintext-auth"));
	f = find_rule(fx.r, "relay.xclient-hosts-too-wide");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_HIGH);
	assert_non_null(strstr(f->title, "203.0.113.0/24"));
	/* no anvil service: rate limits cannot work */
	f = find_rule(fx.r, "relay.no-rate-limit");
	assert_non_null(f);
	assert_non_null(strstr(f->title, "no anvil"));
	/* two public addresses, no smtp_bind_address */
	assert_non_null(find_rule(fx.r, "relay.bind-address-unset"));
	json_decref(j);
	teardown_pf(&fx);
}

static void test_audit_exim(void **state)
{
	struct mw_report *r = mw_report_new("relay");
	struct mw_ctx ctx = { .report = r };
	struct mw_netlist local = { 0 };
	const struct mw_stored_finding *f;
	json_t *j;
	(void)state;

	/* Debian's default: loopback only, an RCPT ACL */
	j = mw_relay_audit_exim(&ctx, "/usr/sbin/exim4", "acl_smtp_rcpt = acl_check_rcpt\n",
				"hostlist relay_from_hosts = <; 127.0.0.1 ; ::1\n", &local);
	assert_int_equal(mw_report_nfindings(r), 0);
	assert_string_equal(json_string_value(json_object_get(j, "acl_smtp_rcpt")),
			    "acl_check_rcpt");
	json_decref(j);

	j = mw_relay_audit_exim(&ctx, "/usr/sbin/exim4", "acl_smtp_rcpt =\n",
				"hostlist relay_from_hosts = 127.0.0.1 : 192.168.0.0/16 : *\n",
				&local);
	f = find_rule(r, "relay.exim-relay-hosts-too-wide");
	assert_non_null(f);
	assert_int_equal(f->severity, MW_SEV_CRITICAL);
	assert_string_equal(f->excerpt,
			    "hostlist relay_from_hosts = 127.0.0.1 : 192.168.0.0/16 : *");
	assert_non_null(find_rule(r, "relay.exim-no-rcpt-acl"));
	assert_int_equal(json_array_size(json_object_get(j, "relay_from_hosts_problems")), 2);
	json_decref(j);
	mw_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv_parse),
		cmocka_unit_test(test_services_parse),
		cmocka_unit_test(test_net_parse_and_match),
		cmocka_unit_test(test_audit_debian_clean),
		cmocka_unit_test(test_audit_mynetworks_wide),
		cmocka_unit_test(test_audit_restrictions),
		cmocka_unit_test(test_audit_submission_and_xclient),
		cmocka_unit_test(test_audit_exim),
		cmocka_unit_test(test_audit_access_tables_read),
	};

	return cmocka_run_group_tests_name("relay_audit", tests, NULL, NULL);
}
