/*
 * ASCII case folding, the way rules, tags and log words compare: only A-Z
 * change; bytes >= 0x80 are never folded (no locale). And the value of a
 * hex digit, for the escape and decoder parsers.
 */
#ifndef MW_ASCII_H
#define MW_ASCII_H

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

#endif
