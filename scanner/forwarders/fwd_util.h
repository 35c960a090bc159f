/* Small string helpers shared by the forwarder parsers. */
#ifndef MW_FWD_UTIL_H
#define MW_FWD_UTIL_H

#include <stddef.h>

#include "core/error.h"

static inline int fwd_isblank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == '\f' || c == '\v';
}

/* Strip blanks on both ends of (*s, *n). */
void mw_fwd_trim(const char **s, size_t *n);

/* 1 when s[0..n) equals the C string word, case-insensitive. */
int mw_fwd_word_eq(const char *s, size_t n, const char *word);

struct fwd_doc;
typedef void (*fwd_logical_cb)(struct fwd_doc *d, const char *s, size_t n,
			       unsigned long line);

/*
 * Iterate the logical lines of an aliases/main.cf style file: a physical
 * line that starts with a blank continues the previous one, lines starting
 * with '#' are comments, NUL bytes and overlong lines are parse errors.
 * cb gets the joined text (capped) and the number of its first line.
 */
enum mw_err mw_fwd_for_logical_lines(struct fwd_doc *d, const char *text,
				  size_t len, fwd_logical_cb cb);

#endif
