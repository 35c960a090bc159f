/*
 * Escaping for everything shown to a person or a machine. Paths, excerpts
 * and log lines are attacker-written: a file name with ESC[2J or a newline
 * must not reach the terminal, a log shipper or a JSON parser as such.
 */
#ifndef MW_ESCAPE_H
#define MW_ESCAPE_H

#include <stddef.h>

#include "core/buf.h"

/*
 * Append s[0..n) to out with every byte that is not printable, valid UTF-8
 * written as an escape: \n \r \t \\ and \xNN for other controls (C0, DEL,
 * C1 code points) and for bytes that are not part of valid UTF-8. Result is
 * valid UTF-8 without control characters. Backslash is doubled so that the
 * escaping is reversible.
 */
enum mw_err mw_escape_append(struct mw_buf *out, const char *s, size_t n);

/* Same, into a new malloc'd string (NULL on allocation failure). */
char *mw_escape_dup(const char *s, size_t n);
char *mw_escape_str(const char *s);

#endif
