#include <stdarg.h>

#include "core/cmdline.h"

void mw_cmdline_start(struct mw_cmdline *c, struct mw_buf *b, const char *name)
{
	c->b = b;
	c->err = mw_buf_puts(b, name);
}

void mw_cmdline_flag(struct mw_cmdline *c, const char *flag, int on)
{
	if (!c->err && on)
		c->err = mw_buf_printf(c->b, " %s", flag);
}

void mw_cmdline_str(struct mw_cmdline *c, const char *flag, const char *value)
{
	if (c->err || !value)
		return;
	c->err = flag ? mw_buf_printf(c->b, " %s %s", flag, value)
		      : mw_buf_printf(c->b, " %s", value);
}

void mw_cmdline_strs(struct mw_cmdline *c, const char *flag, const char *const *v,
		     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		mw_cmdline_str(c, flag, v[i]);
}

void mw_cmdline_list(struct mw_cmdline *c, const char *flag, const struct mw_strlist *l)
{
	mw_cmdline_strs(c, flag, (const char *const *)l->v, l->n);
}

void mw_cmdline_num(struct mw_cmdline *c, const char *flag, unsigned long long n)
{
	if (!c->err && n)
		c->err = mw_buf_printf(c->b, " %s %llu", flag, n);
}

void mw_cmdline_fmt(struct mw_cmdline *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err)
		return;
	va_start(ap, fmt);
	c->err = mw_buf_vprintf(c->b, fmt, ap);
	va_end(ap);
}
