/*
 * "Are we blocklisted?" from a remote MX's reply text. The words the big
 * lists and MXes use: "blocked using zen.spamhaus.org", "listed at
 * bl.spamcop.net", Spamhaus/Barracuda/SpamCop lookup URLs, Microsoft's
 * S3150, "blacklisted IP".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "scanner/maillog/maillog.h"

#define REPLY_SCAN 1024		/* bytes of a reply examined */

static const char *const name_before[] = {
	"blocked using ", "listed at ", "listed in ", "listed on ", "listed by ",
};

static const struct {
	const char *needle, *list;
} known[] = {
	{ "spamhaus", "spamhaus" },
	{ "barracudacentral", "barracudacentral.org" },
	{ "barracuda", "barracudacentral.org" },
	{ "spamcop", "spamcop.net" },
	{ "abuseat.org", "cbl.abuseat.org" },
	{ "uceprotect", "uceprotect.net" },
	{ "sorbs", "sorbs" },
	{ "mailspike", "mailspike.net" },
	{ "psbl.surriel", "psbl.surriel.com" },
	{ "s3150", "outlook.com (S3150)" },
	{ "senderscore", "senderscore" },
};

static const char *const generic[] = {
	"blacklist", "blocklist", "block list", "black list", "dnsbl",
	"denylist", "on our block", "rbl.", " rbl ",
};

static int list_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '-' || c == '_';
}

int mw_ml_reply_blocklist(const char *reply, size_t n, char *list, size_t listlen)
{
	char low[REPLY_SCAN + 1];
	size_t i, k;

	if (n > REPLY_SCAN)
		n = REPLY_SCAN;
	for (i = 0; i < n; i++) {
		char c = reply[i];

		low[i] = (char)mw_ascii_lower((unsigned char)c);
	}
	low[n] = '\0';
	for (k = 0; k < sizeof(name_before) / sizeof(name_before[0]); k++) {
		const char *p = memmem(low, n, name_before[k], strlen(name_before[k]));
		size_t j, m;

		if (!p)
			continue;
		p += strlen(name_before[k]);
		for (j = 0; p + j < low + n && list_char(p[j]); j++)
			;
		while (j && p[j - 1] == '.')
			j--;
		/* "listed in our database" is no list name: want a dotted
		 * name, else fall back to the known lists below. */
		if (j && memchr(p, '.', j)) {
			m = j < listlen - 1 ? j : listlen - 1;
			memcpy(list, p, m);
			list[m] = '\0';
			return 1;
		}
	}
	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		if (memmem(low, n, known[k].needle, strlen(known[k].needle))) {
			snprintf(list, listlen, "%s", known[k].list);
			return 1;
		}
	}
	for (k = 0; k < sizeof(generic) / sizeof(generic[0]); k++) {
		if (memmem(low, n, generic[k], strlen(generic[k]))) {
			snprintf(list, listlen, "%s", "unknown");
			return 1;
		}
	}
	return 0;
}
