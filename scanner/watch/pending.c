/* The bounded set of names to scan; pending.h has the contract. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/watch/pending.h"

#define NBUCKETS	(MW_WATCH_MAX_PENDING * 2)	/* power of two */

struct node {
	struct node *hnext;		/* bucket chain */
	struct node *prev, *next;	/* FIFO */
	uint64_t hash;
	int64_t due;
	int delayed;
	struct mw_pending_item it;	/* last: flexible name */
};

struct fifo {
	struct node *head, *tail;
	size_t n;
};

struct mw_pending {
	struct node **bucket;
	struct fifo ready, delayed;
};

static uint64_t hash_of(const struct mw_fan_event *ev)
{
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *s;
	size_t i;

	s = (const unsigned char *)ev->fsid;
	for (i = 0; i < 8; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	for (i = 0; i < ev->handle_bytes; i++)
		h = (h ^ ev->handle[i]) * 1099511628211ULL;
	s = (const unsigned char *)ev->name;
	for (i = 0; i < ev->name_len; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

static int same(const struct node *n, uint64_t h, const struct mw_fan_event *ev)
{
	return n->hash == h && n->it.handle_bytes == ev->handle_bytes &&
	       n->it.handle_type == ev->handle_type &&
	       !memcmp(n->it.fsid, ev->fsid, sizeof(n->it.fsid)) &&
	       !memcmp(n->it.handle, ev->handle, ev->handle_bytes) &&
	       strlen(n->it.name) == ev->name_len &&
	       !memcmp(n->it.name, ev->name, ev->name_len);
}

static void fifo_push(struct fifo *f, struct node *n)
{
	n->next = NULL;
	n->prev = f->tail;
	if (f->tail)
		f->tail->next = n;
	else
		f->head = n;
	f->tail = n;
	f->n++;
}

static void fifo_unlink(struct fifo *f, struct node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		f->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		f->tail = n->prev;
	f->n--;
}

static void bucket_unlink(struct mw_pending *p, struct node *n)
{
	struct node **pp = &p->bucket[n->hash & (NBUCKETS - 1)];

	while (*pp != n)
		pp = &(*pp)->hnext;
	*pp = n->hnext;
}

struct mw_pending *mw_pending_new(void)
{
	struct mw_pending *p = calloc(1, sizeof(*p));

	if (p && !(p->bucket = calloc(NBUCKETS, sizeof(*p->bucket)))) {
		free(p);
		return NULL;
	}
	return p;
}

void mw_pending_clear(struct mw_pending *p)
{
	struct fifo *fs[2] = { &p->ready, &p->delayed };
	struct node *n, *next;
	size_t i;

	for (i = 0; i < 2; i++) {
		for (n = fs[i]->head; n; n = next) {
			next = n->next;
			free(n);
		}
		memset(fs[i], 0, sizeof(*fs[i]));
	}
	memset(p->bucket, 0, NBUCKETS * sizeof(*p->bucket));
}

void mw_pending_free(struct mw_pending *p)
{
	if (!p)
		return;
	mw_pending_clear(p);
	free(p->bucket);
	free(p);
}

int mw_pending_add(struct mw_pending *p, const struct mw_fan_event *ev, int is_dir,
		   int delayed, int64_t now_ms)
{
	uint64_t h = hash_of(ev);
	struct node *n;

	for (n = p->bucket[h & (NBUCKETS - 1)]; n; n = n->hnext) {
		if (!same(n, h, ev))
			continue;
		n->it.is_dir |= is_dir;
		if (n->delayed && !delayed) {
			fifo_unlink(&p->delayed, n);
			n->delayed = 0;
			n->due = now_ms;
			fifo_push(&p->ready, n);
		}
		return 0;
	}
	if (p->ready.n + p->delayed.n >= MW_WATCH_MAX_PENDING ||
	    ev->handle_bytes > MW_FAN_MAX_HANDLE)
		return -1;
	n = calloc(1, sizeof(*n) + ev->name_len + 1);
	if (!n)
		return -1;
	n->hash = h;
	n->delayed = delayed;
	n->due = delayed ? now_ms + MW_WATCH_CREATE_DELAY_MS : now_ms;
	memcpy(n->it.fsid, ev->fsid, sizeof(n->it.fsid));
	n->it.handle_bytes = ev->handle_bytes;
	n->it.handle_type = ev->handle_type;
	memcpy(n->it.handle, ev->handle, ev->handle_bytes);
	n->it.is_dir = is_dir;
	memcpy(n->it.name, ev->name, ev->name_len);
	n->hnext = p->bucket[h & (NBUCKETS - 1)];
	p->bucket[h & (NBUCKETS - 1)] = n;
	fifo_push(delayed ? &p->delayed : &p->ready, n);
	return 0;
}

struct mw_pending_item *mw_pending_take(struct mw_pending *p, int64_t now_ms)
{
	struct node *n = p->ready.head;

	if (!n && p->delayed.head && p->delayed.head->due <= now_ms)
		n = p->delayed.head;
	if (!n)
		return NULL;
	fifo_unlink(n->delayed ? &p->delayed : &p->ready, n);
	bucket_unlink(p, n);
	return &n->it;
}

void mw_pending_item_free(struct mw_pending_item *it)
{
	if (it)
		free((char *)it - offsetof(struct node, it));
}

size_t mw_pending_count(const struct mw_pending *p)
{
	return p->ready.n + p->delayed.n;
}

size_t mw_pending_ready(const struct mw_pending *p)
{
	return p->ready.n;
}

int64_t mw_pending_next_due(const struct mw_pending *p)
{
	return p->delayed.head ? p->delayed.head->due : -1;
}
