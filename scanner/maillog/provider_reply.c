/*
 * Which big mailbox provider refused or deferred our mail, with which of
 * its codes, naming which of our addresses: the blocks no DNSBL shows
 * (Gmail 421-4.7.28 / 550-5.7.26, Yahoo [TSS04], Microsoft S3150/S3140,
 * Apple [CS01], GMX/Web.de, Mail.ru). Known from the MX name the reply
 * came from, else from the provider's markers in the reply text.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "scanner/maillog/maillog.h"

#define REPLY_SCAN 1024		/* bytes of a reply examined */

static const char *const gmail_mx[] = { "google.com", "googlemail.com", NULL };
static const char *const gmail_txt[] = { "gsmtp", "support.google.com/mail", NULL };
static const char *const yahoo_mx[] = { "yahoodns.net", "yahoo.com", "aol.com", NULL };
static const char *const yahoo_txt[] = { "yahooinc.com", "[tss0", "[ts0", NULL };
static const char *const ms_mx[] = { "outlook.com", "hotmail.com", "live.com", "msn.com", NULL };
static const char *const ms_txt[] = { "(s3150)", "(s3140)", "outlook.com", "hotmail.com", NULL };
static const char *const apple_mx[] = { "icloud.com", "me.com", "mac.com", "apple.com", NULL };
static const char *const apple_txt[] = { "icloud", "support.apple.com", NULL };
static const char *const gmx_mx[] = { "gmx.net", "gmx.de", "gmx.com", "web.de", NULL };
static const char *const gmx_txt[] = { "gmx.net", "web.de", "(mxgmx", "(mxweb", NULL };
static const char *const mailru_mx[] = { "mail.ru", "list.ru", "bk.ru", "inbox.ru", NULL };
static const char *const mailru_txt[] = { "mail.ru", NULL };

static const struct provider {
	const char *name, *postmaster;
	const char *const *mx, *const *txt;
} providers[] = {
	{ "Gmail", "https://support.google.com/mail/answer/81126 (sender guidelines), "
	  "https://postmaster.google.com", gmail_mx, gmail_txt },
	{ "Yahoo/AOL", "https://senders.yahooinc.com/", yahoo_mx, yahoo_txt },
	{ "Microsoft", "https://sendersupport.olc.protection.outlook.com/pm/", ms_mx, ms_txt },
	{ "Apple iCloud", "https://support.apple.com/en-us/HT204137", apple_mx, apple_txt },
	{ "GMX/Web.de", "https://postmaster.gmx.net/ and https://postmaster.web.de/",
	  gmx_mx, gmx_txt },
	{ "Mail.ru", "https://postmaster.mail.ru/", mailru_mx, mailru_txt },
};

/* What a provider's code means, where the provider documents it. */
static const struct {
	const char *provider, *code, *meaning;
} meanings[] = {
	{ "Gmail", "4.7.28", "unusual rate of unsolicited mail from this address: rate limited" },
	{ "Gmail", "5.7.28", "unusual rate of unsolicited mail from this address: refused" },
	{ "Gmail", "5.7.26", "unauthenticated: neither SPF nor DKIM passes, or DMARC fails" },
	{ "Gmail", "5.7.27", "SPF does not pass for the sender" },
	{ "Gmail", "4.7.27", "SPF does not pass for the sender" },
	{ "Gmail", "5.7.25", "the sending address has no PTR record" },
	{ "Gmail", "4.7.25", "the PTR of the sending address does not resolve back" },
	{ "Gmail", "5.7.1", "refused as likely spam or by policy (low reputation)" },
	{ "Yahoo/AOL", "TSS04", "deferred: unexpected volume or user complaints" },
	{ "Yahoo/AOL", "TSS09", "deferred: the address has a poor reputation" },
	{ "Microsoft", "S3150", "the address is on Microsoft's block list" },
	{ "Microsoft", "S3140", "the address is on Microsoft's block list (policy)" },
	{ "Apple iCloud", "CS01", "refused by iCloud's policy (reputation)" },
};

/* 1 when host (lower case, n bytes) is suffix or ends with "." suffix. */
static int host_is(const char *host, size_t n, const char *suffix)
{
	size_t s = strlen(suffix);

	return n >= s && memcmp(host + n - s, suffix, s) == 0 &&
	       (n == s || host[n - s - 1] == '.');
}

static int lower_copy(const char *s, size_t n, char *dst, size_t cap)
{
	size_t i;

	if (n >= cap)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = (char)mw_ascii_lower((unsigned char)s[i]);
	dst[n] = '\0';
	return (int)n;
}

static int is_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The provider's own token: "[TSS04]", "[CS01]" (2-4 letters, 2 digits,
 * bracketed) or Microsoft's "S3150" (S and 3-4 digits, standing alone). */
