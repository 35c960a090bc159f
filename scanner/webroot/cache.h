/*
 * Incremental scan cache: one SQLite file under state_dir
 * (scan-cache.sqlite, 0600) with a row per scanned file keyed by
 * (device, inode): size, mtime, ctime (ns), sha256 when known, the
 * signature-set version and the findings of that file as JSON. A file
 * whose row matches is not read again; its findings are replayed.
 *
 * The whole table is loaded into an open-addressing hash at start so that
 * lookups from worker threads are lock-free reads; new and changed rows are
 * collected (locked) and written back in one transaction at the end.
 */
#ifndef MW_SCAN_CACHE_H
#define MW_SCAN_CACHE_H

#include <stdint.h>
#include <sys/stat.h>

#include "core/error.h"

#define MW_CACHE_FILE		"scan-cache.sqlite"
#define MW_CACHE_SCHEMA		"3"	/* 3: findings in mw_finding_encode form, with their cause */
#define MW_CACHE_MAX_ROWS	(8u << 20)

struct mw_scan_cache;

/*
 * Open (create) the cache in state_dir for signature-set version sigver
 * (hex). A cache written for another version, with another schema or that
 * SQLite cannot read is cleared; *note (static string or NULL) says why.
 * Returns MW_ERR_IO when state_dir cannot be created or the database file
 * cannot be written (errno/err set); the scan then runs without a cache.
 */
enum mw_err mw_cache_open(const char *state_dir, const char *sigver,
			  struct mw_scan_cache **out, const char **note,
			  char *err, size_t errlen);

/*
 * Look up st (dev, ino, size, mtime, ctime). Returns 1 and sets *findings
 * (JSON text or NULL when the file had none; owned by the cache) and
 * *sha256 (hex or NULL) when the file is unchanged; 0 otherwise.
 * Thread-safe against other lookups and mw_cache_put.
 */
/* Fetch the table slot of (dev, ino) into the CPU cache ahead of a lookup
 * (the table is probed at random: a miss costs more than the probe). */
void mw_cache_prefetch(const struct mw_scan_cache *c, uint64_t dev, uint64_t ino);
int mw_cache_lookup(struct mw_scan_cache *c, const struct stat *st,
		    const char **findings, const char **sha256);

/*
 * For a one-shot scan: from now on the rows put are written every
 * MW_CACHE_BATCH of them (by the worker whose put fills the batch) and
 * not kept for mw_cache_lookup(), so memory does not grow with the tree
 * (a first --incremental run of 366k files held 74 MB, 29 of them rows
 * waiting). A failed batch write is returned by mw_cache_close().
 */
#define MW_CACHE_BATCH		16384
void mw_cache_stream(struct mw_scan_cache *c);

/* Remember a scanned file (copies the strings). Thread-safe. */
enum mw_err mw_cache_put(struct mw_scan_cache *c, const struct stat *st,
			 const char *sha256, const char *findings);

/*
 * Write the rows remembered so far in one transaction and make them
 * visible to mw_cache_lookup() (a long-running caller, the watch, looks
 * the files it just read up again). Not thread-safe against put/lookup.
 */
enum mw_err mw_cache_sync(struct mw_scan_cache *c, char *err, size_t errlen);

/* Write the remembered rows in one transaction and close. */
enum mw_err mw_cache_close(struct mw_scan_cache *c, char *err, size_t errlen);

/* Rows loaded at open / written at close. */
unsigned long mw_cache_loaded(const struct mw_scan_cache *c);
unsigned long mw_cache_written(const struct mw_scan_cache *c);

#endif
