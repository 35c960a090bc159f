/*
 * ASCII case folding, the way rules, tags and log words compare: only A-Z
 * change; bytes >= 0x80 are never folded (no locale). And the value of a
 * hex digit, for the escape and decoder parsers.
 */
#ifndef MW_ASCII_H
#define MW_ASCII_H

#include <stddef.h>
#include <stdint.h>

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
