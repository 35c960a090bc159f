/*
 * The names waiting to be scanned: a set keyed by directory handle and
 * name, so that the thousand writes of one file are one scan, with a cap
 * so that a burst costs bounded memory (past it the caller rescans the
 * roots instead, as after a kernel queue overflow). Two FIFOs: names ready
 * now (closed after writing, moved in) and names just created, which wait
 * MW_WATCH_CREATE_DELAY_MS for the close that usually follows.
 */
#ifndef MW_WATCH_PENDING_H
#define MW_WATCH_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/watch/fan_event.h"

#define MW_WATCH_MAX_PENDING	65536	/* names waiting; past it: rescan */
#define MW_WATCH_CREATE_DELAY_MS 500

struct mw_pending;

struct mw_pending_item {
	int32_t fsid[2];
	uint32_t handle_bytes;
	int32_t handle_type;
	unsigned char handle[MW_FAN_MAX_HANDLE];
	int is_dir;		/* a directory moved in: walk it */
	char name[];		/* NUL-terminated */
};

struct mw_pending *mw_pending_new(void);
void mw_pending_free(struct mw_pending *p);

/*
 * Add ev's directory + name (ready at now_ms, or now_ms + the create delay
 * when delayed). A name already waiting is kept once; a delayed one that
 * becomes ready moves to the ready FIFO. Returns 0, or -1 when the set is
 * full (or out of memory): the caller has lost the name.
 */
int mw_pending_add(struct mw_pending *p, const struct mw_fan_event *ev, int is_dir,
		   int delayed, int64_t now_ms);

/*
 * Take the oldest name ready at now_ms; NULL when none. The caller owns it
 * and releases it with mw_pending_item_free().
 */
struct mw_pending_item *mw_pending_take(struct mw_pending *p, int64_t now_ms);
void mw_pending_item_free(struct mw_pending_item *it);

/* Names waiting; when the next delayed one is due (-1: none delayed). */
size_t mw_pending_count(const struct mw_pending *p);
size_t mw_pending_ready(const struct mw_pending *p);
int64_t mw_pending_next_due(const struct mw_pending *p);

/* Drop everything (the roots are about to be rescanned). */
void mw_pending_clear(struct mw_pending *p);

#endif
