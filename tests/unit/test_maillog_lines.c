/* Line parsers of `mailwarden logs`: syslog prefix, Postfix, Exim, PHP mail.log. */
#include "tests/unit/testutil.h"

#include "scanner/maillog/maillog.h"

#define S(lit) ((struct ml_str){ (lit), sizeof(lit) - 1 })

static int str_is(struct ml_str s, const char *want)
{
	return s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

#define assert_str(s, want) do { \
	if (!str_is((s), (want))) \
		fail_msg("got '%.*s', want '%s'", (int)(s).n, (s).p, (want)); \
} while (0)

static const struct ml_clock nov2026 = { 2026, 11, 0 };

static void test_syslog_classic(void **state)
{
	struct ml_syslog sl;
	const char *l = "Nov  3 10:00:01 web1 postfix/pickup[27563]: 0B943A7202B: uid=33 from=<www-data>";

	(void)state;
	assert_int_equal(mw_ml_parse_syslog(l, strlen(l), &nov2026, &sl), 0);
	assert_int_equal(sl.time, mw_ml_civil_to_epoch(2026, 11, 3, 10, 0, 1));
	assert_str(sl.host, "web1");
	assert_str(sl.ident, "postfix/pickup");
	assert_int_equal(sl.pid, 27563);
	assert_str(sl.msg, "0B943A7202B: uid=33 from=<www-data>");
}

static void test_syslog_year_and_zone(void **state)
{
	struct ml_syslog sl;
	struct ml_clock jan = { 2027, 1, 3600 };	/* file written Jan 2027, UTC+1 */
	const char *dec = "Dec 31 23:30:00 h postfix/qmgr[1]: removed";
	const char *frac = "Nov 23 16:47:59.123456 web1 postfix/smtpd[5]: connect from x[1.2.3.4]";

	(void)state;
	assert_int_equal(mw_ml_parse_syslog(dec, strlen(dec), &jan, &sl), 0);
	/* December in a January file is the year before; local UTC+1. */
	assert_int_equal(sl.time, mw_ml_civil_to_epoch(2026, 12, 31, 22, 30, 0));
	assert_int_equal(mw_ml_parse_syslog(frac, strlen(frac), &nov2026, &sl), 0);
	assert_int_equal(sl.time, mw_ml_civil_to_epoch(2026, 11, 23, 16, 47, 59));
	assert_str(sl.ident, "postfix/smtpd");
}

static void test_syslog_iso(void **state)
{
	struct ml_syslog sl;
	const char *rfc = "2026-11-23T17:47:59.123456+01:00 web1 postfix/smtp[9]: x";
	const char *shortiso = "2026-11-23T16:47:59+0000 web1 postfix/smtp[9]: x";
	const char *z = "2026-11-23T16:47:59Z web1 dovecot: imap-login: Login";

	(void)state;
	assert_int_equal(mw_ml_parse_syslog(rfc, strlen(rfc), NULL, &sl), 0);
	assert_int_equal(sl.time, mw_ml_civil_to_epoch(2026, 11, 23, 16, 47, 59));
	assert_int_equal(mw_ml_parse_syslog(shortiso, strlen(shortiso), NULL, &sl), 0);
	assert_int_equal(sl.time, mw_ml_civil_to_epoch(2026, 11, 23, 16, 47, 59));
	assert_int_equal(mw_ml_parse_syslog(z, strlen(z), NULL, &sl), 0);
	assert_str(sl.ident, "dovecot");
	assert_int_equal(sl.pid, -1);
	assert_str(sl.msg, "imap-login: Login");
}

static void test_syslog_bad(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "Nov 99 10:00:00 h p[1]: m", "Xyz  3 10:00:00 h p[1]: m",
		"Nov  3 25:00:00 h p[1]: m", "Nov  3 10:00:00 h", "Nov  3 10:00:00 h p[12x]: m",
		"2026-13-01T00:00:00Z h p: m", "2026-11-01T00:00:00 h p: m",
		"Nov  3 10:00:00  p[1]: m",
	};
	struct ml_syslog sl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mw_ml_parse_syslog(bad[i], strlen(bad[i]), &nov2026, &sl) == 0)
			fail_msg("accepted '%s'", bad[i]);
}

