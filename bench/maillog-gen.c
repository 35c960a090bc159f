/*
 * Deterministic synthetic mail log for `bench/logs.sh`: Postfix as rsyslog
 * writes it (classic stamps) with Exim main-log lines mixed in, shaped like
 * a busy web+mail host during a spam run: inbound SMTP, SASL submissions,
 * PHP mail() via pickup (uid 33) with X-PHP-Originating-Script, deliveries
 * sent/deferred/bounced (some with blocklist replies), relay probes, SASL
 * failures, connect/disconnect noise.
 *
 *   maillog-gen BYTES > file     (same BYTES -> same file, byte for byte)
 *   maillog-gen --hostile BYTES  worst case for memory: every line a new
 *                                SASL user, IP, local user, script, sender
 *                                and queue id, each with many recipients
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rs = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const domains[] = { "gmail.com", "yahoo.com", "outlook.com",
	"hotmail.com", "aol.com", "gmx.de", "web.de", "orange.fr", "libero.it",
	"mail.ru", "yandex.ru", "icloud.com", "comcast.net", "example.org",
	"partner.example", "shop.example" };
#define NDOM (sizeof(domains) / sizeof(domains[0]))

static char stamp[32];
static uint64_t now_s = 0;	/* seconds since Nov 1 00:00 */
static uint64_t qid = 0x1A2B3C4D5ULL;
static uint64_t written, target;

static void tick(void)
{
	unsigned d, h, m, s;

	now_s += pick(2);
	d = 1 + (unsigned)(now_s / 86400) % 28;
	h = (unsigned)(now_s / 3600) % 24;
	m = (unsigned)(now_s / 60) % 60;
	s = (unsigned)now_s % 60;
	snprintf(stamp, sizeof(stamp), "%s %2u %02u:%02u:%02u", mon[10], d, h, m, s);
}

#define OUT(...) do { int _n = printf(__VA_ARGS__); if (_n > 0) written += (uint64_t)_n; } while (0)

static void postfix_inbound(void)
{
	uint64_t q = qid++;
	unsigned a = pick(256), b = pick(256), c = pick(256), pid = 1000 + pick(30000);

	OUT("%s web1 postfix/smtpd[%u]: connect from mail-%u.example.net[198.%u.%u.%u]\n", stamp, pid, a, a % 64, b, c);
	OUT("%s web1 postfix/smtpd[%u]: %" PRIX64 ": client=mail-%u.example.net[198.%u.%u.%u]\n", stamp, pid, q, a, a % 64, b, c);
	OUT("%s web1 postfix/cleanup[%u]: %" PRIX64 ": message-id=<%" PRIx64 ".%u@mail-%u.example.net>\n", stamp, pid + 1, q, rnd(), b, a);
	OUT("%s web1 postfix/qmgr[812]: %" PRIX64 ": from=<news%u@%s>, size=%u, nrcpt=1 (queue active)\n", stamp, q, pick(50000), domains[pick(NDOM)], 2000 + pick(60000));
	OUT("%s web1 postfix/local[%u]: %" PRIX64 ": to=<user%u@example.com>, relay=local, delay=0.12, delays=0.06/0.01/0/0.05, dsn=2.0.0, status=sent (delivered to mailbox)\n", stamp, pid + 2, q, pick(200));
	OUT("%s web1 postfix/qmgr[812]: %" PRIX64 ": removed\n", stamp, q);
	OUT("%s web1 postfix/smtpd[%u]: disconnect from mail-%u.example.net[198.%u.%u.%u] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7\n", stamp, pid, a, a % 64, b, c);
}

