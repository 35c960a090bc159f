/*
 * ASCII case folding, the way rules, tags and log words compare: only A-Z
 * change; bytes >= 0x80 are never folded (no locale).
 */
#ifndef MW_ASCII_H
#define MW_ASCII_H

static inline int mw_ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

#endif
