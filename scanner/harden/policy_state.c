/*
 * Per-sender counters of the sliding hour, in memory and in SQLite.
 *
 * A sliding hour is approximated the way rate limiters commonly do: a
 * counter for the current fixed hour and one for the previous hour, the
 * latter weighted by the share of it that still lies inside the last 60
 * minutes. It never lets a burst through at an hour boundary (as a fixed
 * window does) and costs two integers per sender instead of a timestamp per
 * message. Writes go to SQLite in batches (mw_pol_state_flush, called by the
 * daemon at most every second and on exit), so a restart keeps the counts
 * of the hour at the price of at most a second of them after a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/db.h"
#include "scanner/harden/policy.h"

struct entry {
	char *key;		/* NULL: free slot */
	int64_t hour;		/* fixed hour index of cur */
	uint32_t cur_m, prev_m, cur_r, prev_r;
	uint32_t deferred;	/* refusals in the current hour */
	int dirty;
};

struct pol_state {
	struct entry *tab;
	size_t cap, used;	/* cap: a power of two */
	sqlite3 *db;
	sqlite3_stmt *put;
};

static uint64_t key_hash(const char *k)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	return h;
}

/* The slot of key, or the free slot where it belongs. */
static struct entry *slot(struct pol_state *s, const char *key)
{
	size_t i = (size_t)key_hash(key) & (s->cap - 1);

	while (s->tab[i].key && strcmp(s->tab[i].key, key) != 0)
		i = (i + 1) & (s->cap - 1);
	return &s->tab[i];
}

static enum mw_err grow(struct pol_state *s)
{
	struct entry *old = s->tab;
	size_t oldcap = s->cap;

	s->cap = oldcap ? oldcap * 2 : 256;
	s->tab = calloc(s->cap, sizeof(*s->tab));
	if (!s->tab) {
		s->tab = old;
		s->cap = oldcap;
		return MW_ERR_NOMEM;
	}
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*slot(s, old[i].key) = old[i];
	free(old);
	return MW_OK;
}

/* Find key, adding it (zeroed) when missing; NULL when full or no memory. */
static struct entry *get(struct pol_state *s, const char *key, enum mw_err *e)
{
	struct entry *en;

	*e = MW_OK;
	if (s->cap && (en = slot(s, key))->key)
		return en;
	if (s->used >= POL_MAX_KEYS) {
		*e = MW_ERR_LIMIT;
		return NULL;
	}
	if ((s->used + 1) * 2 > s->cap && (*e = grow(s)) != MW_OK)
		return NULL;
	en = slot(s, key);
	en->key = strdup(key);
	if (!en->key) {
		*e = MW_ERR_NOMEM;
		return NULL;
	}
	s->used++;
	return en;
}

/* Move en's window to hour: the current hour becomes the previous one. */
static void roll(struct entry *en, int64_t hour)
{
	if (en->hour == hour)
		return;
	if (en->hour == hour - 1) {
		en->prev_m = en->cur_m;
		en->prev_r = en->cur_r;
	} else {
		en->prev_m = en->prev_r = 0;
	}
	en->cur_m = en->cur_r = en->deferred = 0;
	en->hour = hour;
	en->dirty = 1;
}

static void estimate(const struct entry *en, time_t now, double *m, double *r)
{
	double w = 1.0 - (double)(now % POL_WINDOW) / POL_WINDOW;

	*m = en->cur_m + en->prev_m * w;
	*r = en->cur_r + en->prev_r * w;
}

static enum mw_err db_fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
	return MW_ERR_IO;
}

static enum mw_err db_load(struct pol_state *s, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	enum mw_err e = MW_OK;

	if (sqlite3_prepare_v2(s->db, "SELECT key, hour, cur_m, prev_m, cur_r, prev_r, "
			       "deferred FROM counts", -1, &q, NULL) != SQLITE_OK)
		return db_fail(s->db, "reading the counts", err, errlen);
	while (sqlite3_step(q) == SQLITE_ROW && e == MW_OK) {
		const char *k = (const char *)sqlite3_column_text(q, 0);
		struct entry *en;

		if (!k || !(en = get(s, k, &e)))
			continue;
		en->hour = sqlite3_column_int64(q, 1);
		en->cur_m = (uint32_t)sqlite3_column_int64(q, 2);
		en->prev_m = (uint32_t)sqlite3_column_int64(q, 3);
		en->cur_r = (uint32_t)sqlite3_column_int64(q, 4);
		en->prev_r = (uint32_t)sqlite3_column_int64(q, 5);
		en->deferred = (uint32_t)sqlite3_column_int64(q, 6);
	}
	sqlite3_finalize(q);
	if (e == MW_ERR_LIMIT)
		e = MW_OK;	/* the rest start from zero */
	return e;
}

