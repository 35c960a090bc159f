#include <string.h>
#include <strings.h>

#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_util.h"

void fwd_trim(const char **s, size_t *n)
{
	while (*n && fwd_isblank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && fwd_isblank((*s)[*n - 1]))
		(*n)--;
}

int fwd_word_eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !strncasecmp(s, word, n);
}

int fwd_forward_filter_type(const char *text, size_t len)
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
