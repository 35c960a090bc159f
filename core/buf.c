#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void mw_buf_init(struct mw_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void mw_buf_free(struct mw_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

void mw_buf_reset(struct mw_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

enum mw_err mw_buf_reserve(struct mw_buf *b, size_t n)
{
	size_t need, nalloc;
	char *p;

	if (n > b->cap || b->len > b->cap - n)
		return MW_ERR_TOOBIG;
	need = b->len + n + 1;
	if (need <= b->alloc)
		return MW_OK;
	nalloc = b->alloc ? b->alloc : 64;
	while (nalloc < need)
		nalloc = nalloc > (size_t)-1 / 2 ? need : nalloc * 2;
	if (nalloc > b->cap + 1)
		nalloc = b->cap + 1 > need ? b->cap + 1 : need;
	p = realloc(b->data, nalloc);
	if (!p)
		return MW_ERR_NOMEM;
	b->data = p;
	b->alloc = nalloc;
	/* "always NUL-terminated": also when nothing is appended after this
	 * (an empty file read into it must read as "", not as heap garbage) */
	b->data[b->len] = '\0';
	return MW_OK;
}

enum mw_err mw_buf_append(struct mw_buf *b, const void *p, size_t n)
{
	enum mw_err e = mw_buf_reserve(b, n);

	if (e)
		return e;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return MW_OK;
}

enum mw_err mw_buf_puts(struct mw_buf *b, const char *s)
{
	return mw_buf_append(b, s, strlen(s));
}

enum mw_err mw_buf_putc(struct mw_buf *b, char c)
{
	return mw_buf_append(b, &c, 1);
}

enum mw_err mw_buf_vprintf(struct mw_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	enum mw_err e;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return MW_ERR_INTERNAL;
	e = mw_buf_reserve(b, (size_t)n);
	if (e)
		return e;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return MW_OK;
}

enum mw_err mw_buf_printf(struct mw_buf *b, const char *fmt, ...)
{
	va_list ap;
	enum mw_err e;

	va_start(ap, fmt);
	e = mw_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

char *mw_buf_steal(struct mw_buf *b)
{
	char *p;

	if (!b->data && mw_buf_reserve(b, 0))
		return NULL;
	if (!b->data)
		return NULL;
	b->data[b->len] = '\0';
	p = b->data;
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}

const char *mw_buf_str(const struct mw_buf *b)
{
	return b->data ? b->data : "";
}

char *mw_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}