static void pf(const char *ident, const char *msg, struct ml_pf_event *ev, int want)
{
	struct ml_str i = { ident, strlen(ident) }, m = { msg, strlen(msg) };

	assert_true(mw_ml_is_postfix_ident(i));
	assert_int_equal(mw_ml_parse_postfix(i, m, ev), want);
}

static void test_postfix_queue_lines(void **state)
{
	struct ml_pf_event ev;

	(void)state;
	pf("postfix/pickup", "0B943A7202B: uid=33 from=<www-data>", &ev, 0);
	assert_int_equal(ev.kind, PF_PICKUP);
	assert_str(ev.qid, "0B943A7202B");
	assert_int_equal(ev.uid, 33);
	assert_str(ev.from, "www-data");

	pf("postfix/smtpd", "4A1B2C3D40: client=unknown[198.51.100.7], sasl_method=LOGIN, sasl_username=info@example.com", &ev, 0);
	assert_int_equal(ev.kind, PF_CLIENT);
	assert_str(ev.client_host, "unknown");
	assert_str(ev.client_ip, "198.51.100.7");
	assert_str(ev.sasl_method, "LOGIN");
	assert_str(ev.sasl_user, "info@example.com");

	pf("postfix/smtpd", "C3CA5A72531: client=localhost[127.0.0.1]", &ev, 0);
	assert_str(ev.client_ip, "127.0.0.1");
	assert_int_equal(ev.sasl_user.n, 0);

	pf("postfix-out/qmgr", "0B943A7202B: from=<www-data@web1.example.test>, size=438, nrcpt=2 (queue active)", &ev, 0);
	assert_int_equal(ev.kind, PF_QMGR_FROM);
	assert_str(ev.from, "www-data@web1.example.test");
	assert_int_equal(ev.nrcpt, 2);
	assert_str(ev.service, "qmgr");

	pf("postfix/qmgr", "C0183A724A2: from=<>, size=2677, nrcpt=1 (queue active)", &ev, 0);
	assert_int_equal(ev.from.n, 0);
	pf("postfix/qmgr", "3FFFF0001: from=<>, status=expired, returned to sender", &ev, 0);
	assert_int_equal(ev.kind, PF_QMGR_EXPIRED);
	pf("postfix/qmgr", "159CBA7202C: removed", &ev, 0);
	assert_int_equal(ev.kind, PF_REMOVED);
	/* Long queue ids (enable_long_queue_ids). */
	pf("postfix/qmgr", "4VfYhP1bHQzB4Wz: removed", &ev, 0);
	assert_int_equal(ev.kind, PF_REMOVED);
	assert_str(ev.qid, "4VfYhP1bHQzB4Wz");
}

static void test_postfix_delivery(void **state)
{
	struct ml_pf_event ev;

	(void)state;
	pf("postfix/smtp", "159CBA7202C: to=<buyer2@blocked.test>, relay=127.0.0.1[127.0.0.1]:2527, delay=0.59, delays=0.07/0.2/0.25/0.06, dsn=5.7.1, status=bounced (host 127.0.0.1[127.0.0.1] said: 554 5.7.1 <buyer2@blocked.test>: Recipient address rejected: blocked using zen.spamhaus.org (in reply to RCPT TO command))", &ev, 0);
	assert_int_equal(ev.kind, PF_DELIVERY);
	assert_str(ev.to, "buyer2@blocked.test");
	assert_str(ev.relay, "127.0.0.1[127.0.0.1]:2527");
	assert_str(ev.status, "bounced");
	assert_str(ev.reply, "host 127.0.0.1[127.0.0.1] said: 554 5.7.1 <buyer2@blocked.test>: Recipient address rejected: blocked using zen.spamhaus.org (in reply to RCPT TO command)");
	assert_true(ev.is_client_side);

	pf("postfix/local", "3A0: to=<alice@example.com>, orig_to=<a@example.com>, relay=local, delay=0.1, dsn=2.0.0, status=sent (delivered to mailbox)", &ev, 0);
	/* "3A0" is too short for a queue id: not a queue line. */
	assert_int_equal(ev.kind, PF_OTHER);
	pf("postfix/local", "3A0B1: to=<alice@example.com>, orig_to=<a@example.com>, relay=local, delay=0.1, dsn=2.0.0, status=sent (delivered to mailbox)", &ev, 0);
	assert_str(ev.to, "alice@example.com");
	assert_str(ev.status, "sent");
	assert_false(ev.is_client_side);

	/* Cut-off address: malformed. */
	pf("postfix/smtp", "3FFFF0002: to=<broken@example.com, relay=none, status=deferred", &ev, -1);
	/* No status: malformed. */
	pf("postfix/smtp", "3FFFF0002: to=<a@b>, relay=none", &ev, -1);
}

