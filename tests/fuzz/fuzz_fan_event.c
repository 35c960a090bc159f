/*
 * libFuzzer target: the fanotify record parser (scanner/watch/fan_event.c)
 * and the pending set it feeds. Every event delivered must lie inside the
 * input; a name must end at its NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/watch/fan_event.h"
#include "scanner/watch/pending.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct span {
	const uint8_t *lo, *hi;
	struct mw_pending *p;
};

static int check(void *arg, const struct mw_fan_event *ev)
{
	const struct span *s = arg;
	const uint8_t *h = ev->handle, *n = (const uint8_t *)ev->name;

	if (ev->has_dir) {
		if (ev->handle_bytes > MW_FAN_MAX_HANDLE || h < s->lo ||
		    h + ev->handle_bytes > s->hi)
			__builtin_trap();
		if (ev->name_len && (n < s->lo || n + ev->name_len >= s->hi ||
				     n[ev->name_len] != '\0' ||
				     memchr(n, '\0', ev->name_len)))
			__builtin_trap();
		(void)mw_pending_add(s->p, ev, (ev->mask & 1) != 0, (ev->mask & 2) != 0, 0);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mw_pending *p;
	struct mw_pending_item *it;
	struct span s;
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	if (!p && !(p = mw_pending_new())) {
		free(copy);
		return 0;
	}
	/* an exact-size copy: ASan sees a read past the end */
	memcpy(copy, data, size);
	s.lo = copy;
	s.hi = copy + size;
	s.p = p;
	(void)mw_fan_parse(copy, size, check, &s);
	while ((it = mw_pending_take(p, 1000)))
		mw_pending_item_free(it);
	mw_pending_clear(p);
	free(copy);
	return 0;
}
