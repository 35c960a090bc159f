/*
 * libFuzzer target: the Exim main-log parser, with and without the
 * timestamp, on each line of the input. Every slice must lie inside the
 * line (exact-size copies make ASan catch over-reads).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/maillog/maillog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(struct ml_str s, const char *p, size_t n)
{
	if (s.n && (s.p < p || s.p + s.n > p + n))
		abort();
}

static void check(const struct ml_ex_event *ev, const char *l, size_t n)
{
	inside(ev->id, l, n);
	inside(ev->addr, l, n);
	inside(ev->user, l, n);
	inside(ev->auth, l, n);
	inside(ev->host, l, n);
	inside(ev->ip, l, n);
	inside(ev->proto, l, n);
	inside(ev->cwd, l, n);
	inside(ev->rcpts, l, n);
	inside(ev->reply, l, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct ml_ex_event ev;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char *l = malloc(n ? n : 1);

		if (!l)
			abort();
		memcpy(l, p, n);
		if (mw_ml_parse_exim(l, n, 1, &ev) == 0)
			check(&ev, l, n);
		if (mw_ml_parse_exim(l, n, 0, &ev) == 0)
			check(&ev, l, n);
		(void)mw_ml_looks_exim(l, n);
		free(l);
		p += n + 1;
	}
	return 0;
}
