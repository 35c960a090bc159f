/*
 * What blocklists answer and what it means. Return codes and delisting
 * pages are the operators' published ones (Spamhaus DNSBL usage FAQ and
 * return-code notices, SpamCop, Barracuda, PSBL, UCEPROTECT, Mailspike).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scanner/dnsbl/dnsbl.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
			 ((uint32_t)(c) << 8) | (uint32_t)(d))

static const struct mw_dnsbl_code spamhaus_codes[] = {
	{ 2, 2, "Spamhaus SBL: direct spam source, spam operation or spam service" },
	{ 3, 3, "Spamhaus SBL CSS: spam source detected automatically (snowshoe, compromised host or bad sending practice)" },
	{ 4, 7, "Spamhaus XBL: exploited host (botnet, malware, open proxy) seen sending" },
	{ 9, 9, "Spamhaus SBL DROP/EDROP: network hijacked or run by criminals" },
	{ 10, 10, "Spamhaus PBL (ISP maintained): end-user address that should not send mail directly" },
	{ 11, 11, "Spamhaus PBL (Spamhaus maintained): end-user address that should not send mail directly" },
	{ 0, 0, NULL }
};

static const struct mw_dnsbl_code spamcop_codes[] = {
	{ 2, 2, "SpamCop: reported as a spam source by SpamCop users recently" },
	{ 0, 0, NULL }
};

static const struct mw_dnsbl_code barracuda_codes[] = {
	{ 2, 2, "Barracuda BRBL: poor sending reputation (spam seen from this address)" },
	{ 0, 0, NULL }
};

static const struct mw_dnsbl_code psbl_codes[] = {
	{ 2, 2, "PSBL: sent mail to spamtraps and is not a known mail server" },
	{ 0, 0, NULL }
};

static const struct mw_dnsbl_code uceprotect_codes[] = {
	{ 2, 2, "UCEPROTECT level 1: this address sent mail to UCEPROTECT spamtraps" },
	{ 0, 0, NULL }
};

static const struct mw_dnsbl_code mailspike_codes[] = {
	{ 2, 2, "Mailspike Z: part of a current distributed spam wave" },
	{ 10, 10, "Mailspike reputation L5: worst reputation" },
	{ 11, 11, "Mailspike reputation L4: very bad reputation" },
	{ 12, 12, "Mailspike reputation L3: bad reputation" },
	{ 0, 0, NULL }
};

static const struct mw_dnsbl_code generic_codes[] = {
	{ 0, 0, NULL }
};

static const char sorbs_note[] =
	"SORBS was shut down in 2024; its zones no longer reflect listings";

static const struct mw_dnsbl_list known[] = {
	{ "zen.spamhaus.org", "Spamhaus ZEN",
	  "https://check.spamhaus.org/", spamhaus_codes, 1, 0, 1, NULL },
	{ "bl.spamcop.net", "SpamCop Blocking List",
	  "https://www.spamcop.net/bl.shtml", spamcop_codes, 0, 0, 1, NULL },
	{ "b.barracudacentral.org", "Barracuda Reputation Block List",
	  "https://www.barracudacentral.org/rbl/removal-request",
	  barracuda_codes, 0, 0, 1, NULL },
	{ "psbl.surriel.com", "Passive Spam Block List (PSBL)",
	  "https://psbl.org/", psbl_codes, 0, 0, 1, NULL },
	{ "dnsbl-1.uceprotect.net", "UCEPROTECT Level 1",
	  "https://www.uceprotect.net/en/rblcheck.php", uceprotect_codes,
	  0, 0, 1, NULL },
	{ "bl.mailspike.net", "Mailspike Blacklist",
	  "https://mailspike.io/ip_verify", mailspike_codes, 0, 0, 1, NULL },
	/* Spamhaus component zones: same codes, same error range. */
	{ "sbl.spamhaus.org", "Spamhaus SBL", "https://check.spamhaus.org/",
	  spamhaus_codes, 1, 0, 0, NULL },
	{ "xbl.spamhaus.org", "Spamhaus XBL", "https://check.spamhaus.org/",
	  spamhaus_codes, 1, 0, 0, NULL },
	{ "pbl.spamhaus.org", "Spamhaus PBL", "https://check.spamhaus.org/",
	  spamhaus_codes, 1, 0, 0, NULL },
	{ "sbl-xbl.spamhaus.org", "Spamhaus SBL+XBL", "https://check.spamhaus.org/",
	  spamhaus_codes, 1, 0, 0, NULL },
	/* Dead lists: never queried by default; answers are not listings. */
	{ "dnsbl.sorbs.net", "SORBS (shut down)", NULL, generic_codes, 0, 1, 0, sorbs_note },
	{ "spam.dnsbl.sorbs.net", "SORBS spam (shut down)", NULL, generic_codes, 0, 1, 0, sorbs_note },
	{ "dnsbl.ahbl.org", "AHBL (shut down)", NULL, generic_codes, 0, 1, 0,
	  "AHBL was shut down in 2015 and then answered every query as listed" },
	{ "dnsbl.njabl.org", "NJABL (shut down)", NULL, generic_codes, 0, 1, 0,
	  "NJABL was shut down in 2013" },
	{ "bl.spamcannibal.org", "SpamCannibal (shut down)", NULL, generic_codes, 0, 1, 0,
	  "SpamCannibal's domain lapsed and then answered every query as listed" },
	{ "cbl.abuseat.org", "CBL (retired)", "https://check.spamhaus.org/",
	  generic_codes, 0, 1, 0,
	  "the CBL was folded into Spamhaus XBL; query zen.spamhaus.org instead" },
};

