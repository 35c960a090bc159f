#include <stdarg.h>
#include <stdio.h>

#include "core/ctx.h"

enum mw_err mw_fail(struct mw_ctx *ctx, enum mw_err e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	return e;
}

enum mw_err mw_usage(struct mw_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	return MW_ERR_USAGE;
}