static void delivery(uint64_t q, const char *rcpt_user, const char *dom, unsigned pid)
{
	unsigned r = pick(100), ip = pick(250);

	if (r < 80)
		OUT("%s web1 postfix/smtp[%u]: %" PRIX64 ": to=<%s@%s>, relay=mx%u.%s[203.0.%u.%u]:25, delay=1.1, delays=0.1/0.01/0.4/0.6, dsn=2.0.0, status=sent (250 2.0.0 OK %" PRIu64 " - gsmtp)\n", stamp, pid, q, rcpt_user, dom, ip % 4, dom, ip % 200, ip, rnd() % 1000000000);
	else if (r < 90)
		OUT("%s web1 postfix/smtp[%u]: %" PRIX64 ": to=<%s@%s>, relay=mx%u.%s[203.0.%u.%u]:25, delay=5, delays=0.1/0/5/0, dsn=4.7.0, status=deferred (host mx%u.%s[203.0.%u.%u] said: 421 4.7.0 [TSS04] Messages from 192.0.2.5 temporarily deferred due to unexpected volume or user complaints (in reply to MAIL FROM command))\n", stamp, pid, q, rcpt_user, dom, ip % 4, dom, ip % 200, ip, ip % 4, dom, ip % 200, ip);
	else
		OUT("%s web1 postfix/smtp[%u]: %" PRIX64 ": to=<%s@%s>, relay=mx%u.%s[203.0.%u.%u]:25, delay=0.8, delays=0.1/0/0.3/0.4, dsn=5.7.1, status=bounced (host mx%u.%s[203.0.%u.%u] said: 554 5.7.1 Service unavailable; Client host [192.0.2.5] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.5 (in reply to RCPT TO command))\n", stamp, pid, q, rcpt_user, dom, ip % 4, dom, ip % 200, ip, ip % 4, dom, ip % 200, ip);
	if (r < 80 || r >= 90)
		OUT("%s web1 postfix/qmgr[812]: %" PRIX64 ": removed\n", stamp, q);
}

static void postfix_web(void)
{
	uint64_t q = qid++;
	unsigned pid = 1000 + pick(30000);
	char user[32];

	OUT("%s web1 postfix/pickup[%u]: %" PRIX64 ": uid=33 from=<www-data>\n", stamp, pid, q);
	OUT("%s web1 postfix/cleanup[%u]: %" PRIX64 ": warning: header X-PHP-Originating-Script: 33:wp-content/uploads/2026/%02u/up.php from local; from=<www-data@web1.example.com>\n", stamp, pid + 1, q, 1 + pick(12));
	OUT("%s web1 postfix/cleanup[%u]: %" PRIX64 ": message-id=<%" PRIx64 "@web1.example.com>\n", stamp, pid + 1, q, rnd());
	OUT("%s web1 postfix/qmgr[812]: %" PRIX64 ": from=<www-data@web1.example.com>, size=%u, nrcpt=1 (queue active)\n", stamp, q, 1500 + pick(4000));
	snprintf(user, sizeof(user), "victim%u", pick(1000000));
	delivery(q, user, domains[pick(NDOM)], pid + 2);
}

static void postfix_sasl(void)
{
	uint64_t q = qid++;
	unsigned pid = 1000 + pick(30000), u = pick(300);
	char rcpt[32];

	OUT("%s web1 postfix/smtpd[%u]: %" PRIX64 ": client=unknown[%u.%u.%u.%u], sasl_method=PLAIN, sasl_username=user%u@example.com\n", stamp, pid, q, 1 + pick(220), pick(256), pick(256), 1 + pick(254), u);
	OUT("%s web1 postfix/cleanup[%u]: %" PRIX64 ": message-id=<%" PRIx64 "@example.com>\n", stamp, pid + 1, q, rnd());
	OUT("%s web1 postfix/qmgr[812]: %" PRIX64 ": from=<user%u@example.com>, size=%u, nrcpt=1 (queue active)\n", stamp, q, u, 3000 + pick(9000));
	snprintf(rcpt, sizeof(rcpt), "contact%u", pick(100000));
	delivery(q, rcpt, domains[pick(NDOM)], pid + 2);
}

static void postfix_noise(void)
{
	unsigned r = pick(4), pid = 1000 + pick(30000);

	if (r == 0)
		OUT("%s web1 postfix/smtpd[%u]: NOQUEUE: reject: RCPT from unknown[185.%u.%u.%u]: 454 4.7.1 <x%u@tiscali.it>: Relay access denied; from=<x@tiscali.it> to=<x%u@tiscali.it> proto=ESMTP helo=<WIN-%u>\n", stamp, pid, pick(256), pick(256), pick(256), pick(100), pick(100), pick(9999));
	else if (r == 1)
		OUT("%s web1 postfix/smtpd[%u]: warning: unknown[45.%u.%u.%u]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=user%u@example.com\n", stamp, pid, pick(256), pick(256), pick(256), pick(300));
	else if (r == 2)
		OUT("%s web1 postfix/anvil[%u]: statistics: max connection rate 3/60s for (smtp:198.51.100.%u) at %s\n", stamp, pid, pick(256), stamp);
	else
		OUT("%s web1 dovecot: imap-login: Login: user=<user%u@example.com>, method=PLAIN, rip=192.0.2.%u, lip=192.0.2.5, mpid=%u, TLS\n", stamp, pick(300), pick(256), pid);
}

