#include <stdlib.h>
#include <string.h>

#include "scanner/maillog/table.h"

uint64_t mw_ml_hash(const char *k, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 29;
	return h ? h : 1;
}

void mw_ml_tab_init(struct ml_tab *t, size_t rec_size, size_t max, int prune,
		 void (*free_rec)(struct ml_rec *))
{
	memset(t, 0, sizeof(*t));
	t->rec_size = rec_size;
	t->max = max;
	t->prune = prune;
	t->free_rec = free_rec;
}

#define ML_MAX_SPARE 1024	/* freed records kept per table */

static void free_one(struct ml_tab *t, struct ml_rec *r)
{
	if (t->free_rec)
		t->free_rec(r);
	if (t->nspare < ML_MAX_SPARE) {
		/* The record's first word links the spare list. */
		*(struct ml_rec **)r = t->spare;
		t->spare = r;
		t->nspare++;
		return;
	}
	free(r);
}

void mw_ml_tab_free(struct ml_tab *t)
{
	size_t i;

	if (t->slot)
		for (i = 0; i <= t->mask; i++)
			if (t->slot[i])
				free_one(t, t->slot[i]);
	free(t->slot);
	free(t->shash);
	while (t->spare) {
		struct ml_rec *r = t->spare;

		t->spare = *(struct ml_rec **)r;
		free(r);
	}
	t->nspare = 0;
	t->slot = NULL;
	t->shash = NULL;
	t->n = 0;
	t->mask = 0;
}

static void insert_slot(struct ml_rec **slot, uint64_t *shash, size_t mask,
			struct ml_rec *r)
{
	size_t i = r->hash & mask;

	while (slot[i])
		i = (i + 1) & mask;
	slot[i] = r;
	shash[i] = r->hash;
}

static int resize(struct ml_tab *t, size_t nslots)
{
	struct ml_rec **ns = calloc(nslots, sizeof(*ns));
	uint64_t *nh = calloc(nslots, sizeof(*nh));
	size_t i;

	if (!ns || !nh) {
		free(ns);
		free(nh);
		return -1;
	}
	if (t->slot)
		for (i = 0; i <= t->mask; i++)
			if (t->slot[i])
				insert_slot(ns, nh, nslots - 1, t->slot[i]);
	free(t->slot);
	free(t->shash);
	t->slot = ns;
	t->shash = nh;
	t->mask = nslots - 1;
	return 0;
}

