/*
 * ASCII case folding, the way rules, tags and log words compare: only A-Z
 * change; bytes >= 0x80 are never folded (no locale). The value of a hex
 * digit, for the escape and decoder parsers. The blanks of configuration
 * files and a trimmed copy, for their parsers.
 */
#ifndef MW_ASCII_H
#define MW_ASCII_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline int mw_ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* 0-15 for a hex digit (either case), -1 for anything else. */
static inline int mw_ascii_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Blanks of configuration files: space, tab and the line-end and page
 * characters that may precede a newline. */
static inline int mw_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* [s, e) without surrounding blanks (and, with strip_quotes, one pair of
 * matching quotes) into dst, cut to cap - 1 bytes, NUL-terminated. */
static inline void mw_trim_copy(char *dst, size_t cap, const char *s,
				const char *e, int strip_quotes)
{
	size_t n;

	while (s < e && mw_blank(*s))
		s++;
	while (e > s && mw_blank(e[-1]))
		e--;
	if (strip_quotes && e - s >= 2 && (*s == '"' || *s == '\'') && e[-1] == *s) {
		s++;
		e--;
	}
	n = (size_t)(e - s);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* FNV-1a (32 bits) of n bytes, and of their ASCII-lower-cased form: the
 * hash of every small open-addressing table (variable and function
 * names, words). Not for anything an attacker could profit from
 * colliding beyond a slower probe. */
static inline uint32_t mw_fnv1a(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static inline uint32_t mw_fnv1a_lower(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (uint32_t)mw_ascii_lower(*b++)) * 16777619u;
	return h;
}

#endif
