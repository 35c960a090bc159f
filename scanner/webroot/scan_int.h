/*
 * Internals of the scan (scan.h has the contract), shared by its files:
 *   scan.c         the walk's callbacks, matching, findings, the run
 *   scan_read.c    opening and reading a candidate (caps, tags, classify)
 *   scan_roots.c   which roots and exclusions a run gets
 *   scan_render.c  the text view of data.scan
 * Nothing outside scanner/webroot/scan*.c includes this header.
 */
#ifndef MW_SCANNER_WEBROOT_SCAN_INT_H
#define MW_SCANNER_WEBROOT_SCAN_INT_H

#include <jansson.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/ctx.h"
#include "core/strset.h"
#include "reports/report.h"
#include "scanner/tamper/tamper.h"
#include "scanner/webroot/classify.h"
#include "scanner/webroot/cache.h"
#include "scanner/webroot/scan.h"
#include "scanner/webroot/walk.h"
#include "core/limits.h"
#include "signatures/sig.h"

#define CHECK "scan"

/* A file to quarantine once the walk is over. */
struct qitem {
	struct qitem *next;
	char *path, *sha256, *rules;
	uint64_t hashed;	/* bytes sha256 covers, 0 = whole file */
	dev_t dev;
	ino_t ino;
};

struct scan {
	struct mw_ctx *ctx;
	const struct mw_sig_db *db;
	struct mw_tamper_table *tamper;	/* NULL: no tamper.table */
	const struct mw_strlist *roots;
	struct mw_scan_cache *cache;
	size_t cap;
	int cross_fs;
	int quarantine;
	int silent_cached;		/* the watch: a file the cache knows was
					 * reported before; no replay */
	enum mw_severity qmin;
	struct mw_scan_dedup *dedup;	/* one-shot runs: results by content */
	pthread_mutex_t lock;		/* lists and json below */
	json_t *symlinks;
	struct qitem *qlist;
	unsigned long errors_reported;
	double slowest_ms;
	char *slowest_rule, *slowest_file;
	/* counters, atomics */
	unsigned long candidates, by_ext, by_tag, not_candidates, bytes,
		      cached, truncated, unreadable, findings, other_fs_files,
		      processed, magic_calls, limit_faults, vanished;
};

struct hit {
	const struct mw_sig_rule *rule;
	size_t offset;
	unsigned long line;
	int view;		/* MW_SIG_VIEW_* of the pattern that placed it */
	char layer[256];	/* decoders of a layer it was found in, or "" */
};

struct scan_ts {
	struct scan *s;
	struct mw_sig_scratch *sc;
	struct mw_buf buf;
	char *chunk;		/* MW_SCAN_CARRY + MW_SCAN_CHUNK */
	magic_t magic;
	int magic_failed;
	struct hit hits[MW_SCAN_MAX_HITS];
	unsigned nhits;
	const char *cur_path;
	unsigned long faults;	/* PCRE2 limit hits reported by this thread */
	unsigned long local_files;
	char sha[65];		/* file.sha256 of the last match, for the cache */
};

/* What a run holds besides struct scan: the rules and the paths. */
struct scan_env {
	struct mw_strlist roots, exclude;
	struct mw_sig_set set;
	struct mw_sig_db *db;
	char dir[MW_MAX_PATH];		/* signatures directory */
	char ver[65];			/* signature set version (hex) */
	unsigned threads;
};

#define ADD(s, field, n) __atomic_add_fetch(&(s)->field, (n), __ATOMIC_RELAXED)

/* scan.c: the run in parts, for scan_session.c */

/*
 * Load the rules, the tamper table, the roots (into data.roots), the
 * cache when o->incremental, and the exclusions: s and env ready for
 * mw_walk() with mw_scan_walk_ops, or for mw_scan_file() one by one.
 * Returns MW_OK, or an error via mw_fail() (no rules); then nothing is held.
 */
enum mw_err mw_scan_begin(struct mw_ctx *ctx, const struct mw_scan_opts *o,
			  struct scan *s, struct scan_env *env, json_t *data);
/* Release what mw_scan_begin() took (the cache is written first; its
 * errors go to ctx->report). */
void mw_scan_end(struct mw_ctx *ctx, struct scan *s, struct scan_env *env);
extern const struct mw_walk_ops mw_scan_walk_ops;
/* Quarantine what the matching queued (s->qlist); returns how many. */
unsigned long mw_scan_run_quarantine(struct scan *s);

/* scan_dedup.c: the hits of buffers matched before in this run, by the
 * SHA-256 of their bytes (see there). Thread-safe. */
struct mw_scan_dedup;
struct mw_scan_dedup *mw_scan_dedup_new(void);
void mw_scan_dedup_free(struct mw_scan_dedup *d);
/* SHA-256 of buf into key; -1 on a libcrypto failure (then no reuse). */
int mw_scan_dedup_key(const char *buf, size_t len, unsigned char key[32]);
/* 1 and the kept hits (up to MW_SCAN_MAX_HITS) and caps if key is known. */
int mw_scan_dedup_get(struct mw_scan_dedup *d, const unsigned char key[32],
		      struct hit *hits, unsigned *nhits, unsigned *caps);
/* Keep the result of a match that hit no PCRE2 limit (bounded; may not). */
void mw_scan_dedup_put(struct mw_scan_dedup *d, const unsigned char key[32],
		       const struct hit *hits, unsigned nhits, unsigned caps);
/* How many lookups found a result. */
unsigned long mw_scan_dedup_reused(const struct mw_scan_dedup *d);

/* scan_read.c */
enum mw_err mw_scan_open_regular(int dirfd, const char *name, int *fd_out,
				 struct stat *st);
enum mw_err mw_scan_open_plain(int dirfd, const char *name, int *fd_out);
enum mw_err mw_scan_read_classify(struct scan_ts *ts, int fd, const char *name,
				  struct stat *st, int *have_st, size_t cap,
				  enum mw_php_class *cls, int *truncated,
				  size_t *nread);

/* scan_roots.c */
void mw_scan_load_exclude(struct mw_strlist *dst, const struct mw_strlist *a,
			  const struct mw_strlist *b);
void mw_scan_exclude_own_dirs(struct mw_ctx *ctx, const struct mw_strlist *roots,
			      struct mw_strlist *exclude);
int mw_scan_collect_roots(struct mw_ctx *ctx, const struct mw_scan_opts *o,
			  struct mw_strlist *roots, json_t *jroots);

/* scan_render.c */
int mw_scan_render(FILE *out, const json_t *d, int color);

#endif
