/*
 * The inverse of core/escape.h. The report stores escaped strings; code that
 * moves a stored finding into another report (the audit's nightly filter)
 * must hand mw_report_add the original text, or every backslash would be
 * doubled once more.
 */
#ifndef MW_UNESCAPE_H
#define MW_UNESCAPE_H

#include <stddef.h>

/*
 * Undo mw_escape_append on s[0..n): \n \r \t \\ and \xNN become the bytes
 * they stand for; anything else is copied. A malformed escape (a lone '\'
 * or \x without two hex digits) is copied as is. Returns a malloc'd,
 * NUL-terminated string (which may contain NUL bytes from \x00) and its
 * length in *len (if given); NULL when out of memory.
 * mw_escape_dup(mw_unescape_dup(mw_escape_dup(x))) == mw_escape_dup(x).
 */
char *mw_unescape_dup(const char *s, size_t n, size_t *len);

/* Same for a NUL-terminated string; NULL in, NULL out. */
char *mw_unescape_str(const char *s);

#endif
