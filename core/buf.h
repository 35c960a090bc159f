/*
 * Growable byte buffer with a hard cap (curl's dynbuf habit). Every dynamic
 * buffer in the program goes through this; nothing grows without bound.
 */
#ifndef MW_BUF_H
#define MW_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/error.h"

struct mw_buf {
	char *data;	/* always NUL-terminated when len > 0 or after append */
	size_t len;
	size_t alloc;
	size_t cap;	/* maximum len; appends past it fail with MW_ERR_TOOBIG */
};

/* Initialise an empty buffer that may hold at most cap bytes. */
void mw_buf_init(struct mw_buf *b, size_t cap);
/* Free the storage; the buffer may be reused after mw_buf_init. */
void mw_buf_free(struct mw_buf *b);
/* Drop the contents, keep the storage. */
void mw_buf_reset(struct mw_buf *b);
/* Make room for n more bytes (plus NUL). */
enum mw_err mw_buf_reserve(struct mw_buf *b, size_t n);
enum mw_err mw_buf_append(struct mw_buf *b, const void *p, size_t n);
enum mw_err mw_buf_puts(struct mw_buf *b, const char *s);
enum mw_err mw_buf_putc(struct mw_buf *b, char c);
enum mw_err mw_buf_printf(struct mw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum mw_err mw_buf_vprintf(struct mw_buf *b, const char *fmt, va_list ap);
/* Hand the storage to the caller (malloc'd, NUL-terminated, never NULL
 * on success); the buffer is left empty. */
char *mw_buf_steal(struct mw_buf *b);
/* A new string formatted like printf (free it), or NULL when out of
 * memory. For small strings; anything read from outside goes through a
 * capped mw_buf instead. */
char *mw_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Contents as a C string ("" when empty). Valid until the next change. */
const char *mw_buf_str(const struct mw_buf *b);

#endif
