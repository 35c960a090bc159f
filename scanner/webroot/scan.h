/*
 * The web-root scan: walk (walk.h), classify (classify.h), match
 * (signatures/sig.h), report findings with file metadata, optionally
 * quarantine (quarantine.h) and remember unchanged files (cache.h).
 * Used by `mailwarden scan` and by the audit.
 */
#ifndef MW_SCAN_H
#define MW_SCAN_H

#include <stddef.h>

#include "core/buf.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/strlist.h"

#define MW_SCAN_MAX_ERRORS	1000	/* per-file errors kept in the report */
#define MW_SCAN_MAX_SYMLINK_NOTES 20	/* symlinks listed as notes */
#define MW_SCAN_MAX_SYMLINK_DATA 1000	/* symlinks listed in data.scan */
#define MW_SCAN_MAGIC_BYTES	16384	/* bytes shown to libmagic */
#define MW_SCAN_MAX_HITS	64	/* rule matches kept per file */
#define MW_SCAN_PROGRESS_EVERY	256	/* files between progress updates */
#define MW_SCAN_CHUNK		(128 * 1024)	/* streaming read of non-PHP names */
#define MW_SCAN_CARRY		512	/* bytes kept between chunks */

struct mw_scan_opts {
	struct mw_strlist roots;	/* empty = auto-detect, unless explicit_roots */
	int explicit_roots;		/* PATHs or --files-from given: an empty
					 * list scans nothing */
	const char *files_from;		/* --files-from FILE, for the report */
	size_t noperands;		/* roots.v[0..noperands) came from argv,
					 * the rest from --files-from */
	struct mw_strlist exclude;	/* besides config exclude */
	const char *signatures;		/* --signatures, NULL = default */
	unsigned threads;		/* 0 = config, then cores */
	size_t max_file_size;		/* 0 = config */
	int cross_filesystems;		/* or config */
	int incremental;
	int quarantine;
};

/*
 * Run the scan into report (check "scan", data section "scan"). Returns
 * MW_OK when the scan ran (findings and per-file errors are in the report),
 * or an error via mw_fail() when it could not start (no rules, no root).
 * ctx->report points at report during the call.
 */
enum mw_err mw_scan_run(struct mw_ctx *ctx, const struct mw_scan_opts *o,
			struct mw_report *report);

/*
 * Append to b the command line equivalent to o ("scan --incremental /srv"),
 * for the audit's table of checks. Values are not quoted.
 */
enum mw_err mw_scan_opts_describe(const struct mw_scan_opts *o, struct mw_buf *b);

/*
 * A scan kept open for one file at a time: the watch (scanner/watch/).
 * The same rules, classification, findings and quarantine as the run
 * above; the incremental cache is always open and is the memory of what
 * was reported: a file the cache knows unchanged (device, inode, size,
 * mtime, ctime) is skipped without a finding, so a finding is reported
 * once per version of a file, across restarts and with the nightly scan.
 */
struct mw_scan_session;

/*
 * Load rules, roots (o->roots, or the detected ones), exclusions and the
 * cache (o->incremental is implied). Notes and errors go to report.
 * Returns MW_OK, or an error via mw_fail() (no rules). Not thread-safe:
 * one caller thread.
 */
enum mw_err mw_scan_session_open(struct mw_ctx *ctx, const struct mw_scan_opts *o,
				 struct mw_report *report,
				 struct mw_scan_session **out);

/* The roots being scanned (absolute, resolved). */
const struct mw_strlist *mw_scan_session_roots(const struct mw_scan_session *ss);

/* 1 when path is excluded by configuration or --exclude. */
int mw_scan_session_excluded(const struct mw_scan_session *ss, const char *path);

/*
 * Scan name in directory dirfd (path: how the report names it) into
 * report: opened without following symlinks and without blocking, regular
 * files only, a vanished file is no error. Returns 1 when the file was
 * read, 0 when it was skipped (unchanged since the cache saw it, not a
 * regular file, gone, on another filesystem).
 */
int mw_scan_session_file(struct mw_scan_session *ss, struct mw_report *report,
			 int dirfd, const char *name, const char *path);

/*
 * Walk paths[0..n) (n 0: every root) again, after lost events or for a
 * directory moved in: files the cache knows unchanged cost a stat and say
 * nothing. *files counts the files seen.
 */
enum mw_err mw_scan_session_rescan(struct mw_scan_session *ss, struct mw_report *report,
				   const char *const *paths, size_t n,
				   unsigned long *files);

/* Do not quarantine path after all (its findings were acknowledged). */
void mw_scan_session_spare(struct mw_scan_session *ss, const char *path);

/*
 * Quarantine what the files scanned since the last call earned (with
 * o->quarantine; notes and errors into report) and write the cache rows:
 * call after reporting the findings, so that a crash in between reports a
 * finding twice rather than never.
 */
void mw_scan_session_commit(struct mw_scan_session *ss, struct mw_report *report);

/* Commit and release; NULL is fine. */
void mw_scan_session_close(struct mw_scan_session *ss, struct mw_report *report);

#endif