static void test_postfix_header_reject_sasl(void **state)
{
	struct ml_pf_event ev;

	(void)state;
	pf("postfix/cleanup", "0B943A7202B: warning: header X-PHP-Originating-Script: 33:wp-content/uploads/2026/11/mailer.php from local; from=<www-data@web1.example.test>", &ev, 0);
	assert_int_equal(ev.kind, PF_HEADER);
	assert_str(ev.header_name, "X-PHP-Originating-Script");
	assert_str(ev.header_value, "33:wp-content/uploads/2026/11/mailer.php");
	assert_str(ev.from, "www-data@web1.example.test");

	pf("postfix/cleanup", "849E7A7202E: info: header X-PHP-Originating-Script: 1001:send from mail.php from localhost[127.0.0.1]; from=<a@b> to=<c@d> proto=ESMTP helo=<x>", &ev, 0);
	assert_str(ev.header_value, "1001:send from mail.php");
	assert_str(ev.to, "c@d");

	pf("postfix/smtpd", "NOQUEUE: reject: RCPT from unknown[185.234.219.1]: 454 4.7.1 <spameri@tiscali.it>: Relay access denied; from=<spameri@tiscali.it> to=<spameri@tiscali.it> proto=ESMTP helo=<WIN-CLJ1B0GQ6JP>", &ev, 0);
	assert_int_equal(ev.kind, PF_REJECT);
	assert_str(ev.client_ip, "185.234.219.1");
	assert_str(ev.reply, "454 4.7.1 <spameri@tiscali.it>: Relay access denied");
	assert_str(ev.to, "spameri@tiscali.it");

	pf("postfix/smtpd", "warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=info@example.com", &ev, 0);
	assert_int_equal(ev.kind, PF_SASL_FAIL);
	assert_str(ev.client_ip, "198.51.100.7");
	assert_str(ev.sasl_method, "LOGIN");
	assert_str(ev.sasl_user, "info@example.com");

	pf("postfix/smtpd", "warning: unknown[203.0.113.99]: SASL PLAIN authentication failed: authentication failure", &ev, 0);
	assert_int_equal(ev.kind, PF_SASL_FAIL);
	assert_int_equal(ev.sasl_user.n, 0);

	pf("postfix/smtpd", "warning: hostname x.example does not resolve to address 192.0.2.1", &ev, 0);
	assert_int_equal(ev.kind, PF_OTHER);
	pf("postfix/smtpd", "connect from localhost[127.0.0.1]", &ev, 0);
	assert_int_equal(ev.kind, PF_OTHER);
	assert_false(mw_ml_is_postfix_ident(S("postfix")));
	assert_false(mw_ml_is_postfix_ident(S("postfixx")));
	assert_false(mw_ml_is_postfix_ident(S("dovecot")));
}

static void ex(const char *line, int with_time, struct ml_ex_event *ev, int want)
{
	assert_int_equal(mw_ml_parse_exim(line, strlen(line), with_time, ev), want);
}

static void test_exim_arrival(void **state)
{
	struct ml_ex_event ev;

	(void)state;
	ex("2026-11-21 09:15:00 1tDiHG-0001Cd-2y <= noreply@site1.example U=site1 P=local S=1820 id=abc1@site1.example T=\"Notice for U=fake\" from <noreply@site1.example> for v1@gmail.com v2@yahoo.com", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_ARRIVAL);
	assert_int_equal(ev.time, mw_ml_civil_to_epoch(2026, 11, 21, 9, 15, 0));
	assert_false(ev.time_has_zone);
	assert_str(ev.id, "1tDiHG-0001Cd-2y");
	assert_str(ev.addr, "noreply@site1.example");
	assert_str(ev.user, "site1");
	assert_str(ev.proto, "local");
	assert_str(ev.rcpts, "v1@gmail.com v2@yahoo.com");

	ex("2026-11-21 09:40:09.123 +0100 [4242] 1tDiff-00000001Cgx-5bAB <= carol@example.com H=mail.example (User) [141.98.11.5]:60420 P=esmtpa A=dovecot_login:carol@example.com S=3000", 1, &ev, 0);
	assert_int_equal(ev.time, mw_ml_civil_to_epoch(2026, 11, 21, 8, 40, 9));
	assert_true(ev.time_has_zone);
	assert_int_equal(ev.pid, 4242);
	assert_str(ev.id, "1tDiff-00000001Cgx-5bAB");
	assert_str(ev.host, "mail.example");
	assert_str(ev.ip, "141.98.11.5");
	assert_str(ev.auth, "carol@example.com");
	assert_str(ev.proto, "esmtpa");

	ex("2026-11-21 09:15:00 1tDiHG-0001Cd-2y <= <> R=1tDiHF-0001Cc-1x U=Debian-exim P=local S=2000", 1, &ev, 0);
	assert_int_equal(ev.addr.n, 0);
}

