/*
 * The finding model and the run report. Checks append findings, errors,
 * notes and per-check data; writers (text, JSON, JSON lines) render the
 * report at the end. The report stores strings as the checks gave them
 * (raw bytes from the scanned system); every writer escapes on output
 * (core/escape.h), so code reading the report compares and hashes the
 * original bytes. Thread-safe for appending: scan workers append
 * concurrently; reading, retain and set_detail come after the run.
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
 * Why a finding matters to a host that sends spam, said by the check that
 * makes it (the audit groups findings and writes its plan by it, without
 * looking at other checks' rule ids). Order = order of the audit's causes.
 */
enum mw_cause {
	MW_CAUSE_NONE = 0,	/* not said: counted as "other" */
	MW_CAUSE_MAILER_SENT,	/* audit: a web mailer that sent mail (scan + logs) */
	MW_CAUSE_HIJACKED,	/* audit: SMTP AUTH abuse and a forwarder, one mailbox */
	MW_CAUSE_LISTED,	/* dnsbl: a sending address is listed */
	MW_CAUSE_WEB_MAILER,	/* scan: a PHP mailer */
	MW_CAUSE_WEBSHELL,	/* scan: a webshell */
	MW_CAUSE_LOCAL_SENDER,	/* logs: mail submitted by a local or web user */
	MW_CAUSE_SASL,		/* logs: SMTP AUTH abuse */
	MW_CAUSE_FORWARDER,	/* forwarders: mail leaves by forwarding */
	MW_CAUSE_RELAY,		/* relay: open relay or permissive configuration */
	MW_CAUSE_WEB_MALWARE,	/* scan: another suspicious file in a web root */
	MW_CAUSE_REJECTIONS,	/* logs: remote servers refuse our mail */
	MW_CAUSE_FIREWALL,	/* firewall: the SMTP egress policy */
	MW_CAUSE_MAIL_AUTH,	/* reputation: SPF/DKIM/DMARC/PTR/HELO receivers refuse */
	MW_CAUSE_OTHER,
	MW_CAUSE__COUNT
};

/*
 * A cause's stable name, the same everywhere it is written: the audit's
 * causes (data.audit.causes[].cause), a rule file's `cause:` key, the
 * scan cache. NULL for MW_CAUSE_NONE and out-of-range values.
 * mw_cause_parse: the cause named by the n bytes at s, MW_CAUSE_NONE when
 * none is.
 */
const char *mw_cause_name(enum mw_cause c);
enum mw_cause mw_cause_parse(const char *s, size_t n);
/* Its heading in the audit ("webshells in web roots"); NULL as above. */
const char *mw_cause_title(enum mw_cause c);

/*
 * What a check fills in to report a finding; mw_report_add copies it.
 * Only check, rule_id, severity and title are required; NULL/0 = absent.
 */
struct mw_finding {
	const char *check;	/* "scan", "forwarders", "relay", ... */
	const char *rule_id;	/* stable id, e.g. "mailer.post-recipients" */
	enum mw_severity severity;
	enum mw_cause cause;	/* MW_CAUSE_NONE when it is none of them */
	const char *title;	/* one line, what was found */
	const char *family;	/* e.g. "mailer/leaf" */
	/* evidence */
	const char *path;
	unsigned long line;
	const char *ip;
	const char *list;	/* DNSBL zone, blocklist name */
	const char *const *log_lines;
	size_t n_log_lines;
	const char *excerpt;	/* raw text (escaped by the writers) */
	const char *remediation;
	/* a mail login this finding says may be in other hands (a user's own
	 * filter forwarding out): the audit plans a password reset for it.
	 * Said by the check, so that the audit never reads rule ids. */
	const char *account;
	struct mw_file_meta file;
	json_t *details;	/* optional object; the report takes a reference */
};

