/*
 * Counting the queue by who submitted it: uid, login, PHP script, SASL
 * login, client address, envelope sender and recipient domain. One hash
 * table per kind while counting (a 10,000-message queue is one pass), then
 * each kind sorted by count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/queue/queue_impl.h"

struct table {
	size_t *slot;		/* index + 1 into the group array, 0 = free */
	size_t cap;		/* power of two */
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static enum mw_err grow(struct table *t, const struct qgroup *g, size_t n)
{
	size_t ncap = t->cap ? t->cap * 2 : 64, i;
	size_t *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return MW_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		size_t h = (size_t)hash(g[i].key) & (ncap - 1);

		while (ns[h])
			h = (h + 1) & (ncap - 1);
		ns[h] = i + 1;
	}
	free(t->slot);
	t->slot = ns;
	t->cap = ncap;
	return MW_OK;
}

/* The group for key in kind k, created on first use; NULL on ENOMEM. */
static struct qgroup *group_get(struct qgroups *gs, struct table *t,
				enum qgroup_kind k, const char *key)
{
	size_t h;
	struct qgroup *g;

	if ((gs->n[k] + 1) * 2 > t->cap && grow(t, gs->g[k], gs->n[k]))
		return NULL;
	h = (size_t)hash(key) & (t->cap - 1);
	while (t->slot[h]) {
		g = &gs->g[k][t->slot[h] - 1];
		if (strcmp(g->key, key) == 0)
			return g;
		h = (h + 1) & (t->cap - 1);
	}
	if (gs->n[k] == gs->alloc[k]) {
		size_t na = gs->alloc[k] ? gs->alloc[k] * 2 : 16;
		struct qgroup *p = realloc(gs->g[k], na * sizeof(*p));

		if (!p)
			return NULL;
		gs->g[k] = p;
		gs->alloc[k] = na;
	}
	g = &gs->g[k][gs->n[k]];
	memset(g, 0, sizeof(*g));
	g->uid = -1;
	g->key = strdup(key);
	if (!g->key)
		return NULL;
	t->slot[h] = ++gs->n[k];
	return g;
}

static void count(struct qgroup *g, const struct qmsg *m)
{
	g->count++;
	g->bytes += m->size;
	if (m->arrival && (!g->oldest || m->arrival < g->oldest))
		g->oldest = m->arrival;
	if (m->arrival > g->newest)
		g->newest = m->arrival;
	g->reasons[m->reason_class]++;
	if (mw_qmsg_is_bounce(m))
		g->bounces++;
}

static enum mw_err add(struct qgroups *gs, struct table *t, enum qgroup_kind k,
		       const char *key, const struct qmsg *m)
{
	struct qgroup *g;

	if (!key)
		return MW_OK;
	g = group_get(gs, &t[k], k, key);
	if (!g)
		return MW_ERR_NOMEM;
	if (k == QG_UID)
		g->uid = m->uid;
	count(g, m);
	return MW_OK;
}

static int by_count(const void *a, const void *b)
{
	const struct qgroup *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

enum mw_err mw_qgroups_build(const struct qlist *l, struct qgroups *gs)
{
	struct table t[QG__COUNT];
	enum mw_err e = MW_OK;
	size_t i;
	unsigned d;
	int k;

	memset(gs, 0, sizeof(*gs));
	memset(t, 0, sizeof(t));
	for (i = 0; i < l->n && !e; i++) {
		const struct qmsg *m = &l->m[i];
		char uidkey[24];

		gs->total++;
		gs->bytes += m->size;
		if (m->arrival && (!gs->oldest || m->arrival < gs->oldest))
			gs->oldest = m->arrival;
		gs->by_queue[m->queue]++;
		gs->reasons[m->reason_class]++;
		if (m->reason && !gs->reason_example[m->reason_class])
			gs->reason_example[m->reason_class] = m->reason;
		gs->inspected += m->inspected != 0;
		gs->bounces += mw_qmsg_is_bounce(m);
		gs->held += m->held != 0;
		if (m->uid >= 0) {
			snprintf(uidkey, sizeof(uidkey), "%ld", m->uid);
			e = add(gs, t, QG_UID, uidkey, m);
		}
		if (!e)
			e = add(gs, t, QG_USER, m->user, m);
		if (!e)
			e = add(gs, t, QG_SCRIPT, m->script, m);
		if (!e)
			e = add(gs, t, QG_SASL, m->sasl, m);
		if (!e)
			e = add(gs, t, QG_CLIENT, m->client, m);
		if (!e)
			e = add(gs, t, QG_SENDER, mw_qmsg_is_bounce(m) ? "<>" : m->sender, m);
		for (d = 0; d < m->n_domains && !e; d++)
			e = add(gs, t, QG_DOMAIN, m->domains[d], m);
	}
	for (k = 0; k < QG__COUNT; k++) {
		free(t[k].slot);
		if (gs->n[k])
			qsort(gs->g[k], gs->n[k], sizeof(struct qgroup), by_count);
	}
	return e;
}

void mw_qgroups_free(struct qgroups *gs)
{
	size_t i;
	int k;

	for (k = 0; k < QG__COUNT; k++) {
		for (i = 0; i < gs->n[k]; i++)
			free(gs->g[k][i].key);
		free(gs->g[k]);
	}
	memset(gs, 0, sizeof(*gs));
}

const char *mw_qgroup_kind_name(enum qgroup_kind k)
{
	static const char *const names[QG__COUNT] = {
		"uid", "user", "script", "sasl", "client", "sender", "recipient_domain",
	};

	return (unsigned)k < QG__COUNT ? names[k] : "?";
}