void *mw_ml_tab_find(const struct ml_tab *t, const char *k, size_t n)
{
	uint64_t h;
	size_t i;

	if (!t->slot)
		return NULL;
	if (n > ML_MAX_KEY)
		n = ML_MAX_KEY;
	h = mw_ml_hash(k, n);
	for (i = h & t->mask; t->slot[i]; i = (i + 1) & t->mask) {
		struct ml_rec *r;

		if (t->shash[i] != h)
			continue;
		r = t->slot[i];
		if (r->klen == n && memcmp(r->key, k, n) == 0)
			return r;
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Lossy counting: drop every record whose count is at most the median. */
static void prune_half(struct ml_tab *t)
{
	uint64_t *c, med;
	size_t i, k = 0;

	c = malloc(t->n * sizeof(*c));
	if (!c)
		return;
	for (i = 0; i <= t->mask; i++)
		if (t->slot[i])
			c[k++] = t->slot[i]->count;
	qsort(c, k, sizeof(*c), cmp_u64);
	med = c[k / 2];
	free(c);
	for (i = 0; i <= t->mask; i++) {
		if (t->slot[i] && t->slot[i]->count <= med) {
			free_one(t, t->slot[i]);
			t->slot[i] = NULL;
			t->n--;
			t->pruned++;
		}
	}
	/* Rehash in place: collect survivors, clear, reinsert. */
	{
		struct ml_rec **keep = malloc((t->n ? t->n : 1) * sizeof(*keep));
		size_t m = 0;

		if (!keep)
			return;
		for (i = 0; i <= t->mask; i++)
			if (t->slot[i]) {
				keep[m++] = t->slot[i];
				t->slot[i] = NULL;
			}
		for (i = 0; i < m; i++)
			insert_slot(t->slot, t->shash, t->mask, keep[i]);
		free(keep);
	}
}

void *mw_ml_tab_get(struct ml_tab *t, const char *k, size_t n)
{
	struct ml_rec *r;

	if (n > ML_MAX_KEY)
		n = ML_MAX_KEY;
	r = mw_ml_tab_find(t, k, n);
	if (r)
		return r;
	if (t->n >= t->max) {
		if (!t->prune)
			return NULL;
		prune_half(t);
		if (t->n >= t->max)
			return NULL;
	}
	if (!t->slot || (t->n + 1) * 2 > t->mask + 1) {
		size_t ns = t->slot ? (t->mask + 1) * 2 : 64;

		if (resize(t, ns) != 0)
			return NULL;
	}
	if (t->spare) {
		r = t->spare;
		t->spare = *(struct ml_rec **)r;
		t->nspare--;
		memset(r, 0, t->rec_size);
	} else {
		r = calloc(1, t->rec_size);
		if (!r)
			return NULL;
	}
	memcpy(r->key, k, n);
	r->key[n] = '\0';
	r->klen = (uint16_t)n;
	r->hash = mw_ml_hash(k, n);
	insert_slot(t->slot, t->shash, t->mask, r);
	t->n++;
	return r;
}

void mw_ml_tab_del(struct ml_tab *t, struct ml_rec *r)
{
	size_t i, j, k;

	for (i = r->hash & t->mask; t->slot[i] && t->slot[i] != r; i = (i + 1) & t->mask)
		;
	if (t->slot[i] != r)
		return;
	t->slot[i] = NULL;
	t->n--;
	free_one(t, r);
	for (j = (i + 1) & t->mask; t->slot[j]; j = (j + 1) & t->mask) {
		k = t->slot[j]->hash & t->mask;
		/* Move back when the home slot k is not in the cyclic (i, j]. */
		if ((i <= j) ? (k <= i || k > j) : (k <= i && k > j)) {
			t->slot[i] = t->slot[j];
			t->shash[i] = t->shash[j];
			t->slot[j] = NULL;
			i = j;
		}
	}
}

static int cmp_count(const void *a, const void *b)
{
	const struct ml_rec *x = *(struct ml_rec *const *)a, *y = *(struct ml_rec *const *)b;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->key, y->key, x->klen < y->klen ? x->klen : y->klen);
	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static int cmp_key(const void *a, const void *b)
{
	const struct ml_rec *x = *(struct ml_rec *const *)a, *y = *(struct ml_rec *const *)b;
	int c = memcmp(x->key, y->key, x->klen < y->klen ? x->klen : y->klen);

	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static struct ml_rec **collect(const struct ml_tab *t, size_t *n,
			       int (*cmp)(const void *, const void *))
{
	struct ml_rec **v;
	size_t i, k = 0;

	*n = 0;
	if (!t->n)
		return NULL;
	v = malloc(t->n * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i <= t->mask; i++)
		if (t->slot[i])
			v[k++] = t->slot[i];
	qsort(v, k, sizeof(*v), cmp);
	*n = k;
	return v;
}

struct ml_rec **mw_ml_tab_sorted(const struct ml_tab *t, size_t *n)
{
	return collect(t, n, cmp_count);
}

struct ml_rec **mw_ml_tab_sorted_by_key(const struct ml_tab *t, size_t *n)
{
	return collect(t, n, cmp_key);
}

int mw_ml_hset_add(struct ml_hset *s, uint64_t h, uint32_t cap)
{
	uint32_t i, mask;

	h |= 1;		/* 0 marks an empty slot */
	if (s->n + 1 > s->alloc / 2) {
		uint32_t na = s->alloc ? s->alloc * 2 : 16, j;
		uint64_t *nv;

		if (s->n >= cap) {
			/* Known values still answer "present". */
			if (s->alloc) {
				mask = s->alloc - 1;
				for (i = (uint32_t)h & mask; s->v[i]; i = (i + 1) & mask)
					if (s->v[i] == h)
						return 0;
			}
			s->saturated = 1;
			return 0;
		}
		nv = calloc(na, sizeof(*nv));
		if (!nv) {
			s->saturated = 1;
			return 0;
		}
		for (j = 0; j < s->alloc; j++) {
			if (!s->v[j])
				continue;
			for (i = (uint32_t)s->v[j] & (na - 1); nv[i]; i = (i + 1) & (na - 1))
				;
			nv[i] = s->v[j];
		}
		free(s->v);
		s->v = nv;
		s->alloc = na;
	}
	mask = s->alloc - 1;
	for (i = (uint32_t)h & mask; s->v[i]; i = (i + 1) & mask)
		if (s->v[i] == h)
			return 0;
	s->v[i] = h;
	s->n++;
	return 1;
}

void mw_ml_hset_free(struct ml_hset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
