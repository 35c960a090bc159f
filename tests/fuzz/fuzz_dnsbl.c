/*
 * libFuzzer target for everything the dnsbl check parses: DNS replies (A
 * and TXT, then the verdict), IP addresses and query names, resolver
 * specs, zone names, postconf and exim -bP output. The first byte picks
 * the parser, the rest is its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/dnsbl/dnsbl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void judge_all(enum mw_dns_status st, const uint32_t *a, size_t n)
{
	static const char *const zones[] = {
		"zen.spamhaus.org", "bl.mailspike.net", "dnsbl.sorbs.net", "x.example"
	};
	struct mw_dnsbl_list scratch;
	struct mw_dnsbl_judgement j;
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		mw_dnsbl_judge(mw_dnsbl_list_info(zones[i], &scratch), st, a, n, &j);
		if (j.verdict == MW_VERDICT_LISTED && j.ncodes == 0)
			abort();
		if (strlen(j.meaning) >= sizeof(j.meaning))
			abort();
		{
			char why[512];

			/* the same answer for both test points, and swapped */
			if (mw_dnsbl_health(mw_dnsbl_list_info(zones[i], &scratch), st, a, n,
					    st, a, n, why, sizeof(why)) >= MW_LIST__COUNT ||
			    mw_dnsbl_health(mw_dnsbl_list_info(zones[i], &scratch),
					    MW_DNS_NXDOMAIN, NULL, 0, st, a, n, why,
					    sizeof(why)) >= MW_LIST__COUNT)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t addrs[MW_DNSBL_MAX_ANSWERS];
	char out[MW_DNSBL_QNAME_MAX], err[128], txt[MW_DNSBL_MAX_TXT];
	struct mw_dnsbl_addrs *set;
	struct mw_dnsbl_list scratch;
	struct mw_ip ip;
	enum mw_dns_status st;
	unsigned bad = 0;
	char *text;
	size_t n;

	if (size < 1)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 7) {
	case 0:
		st = mw_dnsbl_decode_a(data + 1, size - 1, addrs, MW_DNSBL_MAX_ANSWERS, &n);
		if (n > MW_DNSBL_MAX_ANSWERS)
			abort();
		judge_all(st, addrs, n);
		break;
	case 1:
		if (mw_dnsbl_decode_txt(data + 1, size - 1, txt, sizeof(txt)) == 0 &&
		    strlen(txt) >= sizeof(txt))
			abort();
		break;
	case 2:
		if (mw_ip_parse(text, &ip, err, sizeof(err)) == MW_OK) {
			char back[MW_DNSBL_IPSTR_MAX];
			struct mw_ip again;

			(void)mw_ip_classify(&ip);
			(void)mw_dnsbl_qname(&ip, "zen.spamhaus.org", out, sizeof(out));
			mw_ip_format(&ip, back, sizeof(back));
			/* the canonical form parses back to the same address */
			if (mw_ip_parse(back, &again, NULL, 0) != MW_OK ||
			    !mw_ip_equal(&ip, &again))
				abort();
		}
		break;
	case 3:
		(void)mw_dnsbl_resolver_parse(text, out, sizeof(out), err, sizeof(err));
		break;
	case 4:
	case 5:
		set = calloc(1, sizeof(*set));
		if (!set)
			break;
		if (data[0] % 7 == 4)
			mw_dnsbl_parse_postconf(text, size - 1, "postfix", set, &bad);
		else
			mw_dnsbl_parse_exim(text, size - 1, set, &bad);
		if (set->n > MW_DNSBL_MAX_IPS)
			abort();
		mw_dnsbl_addrs_free(set);
		free(set);
		break;
	case 6:
		if (mw_dnsbl_zone_check(text, err, sizeof(err)) == MW_OK) {
			const struct mw_dnsbl_list *l = mw_dnsbl_list_info(text, &scratch);

			memset(&ip, 0, sizeof(ip));
			ip.family = (size & 1) ? 2 : 10;	/* AF_INET / AF_INET6 */
			(void)mw_dnsbl_qname(&ip, l->zone, out, sizeof(out));
		}
		break;
	}
	free(text);
	return 0;
}