#define NKNOWN (sizeof(known) / sizeof(known[0]))

static const char *const default_zones[] = {
	"zen.spamhaus.org",
	"bl.spamcop.net",
	"b.barracudacentral.org",
	"psbl.surriel.com",
	"dnsbl-1.uceprotect.net",
	"bl.mailspike.net",
};

size_t mw_dnsbl_default_lists(const char *const **zones)
{
	*zones = default_zones;
	return sizeof(default_zones) / sizeof(default_zones[0]);
}

/* zone equals name, ignoring case and one trailing dot on zone. */
static int zone_eq(const char *zone, const char *name)
{
	size_t zl = strlen(zone), nl = strlen(name);

	if (zl && zone[zl - 1] == '.')
		zl--;
	return zl == nl && strncasecmp(zone, name, nl) == 0;
}

/* zone is name or below name. */
static int zone_under(const char *zone, const char *suffix)
{
	size_t zl = strlen(zone), sl = strlen(suffix);

	if (zl && zone[zl - 1] == '.')
		zl--;
	if (zl < sl)
		return 0;
	if (strncasecmp(zone + zl - sl, suffix, sl) != 0)
		return 0;
	return zl == sl || zone[zl - sl - 1] == '.';
}

const struct mw_dnsbl_list *mw_dnsbl_list_info(const char *zone,
						struct mw_dnsbl_list *scratch)
{
	size_t i;

	for (i = 0; i < NKNOWN; i++)
		if (zone_eq(zone, known[i].zone))
			return &known[i];
	memset(scratch, 0, sizeof(*scratch));
	scratch->zone = zone;
	scratch->name = zone;
	scratch->codes = generic_codes;
	if (zone_under(zone, "spamhaus.org") || zone_under(zone, "spamhaus.net")) {
		/* DQS zones (KEY.zen.dq.spamhaus.net) and other Spamhaus
		 * zones share the codes and the error range. */
		scratch->codes = spamhaus_codes;
		scratch->spamhaus = 1;
		scratch->delist_url = "https://check.spamhaus.org/";
	} else if (zone_under(zone, "sorbs.net")) {
		scratch->dead = 1;
		scratch->dead_note = sorbs_note;
	}
	return scratch;
}

const char *mw_dnsbl_verdict_name(enum mw_dnsbl_verdict v)
{
	static const char *const names[MW_VERDICT__COUNT] = {
		"clean", "listed", "error", "unknown"
	};

	return (unsigned)v < MW_VERDICT__COUNT ? names[v] : "?";
}

const char *mw_dns_status_name(enum mw_dns_status s)
{
	static const char *const names[MW_DNS__COUNT] = {
		"answer", "NXDOMAIN", "no A record", "SERVFAIL", "REFUSED",
		"timeout", "resolver unreachable", "malformed reply", "lookup failed"
	};

	return (unsigned)s < MW_DNS__COUNT ? names[s] : "?";
}

static void fmt_ip4(uint32_t a, char *dst, size_t len)
{
	snprintf(dst, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff);
}

/* Append to the meaning text, separated by "; ", silently cut at the cap. */
static void add_meaning(struct mw_dnsbl_judgement *j, const char *fmt,
			const char *a, const char *b)
{
	size_t used = strlen(j->meaning);
	int n;

	if (used + 3 >= sizeof(j->meaning))
		return;
	if (used) {
		memcpy(j->meaning + used, "; ", 3);
		used += 2;
	}
	n = snprintf(j->meaning + used, sizeof(j->meaning) - used, fmt, a, b);
	(void)n;
}

