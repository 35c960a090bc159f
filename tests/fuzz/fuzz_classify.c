/* libFuzzer target: PHP open-tag detection (the SSE2 pair search) checked
 * against a plain byte-by-byte reference, text and binary mode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/webroot/classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ci(const uint8_t *p, const uint8_t *end, const char *w)
{
	for (; *w; w++, p++)
		if (p >= end || (*p | (*p >= 'A' && *p <= 'Z' ? 0x20 : 0)) != (uint8_t)*w)
			return 0;
	return 1;
}

/* First offset of "<?php" or a valid "<?=" (reference, no script form). */
static long reference(const uint8_t *b, size_t n, int text)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		if (b[i] != '<' || b[i + 1] != '?')
			continue;
		if (i + 2 < n && b[i + 2] == '=' &&
		    (text || (i + 3 < n && (b[i + 3] == ' ' || b[i + 3] == '\t' ||
			      b[i + 3] == '\n' || b[i + 3] == '\r' || b[i + 3] == '$'))))
			return (long)i;
		if (ci(b + i + 2, b + n, "php"))
			return (long)i;
	}
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum mw_php_class k;
	long got, want;
	int full;

	/* binary mode: no script form, so the reference must agree exactly */
	got = mw_php_tag_ex((const char *)data, size, 0, &k, &full);
	want = reference(data, size, 0);
	if (got != want)
		abort();
	/* text mode: a script tag may come first, never later than a "<?" */
	got = mw_php_tag_ex((const char *)data, size, 1, &k, &full);
	want = reference(data, size, 1);
	if (k == MW_PHP_TAG && got >= 0 ? got != want :
	    (got >= 0 && want >= 0 && got > want))
		abort();
	if (got < 0 && want >= 0)
		abort();
	(void)mw_php_classify("x.jpg", (const char *)data, size);
	return 0;
}
