#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/limits.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls (U+0080..U+009F) act as terminal controls too. */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	/* Bidi overrides can reorder what a reader sees (Trojan Source). */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

enum mw_err mw_escape_append(struct mw_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, l;
	enum mw_err e;
	char esc[4];

	while (i < n) {
		run = i;
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '\\')
			run++;
		if (run > i) {
			e = mw_buf_append(out, s + i, run - i);
			if (e)
				return e;
			i = run;
			continue;
		}
		if (p[i] >= 0x80) {
			l = utf8_seq_len(p + i, n - i);
			if (l) {
				e = mw_buf_append(out, s + i, l);
				if (e)
					return e;
				i += l;
				continue;
			}
		}
		switch (p[i]) {
		case '\n': e = mw_buf_append(out, "\\n", 2); break;
		case '\r': e = mw_buf_append(out, "\\r", 2); break;
		case '\t': e = mw_buf_append(out, "\\t", 2); break;
		case '\\': e = mw_buf_append(out, "\\\\", 2); break;
		default:
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[p[i] >> 4];
			esc[3] = hex[p[i] & 15];
			e = mw_buf_append(out, esc, 4);
		}
		if (e)
			return e;
		i++;
	}
	return MW_OK;
}

char *mw_escape_dup(const char *s, size_t n)
{
	struct mw_buf b;

	/* Worst case 4 output bytes per input byte. */
	mw_buf_init(&b, n > SIZE_MAX / 4 - 1 ? SIZE_MAX / 4 : n * 4 + 1);
	if (mw_escape_append(&b, s, n)) {
		mw_buf_free(&b);
		return NULL;
	}
	return mw_buf_steal(&b);
}

char *mw_escape_str(const char *s)
{
	return mw_escape_dup(s ? s : "", s ? strlen(s) : 0);
}
