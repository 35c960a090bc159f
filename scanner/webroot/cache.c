#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/db.h"
#include "core/limits.h"
#include "scanner/webroot/cache.h"

/* 32 bytes: a quarter of a million of them are probed at random, so the
 * table is kept small and on huge pages (TLB misses dominate otherwise). */
struct centry {
	uint64_t ino;
	uint64_t stamp;		/* hash of size, mtime, ctime */
	uint32_t dev;		/* folded st_dev */
	uint32_t extra;		/* 0 = used, no extra; else index + 1 into
				 * c->extra; UINT32_MAX = free slot */
};

struct cextra {
	char *findings;		/* NULL = none */
	char *sha256;
};

struct pending {
	struct pending *next;
	uint64_t dev, ino;
	int64_t size, mtime_ns, ctime_ns;
	char *sha256, *findings;
};

struct mw_scan_cache {
	sqlite3 *db;
	char *sigver;
	struct centry *tab;
	size_t cap;		/* power of two */
	size_t tab_bytes;	/* mmap'ed size */
	struct cextra *extra;
	size_t nextra, extra_alloc;
	unsigned long loaded, written;
	size_t used;		/* occupied slots */
	pthread_mutex_t lock;
	struct pending *pend;
	size_t npend;		/* rows in pend */
	int stream;		/* mw_cache_stream(): write every
				 * MW_CACHE_BATCH rows, keep none */
	pthread_mutex_t wlock;	/* the database, while rows are written */
	enum mw_err werr;	/* first failed batch write, for close */
	char werr_msg[256];
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static uint64_t stamp_of(int64_t size, int64_t mtime_ns, int64_t ctime_ns)
{
	return mix((uint64_t)size ^ mix((uint64_t)mtime_ns ^ mix((uint64_t)ctime_ns)));
}

#define FREE_SLOT UINT32_MAX

static uint32_t fold_dev(uint64_t dev)
{
	return (uint32_t)(dev ^ (dev >> 32));
}

static struct centry *slot(struct mw_scan_cache *c, uint64_t dev, uint64_t ino)
{
	uint32_t d = fold_dev(dev);
	size_t i = mix(((uint64_t)d << 40) ^ ino) & (c->cap - 1);

	while (c->tab[i].extra != FREE_SLOT && (c->tab[i].dev != d || c->tab[i].ino != ino))
		i = (i + 1) & (c->cap - 1);
	return &c->tab[i];
}

void mw_cache_prefetch(const struct mw_scan_cache *c, uint64_t dev, uint64_t ino)
{
	if (c && c->tab)
		__builtin_prefetch(&c->tab[mix(((uint64_t)fold_dev(dev) << 40) ^ ino) &
					   (c->cap - 1)]);
}

static struct centry *alloc_table(size_t cap, size_t *bytes)
{
	struct centry *t;
	size_t i;