enum mw_err mw_pol_state_open(const char *db_path, struct pol_state **out,
			   char *err, size_t errlen)
{
	struct pol_state *s = calloc(1, sizeof(*s));
	enum mw_err e;

	*out = NULL;
	if (!s || grow(s) != MW_OK) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return MW_ERR_NOMEM;
	}
	if (!db_path) {
		*out = s;
		return MW_OK;
	}
	/* Created by us, for root only, never through a planted link. */
	e = mw_db_open(db_path, MW_DB_CREATE, 0, &s->db, err, errlen);
	if (e) {
		mw_pol_state_free(s);
		return e;
	}
	if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
			 "CREATE TABLE IF NOT EXISTS counts (key TEXT PRIMARY KEY, "
			 "hour INTEGER, cur_m INTEGER, prev_m INTEGER, cur_r INTEGER, "
			 "prev_r INTEGER, deferred INTEGER)", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO counts VALUES "
			       "(?, ?, ?, ?, ?, ?, ?)", -1, &s->put, NULL) != SQLITE_OK) {
		e = db_fail(s->db, db_path, err, errlen);
		mw_pol_state_free(s);
		return e;
	}
	e = db_load(s, err, errlen);
	if (e) {
		mw_pol_state_free(s);
		return e;
	}
	*out = s;
	return MW_OK;
}

void mw_pol_state_free(struct pol_state *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->tab[i].key);
	free(s->tab);
	sqlite3_finalize(s->put);
	sqlite3_close(s->db);
	free(s);
}

enum mw_err mw_pol_state_count(struct pol_state *s, const char *key, time_t now,
			    unsigned long rcpts, unsigned long msg_limit,
			    unsigned long rcpt_limit, struct pol_verdict *v)
{
	struct entry *en;
	enum mw_err e;

	memset(v, 0, sizeof(*v));
	v->msg_limit = msg_limit;
	v->rcpt_limit = rcpt_limit;
	if (!(en = get(s, key, &e)))
		return e;
	roll(en, (int64_t)(now / POL_WINDOW));
	estimate(en, now, &v->messages, &v->recipients);
	if (rcpts > UINT32_MAX / 2)
		rcpts = UINT32_MAX / 2;
	if ((msg_limit && v->messages + 1 > msg_limit) ||
	    (rcpt_limit && v->recipients + rcpts > rcpt_limit)) {
		v->over = 1;
		if (en->deferred < UINT32_MAX)
			en->deferred++;
	} else {
		if (en->cur_m < UINT32_MAX)
			en->cur_m++;
		en->cur_r = en->cur_r > UINT32_MAX - rcpts ? UINT32_MAX
							   : en->cur_r + (uint32_t)rcpts;
	}
	en->dirty = 1;
	return MW_OK;
}

enum mw_err mw_pol_state_flush(struct pol_state *s, char *err, size_t errlen)
{
	int rc = SQLITE_OK;

	if (!s->db)
		return MW_OK;
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s->db, "flushing the counts", err, errlen);
	for (size_t i = 0; i < s->cap && rc == SQLITE_OK; i++) {
		struct entry *en = &s->tab[i];

		if (!en->key || !en->dirty)
			continue;
		sqlite3_reset(s->put);
		sqlite3_bind_text(s->put, 1, en->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->put, 2, en->hour);
		sqlite3_bind_int64(s->put, 3, en->cur_m);
		sqlite3_bind_int64(s->put, 4, en->prev_m);
		sqlite3_bind_int64(s->put, 5, en->cur_r);
		sqlite3_bind_int64(s->put, 6, en->prev_r);
		sqlite3_bind_int64(s->put, 7, en->deferred);
		rc = sqlite3_step(s->put) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	if (rc != SQLITE_OK || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		enum mw_err e = db_fail(s->db, "flushing the counts", err, errlen);

		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return e;
	}
	for (size_t i = 0; i < s->cap; i++)
		s->tab[i].dirty = 0;
	return MW_OK;
}

int mw_pol_state_get(struct pol_state *s, const char *key, time_t now,
		  double *messages, double *recipients, unsigned long *deferred)
{
	struct entry *en = slot(s, key);

	if (!en->key)
		return 0;
	roll(en, (int64_t)(now / POL_WINDOW));
	estimate(en, now, messages, recipients);
	*deferred = en->deferred;
	return 1;
}

void mw_pol_state_each_deferred(struct pol_state *s, time_t now,
			     void (*fn)(void *arg, const char *key, double messages,
					unsigned long deferred),
			     void *arg)
{
	for (size_t i = 0; i < s->cap; i++) {
		struct entry *en = &s->tab[i];
		double m, r;

		if (!en->key)
			continue;
		roll(en, (int64_t)(now / POL_WINDOW));
		estimate(en, now, &m, &r);
		if (en->deferred)
			fn(arg, en->key, m, en->deferred);
	}
}