static void test_exim_delivery_fail(void **state)
{
	struct ml_ex_event ev;

	(void)state;
	ex("2026-11-21 09:15:01 1tDiHG-0001Cd-2y => v1@gmail.com R=dnslookup T=remote_smtp H=gmail-smtp-in.l.google.com [142.250.27.26] C=\"250 2.0.0 OK: done\"", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_DELIVERY);
	assert_str(ev.addr, "v1@gmail.com");
	assert_str(ev.host, "gmail-smtp-in.l.google.com");
	assert_str(ev.ip, "142.250.27.26");

	ex("2026-11-21 09:15:05 1tDiHK-0001Ce-3z ** v4@gmx.de R=dnslookup T=remote_smtp H=mx00.emig.gmx.net [212.227.15.9]: SMTP error from remote mail server after RCPT TO:<v4@gmx.de>: 554 5.7.1 blocked using zen.spamhaus.org", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_FAIL);
	assert_str(ev.host, "mx00.emig.gmx.net");
	assert_str(ev.reply, "SMTP error from remote mail server after RCPT TO:<v4@gmx.de>: 554 5.7.1 blocked using zen.spamhaus.org");

	ex("2026-11-21 09:15:03 1tDiHG-0001Cd-2y == v3@aol.com R=dnslookup T=remote_smtp defer (-44) H=mx-aol.example [67.195.204.79]: SMTP error from remote mail server after RCPT TO:<v3@aol.com>: 421 4.7.0 try later", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_DEFER);
	assert_str(ev.ip, "67.195.204.79");

	ex("2026-11-21 09:15:03 1tDiHG-0001Cd-2y ** bad@local: Unrouteable address", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_FAIL);
	assert_str(ev.addr, "bad@local");
	assert_str(ev.reply, "Unrouteable address");

	ex("2026-11-21 09:20:00 [4243] 1tDiMC-0001Cf-4a => bob <bob@example.com> R=local_user T=mail_spool", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_DELIVERY);
	assert_str(ev.addr, "bob@example.com");
	ex("2026-11-21 09:20:00 1tDiMC-0001Cf-4a ** bob <bob@x.example>: Unrouteable address", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_FAIL);
	assert_str(ev.addr, "bob@x.example");
	assert_str(ev.reply, "Unrouteable address");

	ex("2026-11-21 09:15:05 1tDiHK-0001Ce-3z Completed", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_COMPLETED);
}

