/*
 * Excerpts of matched text for findings. Not escaped: mw_report_add()
 * escapes every string it stores, so escaping here would show a backslash
 * in the source doubled.
 */
#ifndef MW_EXCERPT_H
#define MW_EXCERPT_H

#include <stddef.h>

/*
 * The line of s[0..n) holding offset at, leading blanks skipped, at most
 * max_bytes bytes around the match with "…" marking a cut; not escaped.
 * Returns a malloc'd NUL-terminated string (NUL bytes inside are kept as
 * they are up to the terminator the report stops at) or NULL.
 */
char *mw_excerpt(const char *s, size_t n, size_t at, size_t max_bytes);

/* 1-based number of the line holding byte offset off of buf. */
unsigned long mw_line_of(const char *buf, size_t off);

#endif