static int provider_token(const char *r, size_t n, char *code, size_t len)
{
	size_t i, j;

	for (i = 0; i + 4 < n; i++) {
		if (r[i] == '[') {
			size_t l = 0, d = 0;

			for (j = i + 1; j < n && r[j] >= 'A' && r[j] <= 'Z'; j++)
				l++;
			for (; j < n && r[j] >= '0' && r[j] <= '9'; j++)
				d++;
			if (l >= 2 && l <= 4 && d == 2 && j < n && r[j] == ']') {
				snprintf(code, len, "%.*s", (int)(j - i - 1), r + i + 1);
				return 1;
			}
		}
		if (r[i] == 'S' && (i == 0 || !is_alnum(r[i - 1]))) {
			for (j = i + 1; j < n && r[j] >= '0' && r[j] <= '9'; j++)
				;
			if (j - i - 1 >= 3 && j - i - 1 <= 4 && (j == n || !is_alnum(r[j]))) {
				snprintf(code, len, "%.*s", (int)(j - i), r + i);
				return 1;
			}
		}
	}
	return 0;
}

/* "421 4.7.28" (basic, then enhanced when present) from the reply. */
static void status_code(const char *r, size_t n, char *code, size_t len)
{
	size_t i, j;

	code[0] = '\0';
	for (i = 0; i + 3 <= n; i++) {
		if (r[i] < '2' || r[i] > '5' || r[i + 1] < '0' || r[i + 1] > '9' ||
		    r[i + 2] < '0' || r[i + 2] > '9' || (i && is_alnum(r[i - 1])) ||
		    (i + 3 < n && r[i + 3] != ' ' && r[i + 3] != '-'))
			continue;
		j = i + 4;
		if (j + 4 < n && r[j] >= '2' && r[j] <= '5' && r[j + 1] == '.') {
			size_t k = j;

			while (k < n && ((r[k] >= '0' && r[k] <= '9') || r[k] == '.'))
				k++;
			snprintf(code, len, "%.3s %.*s", r + i, (int)(k - j), r + j);
		} else {
			snprintf(code, len, "%.3s", r + i);
		}
		return;
	}
}

/* The first IPv4 or IPv6 address written in r. */
static void address_in(const char *r, size_t n, char *ip, size_t len)
{
	size_t i = 0, j;
	char tok[48];
	unsigned char buf[16];

	ip[0] = '\0';
	while (i < n) {
		for (j = i; j < n && ((r[j] >= '0' && r[j] <= '9') || r[j] == '.' || r[j] == ':' ||
				      (r[j] >= 'a' && r[j] <= 'f') || (r[j] >= 'A' && r[j] <= 'F')); j++)
			;
		if (j - i >= 7 && j - i < sizeof(tok) && (i == 0 || !is_alnum(r[i - 1]))) {
			size_t tl = j - i;

			memcpy(tok, r + i, tl);
			while (tl && (tok[tl - 1] == '.' || tok[tl - 1] == ':'))
				tl--;	/* "from 192.0.2.7." at the end of a sentence */
			tok[tl] = '\0';
			if (inet_pton(AF_INET, tok, buf) == 1 ||
			    (strchr(tok, ':') != strrchr(tok, ':') && inet_pton(AF_INET6, tok, buf) == 1)) {
				snprintf(ip, len, "%s", tok);
				return;
			}
		}
		i = j > i ? j : i + 1;
	}
}

int mw_ml_reply_provider(const char *reply, size_t n, const char *mx, size_t mxn,
		      struct ml_provider_hit *out)
{
	char low[REPLY_SCAN + 1], host[256];
	const struct provider *p = NULL;
	const char *said;
	size_t i, k, hl;

	memset(out, 0, sizeof(*out));
	if (n > REPLY_SCAN)
		n = REPLY_SCAN;
	hl = (size_t)lower_copy(mx ? mx : "", mx ? mxn : 0, host, sizeof(host));
	while (hl && host[hl - 1] == '.')
		hl--;
	(void)lower_copy(reply, n, low, sizeof(low));
	for (i = 0; !p && i < sizeof(providers) / sizeof(providers[0]); i++)
		for (k = 0; providers[i].mx[k]; k++)
			if (host_is(host, hl, providers[i].mx[k]))
				p = &providers[i];
	for (i = 0; !p && i < sizeof(providers) / sizeof(providers[0]); i++)
		for (k = 0; providers[i].txt[k]; k++)
			if (memmem(low, n, providers[i].txt[k], strlen(providers[i].txt[k])))
				p = &providers[i];
	if (!p)
		return 0;
	out->provider = p->name;
	out->postmaster = p->postmaster;
	/* the remote's words start after "said: "; before it stands its own
	 * name and address */
	said = memmem(reply, n, "said: ", 6);
	if (said) {
		n -= (size_t)(said + 6 - reply);
		reply = said + 6;
	}
	status_code(reply, n, out->status, sizeof(out->status));
	if (!provider_token(reply, n, out->code, sizeof(out->code))) {
		const char *sp = strchr(out->status, ' ');

		snprintf(out->code, sizeof(out->code), "%s", sp ? sp + 1 : out->status);
	}
	address_in(reply, n, out->ip, sizeof(out->ip));
	for (i = 0; i < sizeof(meanings) / sizeof(meanings[0]); i++)
		if (strcmp(meanings[i].provider, p->name) == 0 &&
		    strcmp(meanings[i].code, out->code) == 0)
			out->meaning = meanings[i].meaning;
	return 1;
}
