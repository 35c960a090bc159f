/*
 * One progress line on stderr for long runs, only when stderr is a TTY and
 * neither --quiet nor --no-progress was given. Rate-limited to 8 updates/s;
 * safe to call from any thread.
 */
#ifndef MW_PROGRESS_H
#define MW_PROGRESS_H

#include "core/ctx.h"

void mw_progress(const struct mw_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Erase the progress line (call before anything else goes to the TTY). */
void mw_progress_done(const struct mw_ctx *ctx);

#endif
