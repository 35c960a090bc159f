#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_util.h"

void mw_fwd_trim(const char **s, size_t *n)
{
	while (*n && fwd_isblank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && fwd_isblank((*s)[*n - 1]))
		(*n)--;
}

int mw_fwd_word_eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !strncasecmp(s, word, n);
}

int mw_fwd_forward_filter_type(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);
	size_t n = nl ? (size_t)(nl - text) : len;
	size_t i;

	if (!n || text[0] != '#')
		return 0;
	/* Exim: "# Exim filter" anywhere in the first line, any case */
	for (i = 0; i + 11 <= n; i++) {
		if (!strncasecmp(text + i, "exim filter", 11))
			return 1;
		if (i + 12 <= n && !strncasecmp(text + i, "sieve filter", 12))
			return 2;
	}
	return 0;
}

/* Length of the UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

int mw_fwd_text_is_binary(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = len < FWD_SNIFF_BYTES ? len : FWD_SNIFF_BYTES, i = 0, bad = 0, l;

	while (i < n) {
		if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' &&
		    s[i] != '\f' && s[i] != '\v') {
			bad++;
			i++;
		} else if (s[i] == 0x7f) {
			bad++;
			i++;
		} else if ((l = utf8_len(s + i, n - i)) == 0) {
			/* a sequence cut at the sniff limit is not garbage */
			if (n < len && n - i < 4)
				break;
			bad++;
			i++;
		} else {
			i += l;
		}
	}
	return bad * 10 > n;
}

int mw_fwd_dest_is_garbage(const char *dest)
{
	const unsigned char *s = (const unsigned char *)dest;
	int quoted = 0;

	if (s[0] == '/' || s[0] == '|')
		return 0;	/* a file or a command: anything goes */
	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7f)
			return 1;
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted && strchr("()<>;{}[]$`", *s))
			return 1;
	}
	return 0;
}

static int addr_local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '%' ||
	       c == '+' || c == '-';
}

static int addr_domain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-';
}

void mw_fwd_find_addresses(const char *text, size_t len, struct mw_strlist *out,
			size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i;

	for (i = 1; i + 1 < len && out->n < max; i++) {
		size_t a, b, tld, k;
		char addr[320];

		if (s[i] != '@')
			continue;
		for (a = i; a > 0 && addr_local_char(s[a - 1]) && i - a < 64; a--)
			;
		for (b = i + 1; b < len && addr_domain_char(s[b]) && b - i < 254; b++)
			;
		while (b > i + 1 && (s[b - 1] == '.' || s[b - 1] == '-'))
			b--;
		if (a == i || s[a] == '.')
			continue;
		/* the top-level domain: two or more letters after a dot */
		for (tld = b; tld > i + 1 && s[tld - 1] != '.'; tld--)
			;
		if (tld <= i + 2 || b - tld < 2)
			continue;
		for (k = tld; k < b; k++)
			if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z')))
				break;
		if (k < b)
			continue;
		snprintf(addr, sizeof(addr), "%.*s", (int)(b - a), text + a);
		if (!mw_strlist_contains(out, addr, 1))
			(void)mw_strlist_add(out, addr);
		i = b;
	}
}
