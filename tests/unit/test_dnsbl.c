#include "tests/unit/testutil.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "scanner/dnsbl/dnsbl.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
			 ((uint32_t)(c) << 8) | (uint32_t)(d))

/* Reversed query name of text, "" zone = without zone. */
static const char *rev(const char *text, const char *zone)
{
	static char out[MW_DNSBL_QNAME_MAX];
	struct mw_ip ip;
	char err[128];

	assert_int_equal(mw_ip_parse(text, &ip, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_dnsbl_qname(&ip, zone, out, sizeof(out)), MW_OK);
	return out;
}

static void test_reverse_ipv4(void **state)
{
	(void)state;
	assert_string_equal(rev("192.0.2.1", NULL), "1.2.0.192");
	assert_string_equal(rev("1.2.3.4", "zen.spamhaus.org"), "4.3.2.1.zen.spamhaus.org");
	/* trailing dot of the zone is dropped */
	assert_string_equal(rev("10.20.30.40", "bl.spamcop.net."), "40.30.20.10.bl.spamcop.net");
	assert_string_equal(rev("0.0.0.0", NULL), "0.0.0.0");
	assert_string_equal(rev("255.255.255.255", NULL), "255.255.255.255");
}

static void test_reverse_ipv6(void **state)
{
	(void)state;
	assert_string_equal(rev("::1", NULL),
			    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0");
	assert_string_equal(rev("2001:db8::1", "zen.spamhaus.org"),
			    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
			    ".zen.spamhaus.org");
	/* every compressed and uppercase spelling gives the same name */
	assert_string_equal(rev("2001:DB8:0:0:0:0:0:1", NULL), rev("2001:db8::1", NULL));
	assert_string_equal(rev("2001:0db8:0000:0000:0000:0000:0000:0001", NULL),
			    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2");
	assert_string_equal(rev("2a01:4f8:1c1c:abcd::25", NULL),
			    "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.c.1.c.1.8.f.4.0.1.0.a.2");
	assert_string_equal(rev("::", NULL),
			    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0");
	/* embedded IPv4 notation in a non-mapped address stays IPv6 */
	assert_string_equal(rev("64:ff9b::192.0.2.1", NULL),
			    "1.0.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0");
}

static void test_reverse_mapped(void **state)
{
	struct mw_ip ip;
	char text[MW_DNSBL_IPSTR_MAX];

	(void)state;
	/* IPv4-mapped IPv6 is the IPv4 address to a blocklist */
	assert_int_equal(mw_ip_parse("::ffff:192.0.2.1", &ip, NULL, 0), MW_OK);
	assert_int_equal(ip.family, AF_INET);
	mw_ip_format(&ip, text, sizeof(text));
	assert_string_equal(text, "192.0.2.1");
	assert_string_equal(rev("::ffff:192.0.2.1", "x.example"), "1.2.0.192.x.example");
	assert_string_equal(rev("::FFFF:c000:0201", NULL), "1.2.0.192");
}

static void test_reverse_invalid(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/32", "2001:db8::/64",
		"fe80::1%eth0", "2001:db8::g", "2001:db8:::1", "1:2:3:4:5:6:7:8:9",
		" 1.2.3.4", "1.2.3.4 ", "example.org", "01.02.03.04x",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb",
	};
	struct mw_ip ip;
	char err[128], out[MW_DNSBL_QNAME_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(mw_ip_parse(bad[i], &ip, err, sizeof(err)), MW_ERR_PARSE);
		assert_true(strlen(err) > 0);
	}
	assert_int_equal(mw_ip_parse("1.2.3.4/32", &ip, err, sizeof(err)), MW_ERR_PARSE);
	assert_non_null(strstr(err, "prefix"));
	assert_int_equal(mw_ip_parse("fe80::1%eth0", &ip, err, sizeof(err)), MW_ERR_PARSE);
	assert_non_null(strstr(err, "zone id"));
	assert_int_equal(mw_ip_parse("1.2.3", &ip, err, sizeof(err)), MW_ERR_PARSE);
	assert_string_equal(err, "not an IPv4 or IPv6 address");
	assert_int_equal(mw_ip_parse(NULL, &ip, err, sizeof(err)), MW_ERR_PARSE);
	/* too small a buffer, too long a name */
	assert_int_equal(mw_ip_parse("2001:db8::1", &ip, NULL, 0), MW_OK);
	assert_int_equal(mw_dnsbl_qname(&ip, NULL, out, 20), MW_ERR_TOOBIG);
	memset(out, 'a', 200);
	out[200] = '\0';
	{
		char name[MW_DNSBL_QNAME_MAX];

		assert_int_equal(mw_dnsbl_qname(&ip, out, name, sizeof(name)), MW_ERR_TOOBIG);
	}
}

static void test_zone_check(void **state)
{
	char err[128], longz[200];

	(void)state;
	assert_int_equal(mw_dnsbl_zone_check("zen.spamhaus.org", err, sizeof(err)), MW_OK);
	assert_int_equal(mw_dnsbl_zone_check("dnsbl-1.uceprotect.net.", err, sizeof(err)), MW_OK);
	assert_int_equal(mw_dnsbl_zone_check("key_1.zen.dq.spamhaus.net", err, sizeof(err)), MW_OK);
	assert_int_equal(mw_dnsbl_zone_check("", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_zone_check("a..b", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_zone_check(".a", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_zone_check("a b", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_zone_check("x\n.org", err, sizeof(err)), MW_ERR_PARSE);
	memset(longz, 'a', 64);
	longz[64] = '\0';
	assert_int_equal(mw_dnsbl_zone_check(longz, err, sizeof(err)), MW_ERR_PARSE);
	assert_non_null(strstr(err, "63"));
	memset(longz, 'a', sizeof(longz) - 1);
	longz[sizeof(longz) - 1] = '\0';
	for (size_t i = 50; i < sizeof(longz) - 1; i += 50)
		longz[i] = '.';
	assert_int_equal(mw_dnsbl_zone_check(longz, err, sizeof(err)), MW_ERR_PARSE);
}

static void test_resolver_parse(void **state)
{
	char out[80], err[128];

	(void)state;
	assert_int_equal(mw_dnsbl_resolver_parse("127.0.0.1", out, sizeof(out), err, sizeof(err)), MW_OK);
	assert_string_equal(out, "127.0.0.1:53");
	assert_int_equal(mw_dnsbl_resolver_parse("127.0.0.1:5354", out, sizeof(out), err, sizeof(err)), MW_OK);
	assert_string_equal(out, "127.0.0.1:5354");
	assert_int_equal(mw_dnsbl_resolver_parse("::1", out, sizeof(out), err, sizeof(err)), MW_OK);
	assert_string_equal(out, "[::1]:53");
	assert_int_equal(mw_dnsbl_resolver_parse("[2001:db8::53]:5300", out, sizeof(out), err, sizeof(err)), MW_OK);
	assert_string_equal(out, "[2001:db8::53]:5300");
	assert_int_equal(mw_dnsbl_resolver_parse("127.0.0.1:0", out, sizeof(out), err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_resolver_parse("127.0.0.1:65536", out, sizeof(out), err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_resolver_parse("127.0.0.1:", out, sizeof(out), err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_resolver_parse("[::1", out, sizeof(out), err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_resolver_parse("[::1]x", out, sizeof(out), err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_resolver_parse("dns.example:53", out, sizeof(out), err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_dnsbl_resolver_parse("", out, sizeof(out), err, sizeof(err)), MW_ERR_PARSE);
}

static enum mw_ip_class cls(const char *s)
{
	struct mw_ip ip;

	assert_int_equal(mw_ip_parse(s, &ip, NULL, 0), MW_OK);
	return mw_ip_classify(&ip);
}

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(cls("8.8.8.8"), MW_IPC_PUBLIC);
	assert_int_equal(cls("10.1.2.3"), MW_IPC_PRIVATE);
	assert_int_equal(cls("172.16.0.1"), MW_IPC_PRIVATE);
	assert_int_equal(cls("172.31.255.255"), MW_IPC_PRIVATE);
	assert_int_equal(cls("172.32.0.1"), MW_IPC_PUBLIC);
	assert_int_equal(cls("192.168.1.1"), MW_IPC_PRIVATE);
	assert_int_equal(cls("100.64.0.1"), MW_IPC_CGNAT);
	assert_int_equal(cls("100.127.255.255"), MW_IPC_CGNAT);
	assert_int_equal(cls("100.128.0.1"), MW_IPC_PUBLIC);
	assert_int_equal(cls("127.0.0.1"), MW_IPC_LOOPBACK);
	assert_int_equal(cls("169.254.1.1"), MW_IPC_LINKLOCAL);
	assert_int_equal(cls("192.0.2.5"), MW_IPC_DOCUMENTATION);
	assert_int_equal(cls("224.0.0.1"), MW_IPC_MULTICAST);
	assert_int_equal(cls("0.1.2.3"), MW_IPC_UNSPECIFIED);
	assert_int_equal(cls("2a01:4f8::1"), MW_IPC_PUBLIC);
	assert_int_equal(cls("::1"), MW_IPC_LOOPBACK);
	assert_int_equal(cls("::"), MW_IPC_UNSPECIFIED);
	assert_int_equal(cls("fe80::1"), MW_IPC_LINKLOCAL);
	assert_int_equal(cls("fd00::2"), MW_IPC_ULA);
	assert_int_equal(cls("fc12::2"), MW_IPC_ULA);
	assert_int_equal(cls("2001:db8::1"), MW_IPC_DOCUMENTATION);
	assert_int_equal(cls("ff02::1"), MW_IPC_MULTICAST);
	assert_int_equal(cls("::ffff:10.0.0.1"), MW_IPC_PRIVATE);
	assert_string_equal(mw_ip_class_name(MW_IPC_CGNAT), "cgnat");
}

/* --------------------------------------------------------------- verdicts */

static struct mw_dnsbl_list scratch;

static void judge(const char *zone, enum mw_dns_status st, const uint32_t *a,
		  size_t n, struct mw_dnsbl_judgement *j)
{
	mw_dnsbl_judge(mw_dnsbl_list_info(zone, &scratch), st, a, n, j);
}

static void expect_listed(const char *zone, uint32_t code, const char *needle)
{
	struct mw_dnsbl_judgement j;

	judge(zone, MW_DNS_ANSWER, &code, 1, &j);
	assert_int_equal(j.verdict, MW_VERDICT_LISTED);
	assert_int_equal(j.ncodes, 1);
	assert_int_equal(j.codes[0], code);
	if (!strstr(j.meaning, needle))
		fail_msg("meaning '%s' lacks '%s'", j.meaning, needle);
}

static void test_verdict_spamhaus_codes(void **state)
{
	(void)state;
	expect_listed("zen.spamhaus.org", IP4(127, 0, 0, 2), "Spamhaus SBL:");
	expect_listed("zen.spamhaus.org", IP4(127, 0, 0, 3), "SBL CSS");
	for (unsigned k = 4; k <= 7; k++)
		expect_listed("zen.spamhaus.org", IP4(127, 0, 0, k), "XBL");
	expect_listed("zen.spamhaus.org", IP4(127, 0, 0, 9), "DROP");
	expect_listed("zen.spamhaus.org", IP4(127, 0, 0, 10), "PBL (ISP maintained)");
	expect_listed("ZEN.Spamhaus.ORG.", IP4(127, 0, 0, 11), "PBL (Spamhaus maintained)");
	/* an undocumented code inside 127/8 is still a listing */
	expect_listed("zen.spamhaus.org", IP4(127, 0, 0, 8), "not a documented code");
	/* DQS and component zones share the semantics */
	expect_listed("abcdef.zen.dq.spamhaus.net", IP4(127, 0, 0, 4), "XBL");
	expect_listed("sbl.spamhaus.org", IP4(127, 0, 0, 2), "SBL");
}

static void expect_error(const char *zone, uint32_t code, const char *wantcode,
			 const char *needle)
{
	struct mw_dnsbl_judgement j;

	judge(zone, MW_DNS_ANSWER, &code, 1, &j);
	assert_int_equal(j.verdict, MW_VERDICT_ERROR);
	assert_int_equal(j.ncodes, 0);
	assert_int_equal(j.nignored, 1);
	assert_string_equal(j.code, wantcode);
	if (!strstr(j.meaning, needle))
		fail_msg("meaning '%s' lacks '%s'", j.meaning, needle);
}

static void test_verdict_spamhaus_errors(void **state)
{
	(void)state;
	expect_error("zen.spamhaus.org", IP4(127, 255, 255, 252), "127.255.255.252", "typing error");
	expect_error("zen.spamhaus.org", IP4(127, 255, 255, 254), "127.255.255.254",
		     "public/open resolver");
	expect_error("zen.spamhaus.org", IP4(127, 255, 255, 255), "127.255.255.255",
		     "excessive number of queries");
	expect_error("pbl.spamhaus.org", IP4(127, 255, 255, 1), "127.255.255.1",
		     "Spamhaus error code");
	/* other lists have no error range: 127.255.255.254 is a listing there */
	expect_listed("bl.spamcop.net", IP4(127, 255, 255, 254), "not a documented code");
}

static void test_verdict_invalid_answers(void **state)
{
	struct mw_dnsbl_judgement j;
	uint32_t mix[3] = { IP4(192, 0, 2, 99), IP4(127, 0, 0, 2), IP4(127, 0, 0, 1) };

	(void)state;
	expect_error("bl.spamcop.net", IP4(127, 0, 0, 1), "127.0.0.1", "never a valid listing");
	expect_error("zen.spamhaus.org", IP4(127, 0, 0, 1), "127.0.0.1", "never a valid listing");
	expect_error("psbl.surriel.com", IP4(192, 0, 2, 99), "192.0.2.99", "resolver misbehaves");
	expect_error("psbl.surriel.com", IP4(10, 0, 0, 1), "10.0.0.1", "outside 127.0.0.0/8");
	expect_error("psbl.surriel.com", IP4(128, 0, 0, 2), "128.0.0.2", "outside 127.0.0.0/8");
	/* a real code next to junk: listed, junk ignored and mentioned */
	judge("bl.spamcop.net", MW_DNS_ANSWER, mix, 3, &j);
	assert_int_equal(j.verdict, MW_VERDICT_LISTED);
	assert_int_equal(j.ncodes, 1);
	assert_int_equal(j.codes[0], IP4(127, 0, 0, 2));
	assert_int_equal(j.nignored, 2);
	assert_string_equal(j.code, "127.0.0.2");
	assert_non_null(strstr(j.meaning, "SpamCop"));
	assert_non_null(strstr(j.meaning, "never a valid listing"));
	assert_non_null(strstr(j.meaning, "192.0.2.99"));
	/* a Spamhaus error next to a listing code does not hide the listing */
	mix[0] = IP4(127, 255, 255, 254);
	mix[1] = IP4(127, 0, 0, 4);
	judge("zen.spamhaus.org", MW_DNS_ANSWER, mix, 2, &j);
	assert_int_equal(j.verdict, MW_VERDICT_LISTED);
	assert_string_equal(j.code, "127.0.0.4");
}

static void test_verdict_multi_sorted(void **state)
{
	struct mw_dnsbl_judgement j;
	uint32_t a[3] = { IP4(127, 0, 0, 11), IP4(127, 0, 0, 4), IP4(127, 0, 0, 2) };

	(void)state;
	judge("zen.spamhaus.org", MW_DNS_ANSWER, a, 3, &j);
	assert_int_equal(j.verdict, MW_VERDICT_LISTED);
	assert_int_equal(j.ncodes, 3);
	assert_int_equal(j.codes[0], IP4(127, 0, 0, 2));
	assert_int_equal(j.codes[2], IP4(127, 0, 0, 11));
	assert_string_equal(j.code, "127.0.0.2");
	assert_non_null(strstr(j.meaning, "SBL"));
	assert_non_null(strstr(j.meaning, "XBL"));
	assert_non_null(strstr(j.meaning, "PBL"));
}

static void test_verdict_dns_status(void **state)
{
	struct mw_dnsbl_judgement j;

	(void)state;
	judge("zen.spamhaus.org", MW_DNS_NXDOMAIN, NULL, 0, &j);
	assert_int_equal(j.verdict, MW_VERDICT_CLEAN);
	assert_string_equal(j.code, "");
	judge("zen.spamhaus.org", MW_DNS_NODATA, NULL, 0, &j);
	assert_int_equal(j.verdict, MW_VERDICT_CLEAN);
	judge("zen.spamhaus.org", MW_DNS_TIMEOUT, NULL, 0, &j);
	assert_int_equal(j.verdict, MW_VERDICT_UNKNOWN);
	assert_non_null(strstr(j.meaning, "timeout"));
	judge("zen.spamhaus.org", MW_DNS_SERVFAIL, NULL, 0, &j);
	assert_int_equal(j.verdict, MW_VERDICT_UNKNOWN);
	assert_non_null(strstr(j.meaning, "SERVFAIL"));
	judge("zen.spamhaus.org", MW_DNS_REFUSED, NULL, 0, &j);
	assert_int_equal(j.verdict, MW_VERDICT_UNKNOWN);
	judge("zen.spamhaus.org", MW_DNS_UNREACHABLE, NULL, 0, &j);
	assert_int_equal(j.verdict, MW_VERDICT_UNKNOWN);
	assert_non_null(strstr(j.meaning, "not reachable"));
	judge("zen.spamhaus.org", MW_DNS_BADREPLY, NULL, 0, &j);
	assert_int_equal(j.verdict, MW_VERDICT_UNKNOWN);
	judge("zen.spamhaus.org", MW_DNS_OTHER, NULL, 0, &j);
	assert_int_equal(j.verdict, MW_VERDICT_UNKNOWN);
	/* an ANSWER status without addresses is an error, not clean */
	judge("zen.spamhaus.org", MW_DNS_ANSWER, NULL, 0, &j);
	assert_int_equal(j.verdict, MW_VERDICT_ERROR);
}

static void test_verdict_dead_and_lists(void **state)
{
	struct mw_dnsbl_judgement j;
	const struct mw_dnsbl_list *l;
	const char *const *zones;
	uint32_t code = IP4(127, 0, 0, 2);
	size_t n, i;

	(void)state;
	judge("dnsbl.sorbs.net", MW_DNS_ANSWER, &code, 1, &j);
	assert_int_equal(j.verdict, MW_VERDICT_ERROR);
	assert_non_null(strstr(j.meaning, "SORBS"));
	judge("new.dnsbl.sorbs.net", MW_DNS_ANSWER, &code, 1, &j);
	assert_int_equal(j.verdict, MW_VERDICT_ERROR);
	judge("dnsbl.ahbl.org", MW_DNS_ANSWER, &code, 1, &j);
	assert_int_equal(j.verdict, MW_VERDICT_ERROR);
	/* the defaults: the six live lists, each with a delisting page */
	n = mw_dnsbl_default_lists(&zones);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		l = mw_dnsbl_list_info(zones[i], &scratch);
		assert_ptr_not_equal(l, &scratch);
		assert_false(l->dead);
		assert_true(l->by_default);
		assert_non_null(l->delist_url);
		assert_non_null(strstr(zones[i], "sorbs") ? NULL : zones[i]);
	}
	expect_listed("bl.mailspike.net", IP4(127, 0, 0, 2), "spam wave");
	expect_listed("bl.mailspike.net", IP4(127, 0, 0, 10), "L5");
	expect_listed("bl.mailspike.net", IP4(127, 0, 0, 12), "L3");
	expect_listed("b.barracudacentral.org", IP4(127, 0, 0, 2), "Barracuda");
	expect_listed("psbl.surriel.com", IP4(127, 0, 0, 2), "PSBL");
	expect_listed("dnsbl-1.uceprotect.net", IP4(127, 0, 0, 2), "UCEPROTECT");
	/* unknown list: generic semantics */
	l = mw_dnsbl_list_info("dnsbl.example.net", &scratch);
	assert_ptr_equal(l, &scratch);
	assert_null(l->delist_url);
	expect_listed("dnsbl.example.net", IP4(127, 0, 0, 5), "not a documented code");
}

/* ---------------------------------------------------------------- answers */

/* A reply for "n.example" with the given A or TXT answers. */
static size_t build_reply(unsigned char *p, int rcode, int type,
			  const void *const *rdata, const size_t *rdlen, size_t n)
{
	static const unsigned char qname[] = "\x01n\x07" "example";
	size_t o = 0, i;

	p[o++] = 0x12; p[o++] = 0x34;
	p[o++] = 0x81; p[o++] = (unsigned char)(0x80 | rcode);
	p[o++] = 0; p[o++] = 1;
	p[o++] = 0; p[o++] = (unsigned char)n;
	p[o++] = 0; p[o++] = 0; p[o++] = 0; p[o++] = 0;
	memcpy(p + o, qname, sizeof(qname));
	o += sizeof(qname);
	p[o++] = 0; p[o++] = (unsigned char)type; p[o++] = 0; p[o++] = 1;
	for (i = 0; i < n; i++) {
		p[o++] = 0xc0; p[o++] = 12;
		p[o++] = 0; p[o++] = (unsigned char)type; p[o++] = 0; p[o++] = 1;
		p[o++] = 0; p[o++] = 0; p[o++] = 0x0e; p[o++] = 0x10;
		p[o++] = (unsigned char)(rdlen[i] >> 8); p[o++] = (unsigned char)rdlen[i];
		memcpy(p + o, rdata[i], rdlen[i]);
		o += rdlen[i];
	}
	return o;
}

static void test_list_health(void **state)
{
	struct mw_dnsbl_list s1, s2;
	const struct mw_dnsbl_list *zen = mw_dnsbl_list_info("zen.spamhaus.org", &s1);
	const struct mw_dnsbl_list *other = mw_dnsbl_list_info("bl.example", &s2);
	uint32_t two = IP4(127, 0, 0, 2), typo = IP4(127, 255, 255, 252);
	uint32_t pub = IP4(127, 255, 255, 254), outside = IP4(192, 0, 2, 99);
	char why[512];
	(void)state;

	/* RFC 5782: 127.0.0.2 listed, 127.0.0.1 not */
	assert_int_equal(mw_dnsbl_health(other, MW_DNS_ANSWER, &two, 1, MW_DNS_NXDOMAIN,
					 NULL, 0, why, sizeof(why)), MW_LIST_OK);
	/* answering for 127.0.0.1 makes it a wildcard whatever else it says */
	assert_int_equal(mw_dnsbl_health(other, MW_DNS_ANSWER, &two, 1, MW_DNS_ANSWER,
					 &two, 1, why, sizeof(why)), MW_LIST_WILDCARD);
	assert_non_null(strstr(why, "127.0.0.1"));
	assert_int_equal(mw_dnsbl_health(other, MW_DNS_NXDOMAIN, NULL, 0, MW_DNS_ANSWER,
					 &two, 1, why, sizeof(why)), MW_LIST_WILDCARD);
	assert_int_equal(mw_dnsbl_health(other, MW_DNS_NXDOMAIN, NULL, 0, MW_DNS_NXDOMAIN,
					 NULL, 0, why, sizeof(why)), MW_LIST_NO_TESTPOINT);
	assert_int_equal(mw_dnsbl_health(other, MW_DNS_TIMEOUT, NULL, 0, MW_DNS_TIMEOUT,
					 NULL, 0, why, sizeof(why)), MW_LIST_NO_ANSWER);
	/* Spamhaus error codes (typo, public resolver) are errors, not wildcards */
	assert_int_equal(mw_dnsbl_health(zen, MW_DNS_ANSWER, &typo, 1, MW_DNS_ANSWER,
					 &typo, 1, why, sizeof(why)), MW_LIST_ERROR);
	assert_int_equal(mw_dnsbl_health(zen, MW_DNS_ANSWER, &pub, 1, MW_DNS_NXDOMAIN,
					 NULL, 0, why, sizeof(why)), MW_LIST_ERROR);
	/* a resolver that rewrites NXDOMAIN into an address */
	assert_int_equal(mw_dnsbl_health(other, MW_DNS_ANSWER, &two, 1, MW_DNS_ANSWER,
					 &outside, 1, why, sizeof(why)), MW_LIST_ERROR);
	assert_string_equal(mw_dnsbl_health_name(MW_LIST_WILDCARD), "wildcard");
}

static void test_decode_a(void **state)
{
	unsigned char buf[512];
	const unsigned char a1[4] = { 127, 0, 0, 4 }, a2[4] = { 127, 0, 0, 10 };
	const void *rd[2] = { a1, a2 };
	const size_t rl[2] = { 4, 4 };
	uint32_t addrs[MW_DNSBL_MAX_ANSWERS];
	size_t len, n;

	(void)state;
	len = build_reply(buf, 0, 1, rd, rl, 2);
	assert_int_equal(mw_dnsbl_decode_a(buf, len, addrs, MW_DNSBL_MAX_ANSWERS, &n), MW_DNS_ANSWER);
	assert_int_equal(n, 2);
	assert_int_equal(addrs[0], IP4(127, 0, 0, 4));
	assert_int_equal(addrs[1], IP4(127, 0, 0, 10));
	/* capped */
	assert_int_equal(mw_dnsbl_decode_a(buf, len, addrs, 1, &n), MW_DNS_ANSWER);
	assert_int_equal(n, 1);
	/* no answers */
	len = build_reply(buf, 0, 1, rd, rl, 0);
	assert_int_equal(mw_dnsbl_decode_a(buf, len, addrs, MW_DNSBL_MAX_ANSWERS, &n), MW_DNS_NODATA);
	/* truncated and garbage */
	len = build_reply(buf, 0, 1, rd, rl, 2);
	assert_int_equal(mw_dnsbl_decode_a(buf, len - 3, addrs, MW_DNSBL_MAX_ANSWERS, &n),
			 MW_DNS_BADREPLY);
	assert_int_equal(mw_dnsbl_decode_a(buf, 5, addrs, MW_DNSBL_MAX_ANSWERS, &n), MW_DNS_BADREPLY);
	assert_int_equal(mw_dnsbl_decode_a(NULL, 0, addrs, MW_DNSBL_MAX_ANSWERS, &n), MW_DNS_BADREPLY);
}

static void test_decode_txt(void **state)
{
	unsigned char buf[1024];
	/* record 1: two strings; record 2: one string with a control char */
	const unsigned char t1[] = "\x05Hello\x06 world";
	const unsigned char t2[] = "\x04" "a\x1b" "bc";
	unsigned char big[300];
	const void *rd[2] = { t1, t2 };
	size_t rl[2] = { sizeof(t1) - 1, sizeof(t2) - 1 };
	char out[MW_DNSBL_MAX_TXT], small[12];
	size_t len;

	(void)state;
	len = build_reply(buf, 0, 16, rd, rl, 2);
	assert_int_equal(mw_dnsbl_decode_txt(buf, len, out, sizeof(out)), 0);
	assert_string_equal(out, "Hello world | a\x1b" "bc");
	/* cut with an ellipsis */
	assert_int_equal(mw_dnsbl_decode_txt(buf, len, small, sizeof(small)), 0);
	assert_string_equal(small, "Hello wo...");
	/* one long string (255 bytes) into the full buffer */
	big[0] = 255;
	memset(big + 1, 'x', 255);
	rd[0] = big;
	rl[0] = 256;
	len = build_reply(buf, 0, 16, rd, rl, 1);
	assert_int_equal(mw_dnsbl_decode_txt(buf, len, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), 255);
	/* none */
	len = build_reply(buf, 0, 16, rd, rl, 0);
	assert_int_equal(mw_dnsbl_decode_txt(buf, len, out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

/* ----------------------------------------------------------- discovery */

static const struct mw_dnsbl_addr *find(const struct mw_dnsbl_addrs *s, const char *ip)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].text, ip) == 0)
			return &s->v[i];
	return NULL;
}

static void test_parse_postconf(void **state)
{
	static const char text[] =
		"smtp_bind_address = 192.0.2.7\n"
		"smtp_bind_address6 = 2001:db8::7\n"
		"smtp/unix/smtp_bind_address = 198.51.100.3\n"
		"relay/unix/smtp_bind_address6 = [2001:db8::8]\n"
		"out2/unix/smtp_bind_address = $unexpanded\n"
		"smtp/unix/smtp_helo_name = mail.example\n"
		"lmtp_bind_address = 203.0.113.1\n"
		"smtp_bind_address =\n"
		"garbage line without equals\n";
	struct mw_dnsbl_addrs set = { 0 };
	const struct mw_dnsbl_addr *a;
	unsigned bad = 0;

	(void)state;
	mw_dnsbl_parse_postconf(text, sizeof(text) - 1, "postfix", &set, &bad);
	assert_int_equal(set.n, 4);
	assert_int_equal(bad, 1);
	a = find(&set, "192.0.2.7");
	assert_non_null(a);
	assert_string_equal(a->sources[0], "postfix main.cf smtp_bind_address");
	a = find(&set, "198.51.100.3");
	assert_non_null(a);
	assert_string_equal(a->sources[0], "postfix master.cf smtp/unix -o smtp_bind_address");
	a = find(&set, "2001:db8::8");
	assert_non_null(a);
	assert_string_equal(a->sources[0], "postfix master.cf relay/unix -o smtp_bind_address6");
	assert_null(find(&set, "203.0.113.1"));
	/* the same address from another source merges */
	mw_dnsbl_parse_postconf(text, 30, "postfix", &set, &bad);
	assert_int_equal(set.n, 4);
	mw_dnsbl_addrs_free(&set);
}

static void test_parse_exim(void **state)
{
	static const char text[] =
		"remote_smtp:\n"
		"  driver = smtp\n"
		"  interface = 192.0.2.20 : 2001::db8::::20\n"
		"remote_smtp_smarthost transport:\n"
		"  interface = <; 198.51.100.20 ; 2001:db8::21\n"
		"dkim_smtp:\n"
		"  interface = ${if eq{$sender_address_domain}{a.example}{192.0.2.30}{192.0.2.31}}\n"
		"other:\n"
		"  interface =\n"
		"  interface = not-an-ip\n";
	struct mw_dnsbl_addrs set = { 0 };
	const struct mw_dnsbl_addr *a;
	unsigned bad = 0;

	(void)state;
	mw_dnsbl_parse_exim(text, sizeof(text) - 1, &set, &bad);
	assert_int_equal(set.n, 4);
	assert_int_equal(bad, 2);
	a = find(&set, "192.0.2.20");
	assert_non_null(a);
	assert_string_equal(a->sources[0], "exim transport remote_smtp interface");
	assert_non_null(find(&set, "2001:db8::20"));
	a = find(&set, "2001:db8::21");
	assert_non_null(a);
	assert_string_equal(a->sources[0], "exim transport remote_smtp_smarthost interface");
	assert_non_null(find(&set, "198.51.100.20"));
	assert_null(find(&set, "192.0.2.30"));
	mw_dnsbl_addrs_free(&set);
}

static void test_addrs_limit(void **state)
{
	struct mw_dnsbl_addrs *set = calloc(1, sizeof(*set));
	struct mw_ip ip;
	size_t i;

	(void)state;
	assert_non_null(set);
	memset(&ip, 0, sizeof(ip));
	ip.family = AF_INET;
	ip.a[0] = 203;
	for (i = 0; i < MW_DNSBL_MAX_IPS + 3; i++) {
		ip.a[3] = (unsigned char)i;
		(void)mw_dnsbl_addrs_add(set, &ip, "test");
	}
	assert_int_equal(set->n, MW_DNSBL_MAX_IPS);
	assert_int_equal(set->dropped, 3);
	mw_dnsbl_addrs_free(set);
	free(set);
}

/* The kernel's answers in this (possibly network-less) sandbox: loopback
 * never shows up, every address found is classified. */
static void test_netlink_discovery(void **state)
{
	struct mw_dnsbl_addrs *set = calloc(1, sizeof(*set));
	struct mw_strlist notes = { 0 };
	size_t i;

	(void)state;
	assert_non_null(set);
	assert_int_equal(mw_dnsbl_discover_netlink(set, &notes), MW_OK);
	for (i = 0; i < set->n; i++) {
		assert_int_not_equal(set->v[i].cls, MW_IPC_LOOPBACK);
		assert_int_not_equal(set->v[i].cls, MW_IPC_LINKLOCAL);
		assert_true(set->v[i].nsources >= 1);
	}
	mw_dnsbl_addrs_free(set);
	mw_strlist_clear(&notes);
	free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reverse_ipv4),
		cmocka_unit_test(test_reverse_ipv6),
		cmocka_unit_test(test_reverse_mapped),
		cmocka_unit_test(test_reverse_invalid),
		cmocka_unit_test(test_zone_check),
		cmocka_unit_test(test_resolver_parse),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_verdict_spamhaus_codes),
		cmocka_unit_test(test_verdict_spamhaus_errors),
		cmocka_unit_test(test_verdict_invalid_answers),
		cmocka_unit_test(test_verdict_multi_sorted),
		cmocka_unit_test(test_verdict_dns_status),
		cmocka_unit_test(test_verdict_dead_and_lists),
		cmocka_unit_test(test_list_health),
		cmocka_unit_test(test_decode_a),
		cmocka_unit_test(test_decode_txt),
		cmocka_unit_test(test_parse_postconf),
		cmocka_unit_test(test_parse_exim),
		cmocka_unit_test(test_addrs_limit),
		cmocka_unit_test(test_netlink_discovery),
	};

	return cmocka_run_group_tests_name("dnsbl", tests, NULL, NULL);
}