static const char *code_meaning(const struct mw_dnsbl_list *l, uint32_t a)
{
	const struct mw_dnsbl_code *c;
	unsigned last = a & 0xff;

	if ((a & 0xffffff00u) != IP4(127, 0, 0, 0))
		return NULL;
	for (c = l->codes; c && c->meaning; c++)
		if (last >= c->lo && last <= c->hi)
			return c->meaning;
	return NULL;
}

static const char *spamhaus_error(uint32_t a)
{
	switch (a) {
	case IP4(127, 255, 255, 252):
		return "Spamhaus error 127.255.255.252: typing error in the DNSBL zone name";
	case IP4(127, 255, 255, 254):
		return "Spamhaus error 127.255.255.254: query via a public/open resolver "
		       "or from a host with generic rDNS; Spamhaus refuses it (not a listing)";
	case IP4(127, 255, 255, 255):
		return "Spamhaus error 127.255.255.255: excessive number of queries "
		       "(rate limited; not a listing)";
	default:
		return "Spamhaus error code from 127.255.255.0/24 (not a listing)";
	}
}

static void sort_u32(uint32_t *a, size_t n)
{
	size_t i, k;

	for (i = 1; i < n; i++) {
		uint32_t v = a[i];

		for (k = i; k > 0 && a[k - 1] > v; k--)
			a[k] = a[k - 1];
		a[k] = v;
	}
}

void mw_dnsbl_judge(const struct mw_dnsbl_list *list, enum mw_dns_status st,
		    const uint32_t *addrs, size_t naddrs,
		    struct mw_dnsbl_judgement *out)
{
	size_t nerr = 0, nloop1 = 0, noutside = 0, i;
	char ipbuf[16], first_err[16] = "";
	int is_err;

	memset(out, 0, sizeof(*out));
	switch (st) {
	case MW_DNS_NXDOMAIN:
		out->verdict = MW_VERDICT_CLEAN;
		add_meaning(out, "%s%s", "not listed (NXDOMAIN)", "");
		return;
	case MW_DNS_NODATA:
		out->verdict = MW_VERDICT_CLEAN;
		add_meaning(out, "%s%s", "not listed (name exists but has no A record)", "");
		return;
	case MW_DNS_ANSWER:
		break;
	case MW_DNS_TIMEOUT:
		out->verdict = MW_VERDICT_UNKNOWN;
		add_meaning(out, "%s%s", "no answer before the timeout: the list or the resolver "
			    "did not respond", "");
		return;
	case MW_DNS_SERVFAIL:
		out->verdict = MW_VERDICT_UNKNOWN;
		add_meaning(out, "%s%s", "SERVFAIL: the resolver could not reach the list's servers", "");
		return;
	case MW_DNS_REFUSED:
		out->verdict = MW_VERDICT_UNKNOWN;
		add_meaning(out, "%s%s", "REFUSED: the resolver refused the query", "");
		return;
	case MW_DNS_UNREACHABLE:
		out->verdict = MW_VERDICT_UNKNOWN;
		add_meaning(out, "%s%s", "the resolver is not reachable (nothing listens at "
			    "its address and port)", "");
		return;
	default:
		out->verdict = MW_VERDICT_UNKNOWN;
		add_meaning(out, "%s%s", mw_dns_status_name(st), "");
		return;
	}

	if (naddrs > MW_DNSBL_MAX_ANSWERS)
		naddrs = MW_DNSBL_MAX_ANSWERS;
	for (i = 0; i < naddrs; i++) {
		uint32_t a = addrs[i];

		is_err = 0;
		if ((a >> 24) != 127) {
			noutside++;
			is_err = 1;
		} else if (a == IP4(127, 0, 0, 1)) {
			nloop1++;
			is_err = 1;
		} else if (list->spamhaus && (a & 0xffffff00u) == IP4(127, 255, 255, 0)) {
			if (!nerr)
				fmt_ip4(a, first_err, sizeof(first_err));
			nerr++;
			is_err = 1;
			add_meaning(out, "%s%s", spamhaus_error(a), "");
		}
		if (is_err)
			out->ignored[out->nignored++] = a;
		else
			out->codes[out->ncodes++] = a;
	}