	*bytes = cap * sizeof(*t);
	t = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	(void)madvise(t, *bytes, MADV_HUGEPAGE);
	for (i = 0; i < cap; i++)
		t[i].extra = FREE_SLOT;
	return t;
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE IF NOT EXISTS files(dev INTEGER NOT NULL, ino INTEGER NOT NULL,"
	" size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, sha256 TEXT,"
	" sigver TEXT, findings TEXT, PRIMARY KEY(dev, ino)) WITHOUT ROWID;";

static char *meta_get(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st;
	char *v = NULL;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?", -1, &st,
			       NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static int meta_set(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int open_db(const char *path, sqlite3 **db)
{
	return mw_db_open(path, MW_DB_CREATE, 2000, db, NULL, 0) == MW_OK ? 0 : -1;
}

/* Check the schema and version; 0 ok, -1 unusable (corrupt, foreign). */
static int check_db(struct mw_scan_cache *c, const char **note)
{
	char *schema, *ver;
	int ok = 0;

	/* No PRAGMA quick_check: it reads the whole file (~1 s at 250k rows);
	 * a damaged file fails here or in load_rows() and is replaced. No
	 * mmap_size: mapping the file made every page of it resident (33 MB
	 * at 273k rows, half the run's RSS) and read no faster. */
	if (exec(c->db, "PRAGMA synchronous=OFF") < 0 ||
	    exec(c->db, schema_sql) < 0) {
		*note = "scan cache unreadable (corrupt?): starting fresh";
		return -1;
	}
	schema = meta_get(c->db, "schema");
	ver = meta_get(c->db, "sigver");
	if (schema && strcmp(schema, MW_CACHE_SCHEMA) != 0) {
		*note = "scan cache has another schema: starting fresh";
		ok = -1;
	} else if (ver && strcmp(ver, c->sigver) != 0) {
		*note = "signature set changed since the last run: every file is read again";
		if (exec(c->db, "DELETE FROM files") < 0)
			ok = -1;
	}
	/* write only what changed: a journal + sync per run otherwise */
	if (ok == 0 && !schema && meta_set(c->db, "schema", MW_CACHE_SCHEMA) < 0)
		ok = -1;
	if (ok == 0 && (!ver || strcmp(ver, c->sigver) != 0) &&
	    meta_set(c->db, "sigver", c->sigver) < 0)
		ok = -1;
	free(schema);
	free(ver);
	return ok;
}

static enum mw_err load_rows(struct mw_scan_cache *c)
{
	sqlite3_stmt *st;
	sqlite3_int64 n = 0;
	size_t cap = 1024;
	int rc;

	if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM files", -1, &st, NULL) != SQLITE_OK)
		return MW_ERR_IO;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (n < 0 || n > MW_CACHE_MAX_ROWS)
		n = 0;
	/* load factor at most 3/4: a 300k-file tree fits 2^19 slots (16 MiB);
	 * "at most 1/2" doubled the table to 32 MiB past 262,144 files and
	 * linear probing at 3/4 still averages 2.5 probes a hit */
	while (cap < (size_t)n + (size_t)n / 3 + 1)
		cap *= 2;
	c->tab = alloc_table(cap, &c->tab_bytes);
	if (!c->tab)
		return MW_ERR_NOMEM;
	c->cap = cap;
	if (sqlite3_prepare_v2(c->db, "SELECT dev, ino, size, mtime_ns, ctime_ns, sha256,"
			       " findings FROM files", -1, &st, NULL) != SQLITE_OK)
		return MW_ERR_IO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && c->loaded < (unsigned long)n) {
		uint64_t dev = (uint64_t)sqlite3_column_int64(st, 0);
		uint64_t ino = (uint64_t)sqlite3_column_int64(st, 1);
		struct centry *e = slot(c, dev, ino);
		const unsigned char *sha = sqlite3_column_text(st, 5);
		const unsigned char *fj = sqlite3_column_text(st, 6);

		e->dev = fold_dev(dev);
		e->ino = ino;
		e->stamp = stamp_of(sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
				    sqlite3_column_int64(st, 4));
		e->extra = 0;
		if ((sha && strlen((const char *)sha) == 64) || (fj && *fj)) {
			if (c->nextra == c->extra_alloc) {
				size_t na = c->extra_alloc ? c->extra_alloc * 2 : 64;
				struct cextra *nx = realloc(c->extra, na * sizeof(*nx));

				if (!nx)
					break;
				c->extra = nx;
				c->extra_alloc = na;
			}
			c->extra[c->nextra].sha256 = sha && strlen((const char *)sha) == 64 ?
				strdup((const char *)sha) : NULL;
			c->extra[c->nextra].findings = fj && *fj ? strdup((const char *)fj) : NULL;
			e->extra = (uint32_t)++c->nextra;
		}
		c->loaded++;
	}
	c->used = c->loaded;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MW_OK : MW_ERR_IO;
}

static void free_table(struct mw_scan_cache *c)
{
	size_t i;

	for (i = 0; i < c->nextra; i++) {
		free(c->extra[i].findings);
		free(c->extra[i].sha256);
	}
	free(c->extra);
	c->extra = NULL;
	c->nextra = c->extra_alloc = 0;
	if (c->tab)
		munmap(c->tab, c->tab_bytes);
	c->tab = NULL;
	c->cap = 0;
	c->loaded = 0;
	c->used = 0;
}

enum mw_err mw_cache_open(const char *state_dir, const char *sigver,
			  struct mw_scan_cache **out, const char **note,
			  char *err, size_t errlen)
{
	struct mw_scan_cache *c;
	char path[MW_MAX_PATH];
	enum mw_err e;
	struct stat sb;

	*out = NULL;
	*note = NULL;
	if (mkdir(state_dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", state_dir, strerror(errno));
		return MW_ERR_IO;
	}
	if (lstat(state_dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", state_dir);
		return MW_ERR_IO;
	}
	snprintf(path, sizeof(path), "%s/%s", state_dir, MW_CACHE_FILE);
	c = calloc(1, sizeof(*c));
	if (!c || !(c->sigver = strdup(sigver))) {
		free(c);
		return MW_ERR_NOMEM;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->wlock, NULL);
	if (open_db(path, &c->db) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (check_db(c, note) < 0 || (e = load_rows(c)) != MW_OK) {
		/* Unusable: remove and start from nothing. */
		if (!*note)
			*note = "scan cache unreadable (corrupt?): starting fresh";
		free_table(c);
		sqlite3_close(c->db);
		c->db = NULL;
		if (unlink(path) < 0 || open_db(path, &c->db) < 0 ||
		    check_db(c, note) < 0 || load_rows(c) != MW_OK) {
			snprintf(err, errlen, "%s: cannot create a fresh cache", path);
			goto fail;
		}
	}
	*out = c;
	return MW_OK;
fail:
	free_table(c);
	if (c->db)
		sqlite3_close(c->db);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->wlock);
	free(c->sigver);
	free(c);
	return MW_ERR_IO;
}

int mw_cache_lookup(struct mw_scan_cache *c, const struct stat *st,
		    const char **findings, const char **sha256)
{
	struct centry *e;

	if (!c || c->cap == 0)
		return 0;
	e = slot(c, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	if (e->extra == FREE_SLOT || e->stamp != stamp_of(st->st_size, ns(&st->st_mtim),
							  ns(&st->st_ctim)))
		return 0;
	*findings = e->extra ? c->extra[e->extra - 1].findings : NULL;
	*sha256 = e->extra ? c->extra[e->extra - 1].sha256 : NULL;
	return 1;
}

static enum mw_err write_rows(struct mw_scan_cache *c, struct pending *p, int keep,
			      char *err, size_t errlen);

enum mw_err mw_cache_put(struct mw_scan_cache *c, const struct stat *st,
			 const char *sha256, const char *findings)
{
	struct pending *p = calloc(1, sizeof(*p)), *batch = NULL;

	if (!p)
		return MW_ERR_NOMEM;
	p->dev = (uint64_t)st->st_dev;
	p->ino = (uint64_t)st->st_ino;
	p->size = st->st_size;
	p->mtime_ns = ns(&st->st_mtim);
	p->ctime_ns = ns(&st->st_ctim);
	p->sha256 = sha256 && *sha256 ? strdup(sha256) : NULL;
	p->findings = findings ? strdup(findings) : NULL;
	pthread_mutex_lock(&c->lock);
	p->next = c->pend;
	c->pend = p;
	if (c->stream && ++c->npend >= MW_CACHE_BATCH) {
		batch = c->pend;
		c->pend = NULL;
		c->npend = 0;
	}
	pthread_mutex_unlock(&c->lock);
	if (batch) {
		char err[sizeof(c->werr_msg)];
		enum mw_err e;

		/* this worker writes the batch; the others go on */
		pthread_mutex_lock(&c->wlock);
		e = write_rows(c, batch, 0, err, sizeof(err));
		if (e && !c->werr) {
			c->werr = e;
			memcpy(c->werr_msg, err, sizeof(err));
		}
		pthread_mutex_unlock(&c->wlock);
	}
	return MW_OK;
}

/* Double the table (load factor past 3/4); -1 when out of memory. */
static int grow_table(struct mw_scan_cache *c)
{
	struct centry *old = c->tab, *t;
	size_t oldcap = c->cap, oldbytes = c->tab_bytes, i, bytes;

	t = alloc_table(oldcap * 2, &bytes);
	if (!t)
		return -1;
	c->tab = t;
	c->cap = oldcap * 2;
	c->tab_bytes = bytes;
	for (i = 0; i < oldcap; i++)
		if (old[i].extra != FREE_SLOT)
			*slot(c, old[i].dev, old[i].ino) = old[i];
	munmap(old, oldbytes);
	return 0;
}

/*
 * Make a written row visible to mw_cache_lookup() (the long-running watch
 * looks its own files up again). Takes p's strings. -1 when out of memory:
 * the row is then only on disk and the file will be read once more.
 */
static int remember(struct mw_scan_cache *c, struct pending *p)
{
	uint32_t d = fold_dev(p->dev);
	struct centry *e;
	struct cextra *x;

	if (!c->tab)
		return -1;
	if ((c->used + 1) * 4 > c->cap * 3 && grow_table(c) < 0)
		return -1;
	e = slot(c, p->dev, p->ino);
	if (e->extra == FREE_SLOT) {
		c->used++;
		e->extra = 0;
	}
	e->dev = d;
	e->ino = p->ino;
	e->stamp = stamp_of(p->size, p->mtime_ns, p->ctime_ns);
	if (!p->sha256 && !p->findings) {
		if (e->extra) {
			x = &c->extra[e->extra - 1];
			free(x->sha256);
			free(x->findings);
			x->sha256 = x->findings = NULL;
		}
		return 0;
	}
	if (!e->extra) {
		if (c->nextra == c->extra_alloc) {
			size_t na = c->extra_alloc ? c->extra_alloc * 2 : 64;
			struct cextra *nx = realloc(c->extra, na * sizeof(*nx));

			if (!nx) {
				e->stamp = 0;	/* never matches: read again */
				return -1;
			}
			c->extra = nx;
			c->extra_alloc = na;
		}
		c->extra[c->nextra].sha256 = c->extra[c->nextra].findings = NULL;
		e->extra = (uint32_t)++c->nextra;
	}
	x = &c->extra[e->extra - 1];
	free(x->sha256);
	free(x->findings);
	x->sha256 = p->sha256;
	x->findings = p->findings;
	p->sha256 = p->findings = NULL;
	return 0;
}

/* Write the rows of list p in one transaction and free them; with keep,
 * also into the in-memory table. The caller holds c->wlock. */
static enum mw_err write_rows(struct mw_scan_cache *c, struct pending *p, int keep,
			      char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	struct pending *n;
	enum mw_err e = MW_OK;

	if (!p)
		return MW_OK;
	if (exec(c->db, "BEGIN") < 0 ||
	    sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO files(dev, ino, size,"
			       " mtime_ns, ctime_ns, sha256, sigver, findings)"
			       " VALUES(?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "scan cache: %s", sqlite3_errmsg(c->db));
		e = MW_ERR_IO;
	}
	for (; p; p = n) {
		n = p->next;
		if (!e) {
			sqlite3_bind_int64(st, 1, (sqlite3_int64)p->dev);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)p->ino);
			sqlite3_bind_int64(st, 3, p->size);
			sqlite3_bind_int64(st, 4, p->mtime_ns);
			sqlite3_bind_int64(st, 5, p->ctime_ns);
			if (p->sha256)
				sqlite3_bind_text(st, 6, p->sha256, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, 6);
			sqlite3_bind_text(st, 7, c->sigver, -1, SQLITE_STATIC);
			if (p->findings)
				sqlite3_bind_text(st, 8, p->findings, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, 8);
			if (sqlite3_step(st) != SQLITE_DONE) {
				snprintf(err, errlen, "scan cache: %s", sqlite3_errmsg(c->db));
				e = MW_ERR_IO;
			} else {
				c->written++;
			}
			sqlite3_reset(st);
		}
		if (keep)
			(void)remember(c, p);
		free(p->sha256);
		free(p->findings);
		free(p);
	}
	sqlite3_finalize(st);
	if (!e && exec(c->db, "COMMIT") < 0) {
		snprintf(err, errlen, "scan cache: %s", sqlite3_errmsg(c->db));
		e = MW_ERR_IO;
	}
	if (e)
		(void)exec(c->db, "ROLLBACK");
	return e;
}

/* Write the pending rows (write_rows()). */
static enum mw_err write_pending(struct mw_scan_cache *c, int keep, char *err,
				 size_t errlen)
{
	struct pending *p;
	enum mw_err e;

	pthread_mutex_lock(&c->lock);
	p = c->pend;
	c->pend = NULL;
	c->npend = 0;
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_lock(&c->wlock);
	e = write_rows(c, p, keep, err, errlen);
	pthread_mutex_unlock(&c->wlock);
	return e;
}

void mw_cache_stream(struct mw_scan_cache *c)
{
	if (c)
		c->stream = 1;
}

enum mw_err mw_cache_sync(struct mw_scan_cache *c, char *err, size_t errlen)
{
	return c ? write_pending(c, 1, err, errlen) : MW_OK;
}

enum mw_err mw_cache_close(struct mw_scan_cache *c, char *err, size_t errlen)
{
	enum mw_err e;

	if (!c)
		return MW_OK;
	e = write_pending(c, 0, err, errlen);
	if (!e && c->werr) {
		snprintf(err, errlen, "%s", c->werr_msg);
		e = c->werr;
	}
	sqlite3_close(c->db);
	free_table(c);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->wlock);
	free(c->sigver);
	free(c);
	return e;
}

unsigned long mw_cache_loaded(const struct mw_scan_cache *c)
{
	return c ? c->loaded : 0;
}

unsigned long mw_cache_written(const struct mw_scan_cache *c)
{
	return c ? c->written : 0;
}