static void test_exim_no_id(void **state)
{
	struct ml_ex_event ev;

	(void)state;
	ex("2026-11-21 09:20:00 [4242] cwd=/home/bob/public html/contact 3 args: /usr/sbin/sendmail -t -i", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_CWD);
	assert_int_equal(ev.pid, 4242);
	assert_str(ev.cwd, "/home/bob/public html/contact");

	ex("2026-11-21 09:30:00 H=(User) [103.251.167.20]:55012 F=<spam@spam.example> rejected RCPT <victim@elsewhere.example>: relay not permitted", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_RELAY_DENIED);
	assert_str(ev.ip, "103.251.167.20");
	assert_str(ev.addr, "victim@elsewhere.example");

	ex("2026-11-21 09:40:00 dovecot_login authenticator failed for (User) [141.98.11.5]:60412: 535 Incorrect authentication data (set_id=carol@example.com)", 1, &ev, 0);
	assert_int_equal(ev.kind, EX_AUTH_FAIL);
	assert_str(ev.ip, "141.98.11.5");
	assert_str(ev.auth, "carol@example.com");
	/* The helo is the client's word: an address literal there is not
	 * the client's address (newer Exim writes "for H=..."). */
	ex("2026-11-21 09:40:01 plain authenticator failed for H=mx.example ([10.9.9.9]) [141.98.11.6]:60412: 535 Incorrect authentication data (set_id=carol@example.com)", 1, &ev, 0);
	assert_str(ev.ip, "141.98.11.6");
	ex("2026-11-21 09:40:02 plain authenticator failed for ([10.9.9.9]) [141.98.11.7]:1: 535 Incorrect authentication data", 1, &ev, 0);
	assert_str(ev.ip, "141.98.11.7");
	assert_int_equal(ev.auth.n, 0);
	ex("2026-11-21 09:40:03 plain authenticator failed for [141.98.11.8]:1: 535 Incorrect authentication data (set_id=x) [10.9.9.9]", 1, &ev, 0);
	assert_str(ev.ip, "141.98.11.8");

	/* As a syslog body (no stamp). */
	ex("1tDiHG-0001Cd-2y <= a@b U=www-data P=local S=1", 0, &ev, 0);
	assert_int_equal(ev.kind, EX_ARRIVAL);
	assert_false(ev.has_time);
	assert_str(ev.user, "www-data");

	ex("2026-11-21 09:15:0x 1tDiHG-0001Cd-2y Completed", 1, &ev, -1);
	ex("2026-11-21 09:15:00 [12 1tDiHG-0001Cd-2y Completed", 1, &ev, -1);
	assert_true(mw_ml_looks_exim("2026-11-21 09:15:00 x", 21));
	assert_false(mw_ml_looks_exim("2026-11-21T09:15:00 x", 21));
}

static void test_php_mail_log(void **state)
{
	struct ml_php_event ev;
	const char *a = "[21-Nov-2026 10:00:01 UTC] mail() on [/var/www/site2/inc/send.php:88]: To: a@one.example -- Headers: From: x";
	const char *b = "mail() on [/var/www/u/wso.php(1) : eval()'d code:12]: To: x1@gmail.com, Y <x2@yahoo.com> -- Headers: From: P";
	const char *c = "mail() on []: To: x";

	(void)state;
	assert_int_equal(mw_ml_parse_php_mail(a, strlen(a), &ev), 0);
	assert_str(ev.script, "/var/www/site2/inc/send.php");
	/* issue 18 item 16: the stamp is read */
	assert_true(ev.has_time && ev.time_is_utc);
	assert_int_equal(ev.time, mw_ml_civil_to_epoch(2026, 11, 21, 10, 0, 1));
	assert_true(mw_ml_script_is_suspicious("/var/www/s/wp-content/uploads/x.php"));
	assert_true(mw_ml_script_is_suspicious("/var/www/s/wp-content/cache/wp-cache.php"));
	assert_true(mw_ml_script_is_suspicious("/var/www/s/.well-known/a.php"));
	assert_true(mw_ml_script_is_suspicious("logo.gif.php"));
	assert_true(mw_ml_script_is_suspicious("favicon.ico"));
	assert_false(mw_ml_script_is_suspicious("/var/www/s/wp-content/plugins/contact/send.php"));
	assert_false(mw_ml_script_is_suspicious("wp-cache.php"));
	assert_false(mw_ml_script_is_suspicious("gifts.php"));
	assert_int_equal(ev.script_line, 88);
	assert_str(ev.to, "a@one.example");
	assert_int_equal(mw_ml_parse_php_mail(b, strlen(b), &ev), 0);
	assert_str(ev.script, "/var/www/u/wso.php");
	assert_str(ev.to, "x1@gmail.com, Y <x2@yahoo.com>");
	assert_int_equal(mw_ml_parse_php_mail(c, strlen(c), &ev), -1);
	assert_int_equal(mw_ml_parse_php_mail("hello", 5, &ev), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syslog_classic),
		cmocka_unit_test(test_syslog_year_and_zone),
		cmocka_unit_test(test_syslog_iso),
		cmocka_unit_test(test_syslog_bad),
		cmocka_unit_test(test_postfix_queue_lines),
		cmocka_unit_test(test_postfix_delivery),
		cmocka_unit_test(test_postfix_header_reject_sasl),
		cmocka_unit_test(test_exim_arrival),
		cmocka_unit_test(test_exim_delivery_fail),
		cmocka_unit_test(test_exim_no_id),
		cmocka_unit_test(test_php_mail_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