	/* answer order is the server's whim: sort for stable output (and the
	 * lowest Spamhaus code is the most serious) */
	sort_u32(out->codes, out->ncodes);
	sort_u32(out->ignored, out->nignored);
	for (i = 0; i < out->ncodes; i++) {
		const char *m = code_meaning(list, out->codes[i]);
		char mb[160];

		fmt_ip4(out->codes[i], ipbuf, sizeof(ipbuf));
		if (!m) {
			snprintf(mb, sizeof(mb), "listed with code %s (not a documented code of %s)",
				 ipbuf, list->zone);
			add_meaning(out, "%s%s", mb, "");
		} else {
			add_meaning(out, "%s: %s", ipbuf, m);
		}
	}
	if (nloop1)
		add_meaning(out, "%s%s", "127.0.0.1 is never a valid listing: the list refused "
			    "the query or the resolver rewrote the answer", "");
	if (noutside) {
		for (i = 0; i < out->nignored; i++) {
			if ((out->ignored[i] >> 24) == 127)
				continue;
			fmt_ip4(out->ignored[i], ipbuf, sizeof(ipbuf));
			break;
		}
		add_meaning(out, "answer %s is outside 127.0.0.0/8 and was ignored: the "
			    "resolver misbehaves (NXDOMAIN rewriting or a hijacked answer)%s",
			    ipbuf, noutside > 1 ? ", and more like it" : "");
	}

	if (out->ncodes) {
		out->verdict = MW_VERDICT_LISTED;
		fmt_ip4(out->codes[0], out->code, sizeof(out->code));
	} else {
		out->verdict = MW_VERDICT_ERROR;
		if (nerr)
			memcpy(out->code, first_err, sizeof(out->code));
		else if (nloop1)
			snprintf(out->code, sizeof(out->code), "127.0.0.1");
		else if (out->nignored)
			fmt_ip4(out->ignored[0], out->code, sizeof(out->code));
	}
	if (out->verdict == MW_VERDICT_LISTED && list->dead) {
		out->verdict = MW_VERDICT_ERROR;
		add_meaning(out, "%s%s", "answer ignored: ",
			    list->dead_note ? list->dead_note : "the list is shut down");
	}
}

const char *mw_dnsbl_health_name(enum mw_dnsbl_health h)
{
	static const char *const names[MW_LIST__COUNT] = {
		"ok", "wildcard", "no-test-point", "error", "no-answer"
	};

	return (unsigned)h < MW_LIST__COUNT ? names[h] : "?";
}

enum mw_dnsbl_health mw_dnsbl_health(const struct mw_dnsbl_list *list,
				     enum mw_dns_status st2, const uint32_t *a2, size_t n2,
				     enum mw_dns_status st1, const uint32_t *a1, size_t n1,
				     char *why, size_t whylen)
{
	struct mw_dnsbl_judgement j2, j1;
	char ip[16];
	size_t i;

	/* 127.0.0.1 must never be listed (RFC 5782 5): a list that answers
	 * for it answers for everything, and its "listings" mean nothing */
	mw_dnsbl_judge(list, st1, a1, n1, &j1);
	if (st1 == MW_DNS_ANSWER) {
		for (i = 0; i < n1 && i < MW_DNSBL_MAX_ANSWERS; i++) {
			if ((a1[i] >> 24) != 127 || (list->spamhaus &&
			    (a1[i] & 0xffffff00u) == IP4(127, 255, 255, 0)))
				continue;
			fmt_ip4(a1[i], ip, sizeof(ip));
			snprintf(why, whylen, "it answers %s for its test point 127.0.0.1, which "
				 "no working list lists (RFC 5782): a wildcard or dead list, so no "
				 "answer from it is a listing", ip);
			return MW_LIST_WILDCARD;
		}
		snprintf(why, whylen, "its test point 127.0.0.1 got an error answer: %s",
			 j1.meaning);
		return MW_LIST_ERROR;
	}
	mw_dnsbl_judge(list, st2, a2, n2, &j2);
	switch (j2.verdict) {
	case MW_VERDICT_LISTED:
		snprintf(why, whylen, "test points answer as RFC 5782 says (127.0.0.2 listed "
			 "as %s, 127.0.0.1 %s)", j2.code, mw_dns_status_name(st1));
		return MW_LIST_OK;
	case MW_VERDICT_CLEAN:
		snprintf(why, whylen, "it does not list its test point 127.0.0.2 (%s): its "
			 "\"not listed\" answers cannot be trusted (a dead list, or a resolver "
			 "that does not reach it)", mw_dns_status_name(st2));
		return MW_LIST_NO_TESTPOINT;
	case MW_VERDICT_ERROR:
		snprintf(why, whylen, "its test point 127.0.0.2 got an error answer: %s",
			 j2.meaning);
		return MW_LIST_ERROR;
	default:
		snprintf(why, whylen, "its test points got no answer (%s): %s",
			 mw_dns_status_name(st2), j2.meaning);
		return MW_LIST_NO_ANSWER;
	}
}
