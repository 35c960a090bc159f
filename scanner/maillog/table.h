/*
 * Capped string-keyed hash tables for the log aggregates (open addressing,
 * linear probing, backward-shift deletion). A table never holds more than
 * its max keys: on overflow the callers either prune the less frequent half
 * (counters: lossy counting, the heavy hitters survive) or evict the oldest
 * entry themselves (queue ids).
 */
#ifndef MW_MAILLOG_TABLE_H
#define MW_MAILLOG_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/maillog/maillog.h"

/* Every record starts with this; rec_size covers the whole record. */
struct ml_rec {
	uint64_t hash;
	uint64_t count;		/* what pruning and sorting go by */
	uint16_t klen;
	char key[ML_MAX_KEY + 1];	/* NUL-terminated, cut at ML_MAX_KEY */
};

struct ml_tab {
	size_t rec_size;
	size_t max;		/* keys at most */
	size_t n;
	size_t mask;		/* slots - 1 */
	struct ml_rec **slot;
	uint64_t *shash;	/* hash of slot[i], compared before touching the record */
	struct ml_rec *spare;	/* freed records kept for reuse (queue ids churn) */
	size_t nspare;
	uint64_t pruned;	/* keys dropped by pruning */
	int prune;		/* 1: prune the lower half when full */
	void (*free_rec)(struct ml_rec *);	/* frees what a record owns */
};

uint64_t mw_ml_hash(const char *k, size_t n);

void mw_ml_tab_init(struct ml_tab *t, size_t rec_size, size_t max, int prune,
		 void (*free_rec)(struct ml_rec *));
void mw_ml_tab_free(struct ml_tab *t);

/* The record for key, or NULL. */
void *mw_ml_tab_find(const struct ml_tab *t, const char *k, size_t n);

/*
 * The record for key, created zeroed (key set) when missing. With prune,
 * a full table first drops the records with the lower half of the counts;
 * without, a full table returns NULL (the caller evicts and retries).
 * Creating may invalidate every other pointer into the same table.
 * NULL on allocation failure.
 */
void *mw_ml_tab_get(struct ml_tab *t, const char *k, size_t n);

/* Remove and free one record. */
void mw_ml_tab_del(struct ml_tab *t, struct ml_rec *r);

/*
 * All records sorted by count (descending), then key; malloc'd array of
 * *n pointers (NULL when empty or on allocation failure), caller frees the
 * array only.
 */
struct ml_rec **mw_ml_tab_sorted(const struct ml_tab *t, size_t *n);

/* Records sorted by key bytes (for hourly buckets keyed by big-endian time). */
struct ml_rec **mw_ml_tab_sorted_by_key(const struct ml_tab *t, size_t *n);

/* A set of 64-bit hashes, capped (saturated = a value was refused). */
struct ml_hset {
	uint64_t *v;
	uint32_t n, alloc, cap;
	int saturated;
};

/* Add h; returns 1 when new, 0 when present or refused. */
int mw_ml_hset_add(struct ml_hset *s, uint64_t h, uint32_t cap);
void mw_ml_hset_free(struct ml_hset *s);

#endif