/* A finding as stored (raw copies; writers escape what they print). */
struct mw_stored_finding {
	char *check, *rule_id, *title, *family, *path, *ip, *list;
	char *excerpt, *remediation, *account;
	char **log_lines;
	size_t n_log_lines;
	unsigned long line;
	enum mw_severity severity;
	enum mw_cause cause;
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

/*
 * Append a finding (deep copy; details are copied, the caller keeps its
 * reference). MW_ERR_LIMIT past MW_MAX_REPORT_FINDINGS, MW_ERR_NOMEM when
 * out of memory; either way the run is marked incomplete (exit 2), so a
 * caller may ignore the result without a lost finding passing as clean.
 */
enum mw_err mw_report_add(struct mw_report *r, const struct mw_finding *f);

/*
 * Record an error: the run goes on but will exit 2. path/line may be
 * NULL/0. The message is printf-formatted (at most 2047 bytes kept).
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
 * when renderer is NULL. Steals the reference. Strings may hold any bytes
 * (mw_json_raw); the writers escape them, and hand renderers an escaped
 * copy.
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
/*
 * Keep the findings for which keep(arg, i, f) returns nonzero, in place;
 * i is the finding's index in the sorted order before the call. Returns
 * the number removed. For the audit's filters (nightly: only new ones).
 */
typedef int (*mw_finding_keep)(void *arg, size_t i, const struct mw_stored_finding *f);
size_t mw_report_retain(struct mw_report *r, mw_finding_keep keep, void *arg);

/*
 * Set details.key of finding i (sorted order) to value (stolen; created
 * with mw_json_raw for raw bytes), creating details when absent.
 * MW_ERR_NOMEM when it could not be set.
 */
enum mw_err mw_report_set_detail(struct mw_report *r, size_t i, const char *key,
				 json_t *value);

/*
 * Stable identity of a finding across runs: 16 hex digits of a 64-bit
 * FNV-1a hash over check, rule id, path, ip, list and the identifying
 * detail keys (owner, destination, source, user, uid, sasl_username, list,
 * mx, key), each in its escaped form as the writers show it — never over
 * counts, lines or titles, which change between runs.
 */
#define MW_FINDING_ID_LEN	17	/* 16 hex digits + NUL */
void mw_finding_id(const struct mw_stored_finding *f, char out[MW_FINDING_ID_LEN]);

/* The same for an error (check, path, line, message), so that a nightly
 * run can tell a new error from one it has reported before. */
void mw_error_id(const struct mw_report_error *e, char out[MW_FINDING_ID_LEN]);

/*
 * The finding codec of the scan cache: rule_id, severity, cause (by
 * name), title, family, line, excerpt, remediation and details of f as a
 * JSON object that
 * json_dumps writes and json_loads reads back unchanged (text that is not
 * UTF-8 is stored hex-encoded). check, path and file metadata are the
 * cache's own. NULL when out of memory.
 */
json_t *mw_finding_encode(const struct mw_finding *f);

#define MW_FINDING_CODEC_STRINGS 5
struct mw_finding_codec_buf {
	char *own[MW_FINDING_CODEC_STRINGS];	/* decoded bytes, malloc'd */
};

/*
 * Fill the fields of f that mw_finding_encode wrote from j; the strings
 * point into j or into b (free with mw_finding_codec_buf_free once f has
 * been added). Returns 0, or -1 when j holds no rule_id or title.
 */
int mw_finding_decode(const json_t *j, struct mw_finding *f, struct mw_finding_codec_buf *b);
void mw_finding_codec_buf_free(struct mw_finding_codec_buf *b);

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

/* Escape every string and key in a JSON value, recursively (a new ref,
 * NULL when out of memory): what the writers show of data and details. */
json_t *mw_json_escaped(const json_t *v);

/*
 * A JSON string holding raw bytes (a path need not be UTF-8; json_string()
 * would return NULL and the value vanish), json null for NULL. For details
 * and data handed to the report, which the writers escape; never dumped
 * as is.
 */
json_t *mw_json_raw(const char *s);

/* Severity of the highest finding, or -1 when none. */
int mw_report_max_severity(const struct mw_report *r);

#endif
