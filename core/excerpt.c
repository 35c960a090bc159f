#include <stdlib.h>
#include <string.h>

#include "core/excerpt.h"

char *mw_excerpt(const char *s, size_t n, size_t at, size_t max_bytes)
{
	static const char ell[] = "\xe2\x80\xa6";
	size_t start, end, len, o = 0, i;
	int cut_left = 0, cut_right = 0;
	char *out;

	if (at > n)
		at = n;
	start = at;
	while (start > 0 && s[start - 1] != '\n')
		start--;
	end = at;
	while (end < n && s[end] != '\n')
		end++;
	while (start < at && (s[start] == ' ' || s[start] == '\t'))
		start++;
	if (end > start && s[end - 1] == '\r')
		end--;
	len = end - start;
	/* Keep the match itself visible on long (minified) lines. */
	if (len > max_bytes) {
		if (at - start > max_bytes / 4) {
			start = at - max_bytes / 4;
			cut_left = 1;
		}
		if (end - start > max_bytes) {
			end = start + max_bytes;
			cut_right = 1;
		}
		while (start < end && ((unsigned char)s[start] & 0xc0) == 0x80)
			start++;
		while (end > start && end < n && ((unsigned char)s[end] & 0xc0) == 0x80)
			end--;
	}
	out = malloc(end - start + 2 * sizeof(ell) + 1);
	if (!out)
		return NULL;
	if (cut_left) {
		memcpy(out, ell, 3);
		o = 3;
	}
	/* A NUL would end the string early: show it as a space. */
	for (i = start; i < end; i++)
		out[o++] = s[i] ? s[i] : ' ';
	if (cut_right) {
		memcpy(out + o, ell, 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

unsigned long mw_line_of(const char *buf, size_t off)
{
	unsigned long line = 1;
	const char *p = buf, *end = buf + off, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p = nl + 1;
	}
	return line;
}