static void exim_flow(void)
{
	static unsigned seq;
	unsigned d = 1 + (unsigned)(now_s / 86400) % 28, h = (unsigned)(now_s / 3600) % 24;
	unsigned m = (unsigned)(now_s / 60) % 60, s = (unsigned)now_s % 60, pid = 2000 + pick(30000);
	char ts[32], id[32];

	snprintf(ts, sizeof(ts), "2026-11-%02u %02u:%02u:%02u", d, h, m, s);
	snprintf(id, sizeof(id), "1t%04X-%06X-%02X", seq & 0xffff, (seq * 7) & 0xffffff, seq & 0xff);
	seq++;
	OUT("%s [%u] cwd=/var/www/site%u/wp-content/uploads 4 args: /usr/sbin/sendmail -t -i -fno-reply@site.example\n", ts, pid, pick(5));
	OUT("%s [%u] %s <= no-reply@site.example U=site%u P=local S=%u id=%" PRIx64 "@site.example T=\"Notice %u\" from <no-reply@site.example> for v%u@%s\n", ts, pid, id, pick(5), 1000 + pick(3000), rnd(), pick(1000), pick(100000), domains[pick(NDOM)]);
	OUT("%s [%u] %s => v%u@%s R=dnslookup T=remote_smtp H=mx.%s [203.0.113.%u] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 2.0.0 Ok: queued\"\n", ts, pid + 1, id, pick(100000), domains[pick(NDOM)], domains[pick(NDOM)], pick(256));
	OUT("%s [%u] %s Completed\n", ts, pid + 1, id);
}

static void hostile(void)
{
	uint64_t q = qid++, k = rnd();
	unsigned i;

	tick();
	OUT("%s web1 postfix/smtpd[1]: %" PRIX64 ": client=unknown[%u.%u.%u.%u], sasl_method=PLAIN, sasl_username=u%" PRIx64 "@example.com\n",
	    stamp, q, pick(224), pick(256), pick(256), pick(256), k % 100000);
	OUT("%s web1 postfix/qmgr[2]: %" PRIX64 ": from=<s%" PRIx64 "@x.example>, size=1, nrcpt=1 (queue active)\n", stamp, q, k);
	OUT("2026-11-01 00:00:00 [%u] cwd=/var/www/s%" PRIx64 "/%0200u 3 args: sendmail -t\n", (unsigned)(k % 99999), k, 0);
	OUT("2026-11-01 00:00:00 [%u] 1t%04X-%06X-%02X <= a@b U=user%" PRIu64 " P=local S=1 for", (unsigned)(k % 99999),
	    (unsigned)(q & 0xffff), (unsigned)((q >> 16) & 0xffffff), (unsigned)(q & 0xff), k % 5000);
	for (i = 0; i < 40; i++)
		OUT(" r@d%" PRIx64 ".example", rnd());
	OUT("\n[01-Nov-2026 00:00:00 UTC] mail() on [/var/www/x/%" PRIx64 "/%0150u.php:1]: To: ", k % 10000, 0);
	for (i = 0; i < 40; i++)
		OUT("%sr@d%" PRIx64 ".example", i ? ", " : "", rnd());
	OUT(" -- Headers: X\n");
}

int main(int argc, char **argv)
{
	static char obuf[1 << 20];
	int worst = 0;

	if (argc == 3 && strcmp(argv[1], "--hostile") == 0) {
		worst = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: maillog-gen [--hostile] BYTES\n");
		return 2;
	}
	target = strtoull(argv[1], NULL, 10);
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	while (worst && written < target)
		hostile();
	while (written < target) {
		unsigned r = pick(100);

		tick();
		if (r < 30)
			postfix_inbound();
		else if (r < 60)
			postfix_web();
		else if (r < 75)
			postfix_sasl();
		else if (r < 90)
			postfix_noise();
		else
			exim_flow();
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
