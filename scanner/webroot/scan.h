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

#endif
