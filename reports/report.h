/*
 * The finding model and the run report. Checks append findings, errors,
 * notes and per-check data; writers (text, JSON, JSON lines) render the
 * report at the end. Every string is escaped (core/escape.h) when it enters
 * the report, so writers print what they hold. Thread-safe: scan workers
 * append concurrently.
 */
#ifndef MW_REPORT_H
#define MW_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/ctx.h"
#include "core/error.h"
#include "core/severity.h"

/* Version of the JSON document layout (docs/json-schema.md). */
#define MW_REPORT_SCHEMA "mailwarden.report/1"

struct mw_file_meta {
	int valid;		/* 1 when the fields below are set */
	char sha256[65];	/* hex, "" when not computed */
	uid_t uid;
	gid_t gid;
	mode_t mode;
	int64_t mtime;		/* seconds since the epoch */
	int64_t size;
};

/*
 * What a check fills in to report a finding; mw_report_add copies it.
 * Only check, rule_id, severity and title are required; NULL/0 = absent.
 */
struct mw_finding {
	const char *check;	/* "scan", "forwarders", "relay", ... */
	const char *rule_id;	/* stable id, e.g. "mailer.post-recipients" */
	enum mw_severity severity;
	const char *title;	/* one line, what was found */
	const char *family;	/* e.g. "mailer/leaf" */
	/* evidence */
	const char *path;
	unsigned long line;
	const char *ip;
	const char *list;	/* DNSBL zone, blocklist name */
	const char *const *log_lines;
	size_t n_log_lines;
	const char *excerpt;	/* raw text (escaped on add) */
	const char *remediation;
	struct mw_file_meta file;
	json_t *details;	/* optional object; the report takes a reference */
};

/* A finding as stored (escaped copies; read-only for writers). */
struct mw_stored_finding {
	char *check, *rule_id, *title, *family, *path, *ip, *list;
	char *excerpt, *remediation;
	char **log_lines;
	size_t n_log_lines;
	unsigned long line;
	enum mw_severity severity;
	struct mw_file_meta file;
	char *owner, *group;	/* names for file.uid/gid */
	json_t *details;
	unsigned long seq;	/* order of arrival, for stable sorting */
};

struct mw_report_error {
	char *check, *path, *message;
	unsigned long line;
	enum mw_err code;
};

struct mw_report_note {
	char *check, *text;
};

/* Renders a check's data section in text mode (optional). */
typedef int (*mw_text_renderer)(FILE *out, const json_t *data, int color);

struct mw_report;

struct mw_report *mw_report_new(const char *command);
void mw_report_free(struct mw_report *r);

/* Append a finding (deep copy). MW_ERR_LIMIT past MW_MAX_REPORT_FINDINGS. */
enum mw_err mw_report_add(struct mw_report *r, const struct mw_finding *f);

/*
 * Record an error: the run goes on but will exit 2. path/line may be
 * NULL/0. The message is printf-formatted, then escaped.
 */
void mw_report_error(struct mw_report *r, const char *check, const char *path,
		     unsigned long line, enum mw_err code, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* An informational line ("document root /var/www (apache: DocumentRoot)"). */
void mw_report_note(struct mw_report *r, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Attach structured data for a check (aggregates, inventories, tables):
 * emitted under "data"."check" in JSON; in text by renderer, or generically
 * when renderer is NULL. Steals the reference; strings are escaped.
 */
void mw_report_set_data(struct mw_report *r, const char *check, json_t *data,
			mw_text_renderer renderer);

/* Mark the run incomplete (e.g. interrupted): exit code becomes 2. */
void mw_report_set_incomplete(struct mw_report *r, const char *why);

/*
 * --min-severity: remove the findings below min (after the run, so that the
 * audit has correlated them), count them and say so in a note. The exit
 * status and every writer then see only what is left.
 */
void mw_report_hide_below(struct mw_report *r, enum mw_severity min);
/* Findings removed by mw_report_hide_below, and its level (info = none). */
size_t mw_report_hidden(const struct mw_report *r, enum mw_severity *min);

/* Fixed timestamps for reproducible output (tests). */
void mw_report_set_times(struct mw_report *r, int64_t started, int64_t finished);
void mw_report_finish(struct mw_report *r);

/* 0 clean, 1 findings of severity >= low, 2 errors/incomplete. */
int mw_report_exit_code(const struct mw_report *r);

/* Accessors for writers and tests. Findings are sorted on first call
 * (severity desc, check, path, line, arrival). */
size_t mw_report_nfindings(const struct mw_report *r);
const struct mw_stored_finding *mw_report_finding(struct mw_report *r, size_t i);
size_t mw_report_nerrors(const struct mw_report *r);
const struct mw_report_error *mw_report_get_error(const struct mw_report *r, size_t i);
size_t mw_report_nnotes(const struct mw_report *r);
const struct mw_report_note *mw_report_get_note(const struct mw_report *r, size_t i);
size_t mw_report_count_severity(const struct mw_report *r, enum mw_severity s);
const char *mw_report_command(const struct mw_report *r);
const char *mw_report_incomplete(const struct mw_report *r);
int64_t mw_report_started(const struct mw_report *r);
int64_t mw_report_finished(const struct mw_report *r);
/* Data sections in insertion order. */
size_t mw_report_nsections(const struct mw_report *r);
const char *mw_report_section(const struct mw_report *r, size_t i,
			      const json_t **data, mw_text_renderer *renderer);
/* Data of one check, or NULL. */
const json_t *mw_report_data(const struct mw_report *r, const char *check);

/* Escape every string in a JSON value, recursively (returns a new ref). */
json_t *mw_json_escaped(const json_t *v);

/*
 * A JSON string holding raw bytes (a path need not be UTF-8; json_string()
 * would return NULL and the value vanish). Only for data handed to
 * mw_report_set_data(), which escapes it once; never dumped as is.
 */
json_t *mw_json_raw(const char *s);

/* Severity of the highest finding, or -1 when none. */
int mw_report_max_severity(const struct mw_report *r);

#endif
