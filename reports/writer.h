/*
 * Report writers behind one function table (Redis's habit): text for
 * people, JSON (one document) and JSON lines for machines. The layout of
 * the JSON forms is documented in docs/json-schema.md.
 */
#ifndef MW_WRITER_H
#define MW_WRITER_H

#include <stdio.h>

#include "core/ctx.h"
#include "reports/report.h"

struct mw_write_opts {
	int color;	/* ANSI colour (text only) */
	int quiet;	/* text: findings >= low and errors only */
	const char *host;	/* NULL = gethostname() */
};

struct mw_writer {
	const char *name;
	/* Returns 0, or -1 on a write error (errno set). */
	int (*write)(FILE *out, struct mw_report *r, const struct mw_write_opts *o);
};

extern const struct mw_writer mw_writer_text;
extern const struct mw_writer mw_writer_json;
extern const struct mw_writer mw_writer_jsonl;

const struct mw_writer *mw_writer_for(enum mw_format f);

/*
 * Write r in format f to out and flush. MW_ERR_IO when anything could not be
 * written (closed pipe, full disk): the caller then exits 2.
 */
enum mw_err mw_report_write(struct mw_report *r, enum mw_format f, FILE *out,
			    const struct mw_write_opts *o);

/* ISO 8601 UTC ("2026-11-23T16:35:00Z") into dst (>= 21 bytes). */
void mw_format_time(int64_t t, char *dst, size_t len);

/* The whole report as one JSON document (caller decrefs). */
json_t *mw_report_to_json(struct mw_report *r, const char *host);
/* One finding as a JSON object (caller decrefs). */
json_t *mw_finding_to_json(const struct mw_stored_finding *f);
/*
 * One --format jsonl line as an object (caller decrefs): the "finding"
 * line of f, or with f NULL the closing "summary" line of r. Hooks get
 * the same lines on their stdin.
 */
json_t *mw_report_jsonl_line(struct mw_report *r, const struct mw_stored_finding *f,
			     const char *host);

/*
 * The notes, findings and errors of r as JSON lines (the jsonl writer's
 * "note", "finding" and "error" lines), without data or summary: the
 * watch's stream. Returns 0, or -1 on a write error. Does not flush.
 */
int mw_report_write_items(FILE *out, struct mw_report *r);

#endif
