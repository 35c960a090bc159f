/*
 * Matching results by content for one run (scan_int.h): a hosting server
 * holds the same CMS files in every site (the bench tree: 49,140 PHP files,
 * 7,305 distinct contents), and what the rules find in a buffer depends
 * on its bytes alone. So the first file with given bytes is matched and
 * its hits (rule, offset, line, view, layer) and decode caps are kept under
 * the SHA-256 of those bytes; a later file with the same digest gets them
 * without being matched again. SHA-256 (OpenSSL, SHA-NI: ~1.7 GB/s here)
 * costs about a third of the Vectorscan prefilter alone; a weaker hash
 * would let a crafted file borrow a clean file's result.
 *
 * Bounded: MW_SCAN_DEDUP_MAX distinct contents (then new ones are matched
 * and not kept) and MW_SCAN_DEDUP_HITS hits kept in all. A match that
 * stopped at a PCRE2 limit is not kept: the next copy reports its own.
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/webroot/scan_int.h"

#define MW_SCAN_DEDUP_MAX	(1u << 16)	/* 65,536 contents, <= 5.5 MiB */
#define MW_SCAN_DEDUP_HITS	1024u		/* hits kept, ~0.3 MiB */

struct dslot {
	unsigned char key[32];
	uint32_t first_hit;	/* into d->hits */
	uint16_t nhits;
	uint16_t used;
	uint32_t caps;
};

struct mw_scan_dedup {
	pthread_mutex_t lock;
	struct dslot *tab;
	size_t cap, used;	/* cap a power of two, used <= cap / 2 */
	struct hit *hits;
	size_t nhits;
	unsigned long reused;
};

struct mw_scan_dedup *mw_scan_dedup_new(void)
{
	struct mw_scan_dedup *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->cap = 1024;
	d->tab = calloc(d->cap, sizeof(*d->tab));
	d->hits = calloc(MW_SCAN_DEDUP_HITS, sizeof(*d->hits));
	if (!d->tab || !d->hits) {
		free(d->tab);
		free(d->hits);
		free(d);
		return NULL;
	}
	pthread_mutex_init(&d->lock, NULL);
	return d;
}

void mw_scan_dedup_free(struct mw_scan_dedup *d)
{
	if (!d)
		return;
	pthread_mutex_destroy(&d->lock);
	free(d->tab);
	free(d->hits);
	free(d);
}

unsigned long mw_scan_dedup_reused(const struct mw_scan_dedup *d)
{
	return d ? d->reused : 0;
}

int mw_scan_dedup_key(const char *buf, size_t len, unsigned char key[32])
{
	unsigned int n = 0;

	return EVP_Digest(buf, len, key, &n, EVP_sha256(), NULL) == 1 && n == 32 ? 0 : -1;
}

/* The slot of key in tab (cap slots), or the free one where it goes. */
static struct dslot *find(struct dslot *tab, size_t cap, const unsigned char key[32])
{
	size_t i;

	memcpy(&i, key, sizeof(i));	/* a digest: its bytes are uniform */
	for (i &= cap - 1; tab[i].used && memcmp(tab[i].key, key, 32) != 0;
	     i = (i + 1) & (cap - 1))
		;
	return &tab[i];
}

int mw_scan_dedup_get(struct mw_scan_dedup *d, const unsigned char key[32],
		      struct hit *hits, unsigned *nhits, unsigned *caps)
{
	struct dslot *e;
	int found = 0;

	pthread_mutex_lock(&d->lock);
	e = find(d->tab, d->cap, key);
	if (e->used) {
		memcpy(hits, d->hits + e->first_hit, e->nhits * sizeof(*hits));
		*nhits = e->nhits;
		*caps = e->caps;
		d->reused++;
		found = 1;
	}
	pthread_mutex_unlock(&d->lock);
	return found;
}

/* Double the table; -1 when at the cap or out of memory. */
static int grow(struct mw_scan_dedup *d)
{
	struct dslot *t;
	size_t i;

	if (d->cap >= 2 * MW_SCAN_DEDUP_MAX)
		return -1;
	t = calloc(d->cap * 2, sizeof(*t));
	if (!t)
		return -1;
	for (i = 0; i < d->cap; i++)
		if (d->tab[i].used)
			*find(t, d->cap * 2, d->tab[i].key) = d->tab[i];
	free(d->tab);
	d->tab = t;
	d->cap *= 2;
	return 0;
}

void mw_scan_dedup_put(struct mw_scan_dedup *d, const unsigned char key[32],
		       const struct hit *hits, unsigned nhits, unsigned caps)
{
	struct dslot *e;

	pthread_mutex_lock(&d->lock);
	if ((d->used + 1) * 2 > d->cap && grow(d) < 0)
		goto out;
	if (d->nhits + nhits > MW_SCAN_DEDUP_HITS)
		goto out;
	e = find(d->tab, d->cap, key);
	if (e->used)	/* another thread was first */
		goto out;
	memcpy(e->key, key, 32);
	e->first_hit = (uint32_t)d->nhits;
	e->nhits = (uint16_t)nhits;
	e->caps = caps;
	e->used = 1;
	memcpy(d->hits + d->nhits, hits, nhits * sizeof(*hits));
	d->nhits += nhits;
	d->used++;
out:
	pthread_mutex_unlock(&d->lock);
}
