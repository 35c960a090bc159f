#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>

#include "core/escape.h"
#include "core/progress.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long long last_ms;
static int shown;

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mw_progress(const struct mw_ctx *ctx, const char *fmt, ...)
{
	char line[512];
	char *safe;
	long long now;
	va_list ap;

	if (!ctx || !ctx->progress)
		return;
	now = mono_ms();
	pthread_mutex_lock(&lock);
	if (now - last_ms < 125) {
		pthread_mutex_unlock(&lock);
		return;
	}
	last_ms = now;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	safe = mw_escape_str(line);
	/* Keep within a common terminal width so it never wraps. */
	fprintf(stderr, "\r\033[K%.78s", safe ? safe : "");
	fflush(stderr);
	free(safe);
	shown = 1;
	pthread_mutex_unlock(&lock);
}

void mw_progress_done(const struct mw_ctx *ctx)
{
	if (!ctx || !ctx->progress)
		return;
	pthread_mutex_lock(&lock);
	if (shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		shown = 0;
	}
	pthread_mutex_unlock(&lock);
}
