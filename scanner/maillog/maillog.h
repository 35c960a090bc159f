/*
 * Mail-log forensics: line parsers, the aggregator and the readers behind
 * `mailwarden logs`. Everything here works on borrowed slices of one line
 * (struct ml_str points into the caller's buffer); nothing is kept past the
 * call unless copied into a capped table. Memory is bounded by the limits
 * below, whatever the size of the logs.
 */
#ifndef MW_MAILLOG_H
#define MW_MAILLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/strlist.h"

/*
 * Limits of the module (see core/limits.h for the shared ones). With every
 * table full of the largest records the aggregates take about 60 MiB; a
 * real log stays far below (41 MiB peak RSS on the 2 GB benchmark).
 * Counts past a cap are reported as such ("saturated", "truncated").
 */
#define ML_MAX_LINE		MW_MAX_LINE	/* longer lines are cut and counted */
#define ML_READ_CHUNK		(1u << 20)	/* bytes per read() / gzread() */
/* A rotated .gz is inflated up to ML_MAX_INFLATED bytes, and past
 * ML_GZIP_RATIO_AFTER only while it stays under ML_MAX_GZIP_RATIO (mail
 * logs compress 10-30x; zeros, a bomb's filler, ~1000x): a 10 GiB bomb
 * took 23 s and would have counted as a clean log. */
#define ML_MAX_INFLATED		(8ull << 30)
#define ML_MAX_GZIP_RATIO	200
#define ML_GZIP_RATIO_AFTER	(64u << 20)
#define ML_MAX_KEY		127		/* stored key bytes (sender, user, ip) */
#define ML_MAX_KEYS		20000		/* distinct keys per aggregate table */
#define ML_MAX_SASL_USERS	2000		/* SASL users tracked (records are larger) */
#define ML_MAX_USERS		1000		/* local submitters tracked */
#define ML_MAX_SCRIPT_KEYS	2000		/* script paths tracked */
#define ML_MAX_QUEUE		32768		/* queue ids joined at a time */
#define ML_QUEUE_MAX_AGE	(7 * 86400)	/* a queue id older than this is dropped */
#define ML_MAX_HOURS		(24 * 400)	/* hourly buckets kept */
#define ML_MAX_DOMAINS		512		/* distinct recipient domains per user */
#define ML_MAX_SCRIPT_DOMAINS	256		/* ... per PHP mail.log script */
#define ML_MAX_SASL_IPS		128		/* distinct IPs per SASL user */
#define ML_MAX_SCRIPTS		8		/* script paths / cwds kept per user */
#define ML_MAX_SCRIPT_LEN	256		/* bytes kept of such a path */
#define ML_MAX_SAMPLES		3		/* log lines kept as evidence */
#define ML_MAX_SAMPLE_LEN	512		/* bytes of such a line */
#define ML_TOP			20		/* entries in each top list */
#define ML_MAX_CWD_PIDS		256		/* Exim cwd= lines awaiting their <= */
#define ML_MAX_FINDINGS_PER_KIND 50		/* findings of one rule */

/* Thresholds of the findings. */
#define ML_WEB_MEDIUM_MESSAGES	10	/* below this and ML_WEB_MEDIUM_DOMAINS: info */
#define ML_WEB_MEDIUM_DOMAINS	5
#define ML_WEB_HIGH_MESSAGES	100	/* at or above: high */
#define ML_WEB_HIGH_DOMAINS	20
#define ML_SASL_WINDOW		3600	/* seconds of the many-IPs window */
#define ML_SASL_RING		64	/* recent logins remembered per user */
#define ML_SASL_MANY_IPS	10	/* distinct IPs in the window: high */
#define ML_SASL_MANY_NETS	5	/* or distinct /16 (IPv4) or /32 (IPv6) networks */
#define ML_STUFFING_FAILURES	5	/* failures before a success: high */
#define ML_RELAY_LOW_ATTEMPTS	100	/* relay refusals at or above: low, else info */
#define ML_DEFERRED_GROWTH	50	/* deferred messages open at the end: medium */

/* A slice of a line. */
struct ml_str {
	const char *p;
	size_t n;
};

/* The decimal number in s (digits only, at most 10^9), or -1. */
long mw_ml_str_long(struct ml_str s);

/* --- timestamps ---------------------------------------------------------- */

/*
 * What a timestamp without year or zone needs: classic syslog lines
 * ("Nov 23 10:00:01") take their year from the file's mtime (a month after
 * the mtime's month belongs to the year before) and the local zone offset.
 */
struct ml_clock {
	int ref_year;		/* e.g. 2026 */
	int ref_month;		/* 1..12 */
	long tz_offset;		/* seconds east of UTC for zone-less stamps */
};

/* Seconds since the epoch of a UTC civil time (no range checks beyond
 * what the parsers guarantee). */
int64_t mw_ml_civil_to_epoch(int y, int mon, int d, int h, int mi, int s);

/* --- syslog prefix ------------------------------------------------------- */

struct ml_syslog {
	int64_t time;		/* UTC seconds */
	struct ml_str host;
	struct ml_str ident;	/* "postfix/smtpd" */
	long pid;		/* -1 when absent */
	struct ml_str msg;	/* after "]: " or ": " */
};

/*
 * Parse a syslog-style line: classic "Mmm dd hh:mm:ss host ident[pid]: msg"
 * (also with fractional seconds, as postlogd and `journalctl -o short-precise`
 * write), RFC 3339 "2026-11-23T10:00:01.123456+01:00 host ..." (rsyslog) and
 * `journalctl -o short-iso` "2026-11-23T10:00:01+0100 host ...".
 * Returns 0 and fills out, or -1 when the line is not of that shape.
 */
int mw_ml_parse_syslog(const char *line, size_t n, const struct ml_clock *clk,
		    struct ml_syslog *out);

/* --- Postfix ------------------------------------------------------------- */

enum ml_pf_kind {
	PF_OTHER = 0,	/* understood shape, nothing to count */
	PF_PICKUP,	/* QID: uid=N from=<s> */
	PF_CLIENT,	/* smtpd QID: client=host[ip], sasl_method=, sasl_username= */
	PF_QMGR_FROM,	/* qmgr QID: from=<s>, size=, nrcpt=N (queue active) */
	PF_QMGR_EXPIRED,/* qmgr QID: from=<s>, status=expired, returned to sender */
	PF_REMOVED,	/* qmgr QID: removed */
	PF_DELIVERY,	/* smtp/local/... QID: to=<r>, relay=, status=X (reply) */
	PF_HEADER,	/* cleanup QID: warning|info: header NAME: VALUE from ...; */
	PF_REJECT,	/* smtpd NOQUEUE|QID: reject: RCPT from host[ip]: reply; from= to= */
	PF_SASL_FAIL,	/* smtpd warning: host[ip]: SASL X authentication failed: ... */
};

struct ml_pf_event {
	enum ml_pf_kind kind;
	struct ml_str service;	/* "smtpd" (after "postfix.../") */
	struct ml_str qid;	/* empty for NOQUEUE and non-queue lines */
	long uid;		/* PF_PICKUP; -1 when absent */
	struct ml_str from;	/* envelope sender without <> ("" = null sender) */
	struct ml_str to;	/* recipient without <> */
	struct ml_str orig_to;	/* PF_DELIVERY: the recipient before aliasing or
				 * forwarding ("" = same as to) */
	struct ml_str relay;	/* "mx.example.com[192.0.2.1]:25" */
	struct ml_str status;	/* "sent", "deferred", "bounced", ... */
	struct ml_str reply;	/* text in parentheses after status, or reject text */
	struct ml_str client_host, client_ip;
	struct ml_str sasl_method, sasl_user;
	struct ml_str header_name, header_value;
	long nrcpt;
	int is_client_side;	/* delivery by smtp/lmtp: the reply is a remote MX's */
};

/*
 * Parse the message of a Postfix log line (ident "postfix/SERVICE" or
 * "postfix-INSTANCE/SERVICE"; pass the syslog ident and message).
 * Returns 0 (ev filled, slices into msg) or -1 when the message is
 * malformed (e.g. a queue-id line whose known field is cut off).
 */
int mw_ml_parse_postfix(struct ml_str ident, struct ml_str msg,
		     struct ml_pf_event *ev);

/* 1 when ident is Postfix's ("postfix/x", "postfix-out/x"). */
int mw_ml_is_postfix_ident(struct ml_str ident);

/* --- Exim ---------------------------------------------------------------- */

enum ml_ex_kind {
	EX_OTHER = 0,
	EX_ARRIVAL,	/* ID <= sender ... */
	EX_DELIVERY,	/* ID => rcpt ... or ID -> rcpt */
	EX_FAIL,	/* ID ** rcpt ...: reply */
	EX_DEFER,	/* ID == rcpt ...: reply */
	EX_COMPLETED,	/* ID Completed */
	EX_CWD,		/* cwd=DIR N args: ... */
	EX_RELAY_DENIED,/* H=... [ip] F=<s> rejected RCPT <r>: relay not permitted */
	EX_AUTH_FAIL,	/* NAME authenticator failed for ... [ip]: 535 ... (set_id=u) */
};

struct ml_ex_event {
	enum ml_ex_kind kind;
	int64_t time;		/* when the line had a timestamp */
	int has_time;		/* 1 when it had one */
	int time_has_zone;	/* 0: local time, the caller applies its offset */
	long pid;		/* [pid], -1 when absent */
	struct ml_str id;	/* message id */
	struct ml_str addr;	/* sender (<=) or recipient */
	struct ml_str user;	/* U= */
	struct ml_str auth;	/* A=name:user -> "user" part ("" when absent) */
	struct ml_str host;	/* H= name (may be empty) */
	struct ml_str ip;	/* from H=... [ip] */
	struct ml_str proto;	/* P= */
	struct ml_str cwd;	/* cwd= */
	struct ml_str rcpts;	/* "for a@b c@d" list */
	struct ml_str reply;	/* error text of ** and == lines */
};

/*
 * Parse an Exim main log line. With with_time the line starts with
 * "YYYY-MM-DD HH:MM:SS[.mmm][ +ZZZZ] [pid] "; without, it is a syslog
 * message body of ident "exim"/"exim4" ("[pid] " optional).
 * Returns 0 (ev filled) or -1 when malformed.
 */
int mw_ml_parse_exim(const char *line, size_t n, int with_time,
		  struct ml_ex_event *ev);

/* 1 when the line starts like an Exim main log line (date, space, time). */
int mw_ml_looks_exim(const char *line, size_t n);

/* --- PHP mail.log -------------------------------------------------------- */

struct ml_php_event {
	struct ml_str script;	/* /var/www/site/x.php */
	long script_line;
	struct ml_str to;	/* recipient list as logged */
	int64_t time;		/* of "[23-Nov-2026 10:00:01 UTC]", UTC seconds */
	int has_time;		/* 0: no stamp at the start of the line */
	int time_is_utc;	/* the zone was UTC (else: local time) */
};

/* Find "mail() on [PATH:LINE]: To: ..." in a line; 0 found, -1 not. */
int mw_ml_parse_php_mail(const char *line, size_t n, struct ml_php_event *ev);

/* --- blocklist replies --------------------------------------------------- */

/*
 * Does a remote reply say that we are blocklisted? Returns 1 and writes the
 * list's name ("zen.spamhaus.org", "spamhaus", "b.barracudacentral.org",
 * "unknown") into list, else 0.
 */
int mw_ml_reply_blocklist(const char *reply, size_t n, char *list, size_t listlen);

/* A refusal or deferral by a big mailbox provider (provider_reply.c). */
struct ml_provider_hit {
	const char *provider;	/* "Gmail", "Yahoo/AOL", "Microsoft", ... */
	const char *postmaster;	/* the provider's pages for senders */
	const char *meaning;	/* what the code means, NULL when unknown */
	char code[24];		/* "4.7.28", "TSS04", "S3150", "CS01", or the status */
	char status[24];	/* "421 4.7.28", "" when the reply has none */
	char ip[48];		/* our address as the reply names it, "" if not */
};

/*
 * Is reply (after "said: ", if present) a provider's refusal? mx is the
 * remote host's name (may be NULL/empty): its domain decides, else the
 * provider's markers in the text. Returns 1 with out filled, else 0.
 */
int mw_ml_reply_provider(const char *reply, size_t n, const char *mx, size_t mxn,
		      struct ml_provider_hit *out);

/* --- aggregation --------------------------------------------------------- */

struct ml_agg;

/*
 * One in-window line as the readers saw it, for a caller that wants lines
 * this module does not count (`account`: Dovecot logins). Slices are only
 * valid during the call. A line that is not of syslog shape is passed with
 * an empty ident and the whole line as msg.
 */
struct ml_line {
	int64_t time;		/* INT64_MIN when the line had no stamp */
	struct ml_str host, ident, msg;
};
typedef void (*ml_line_fn)(void *arg, const struct ml_line *l);

struct ml_agg_opts {
	const struct mw_strlist *web_users;	/* user names counted as web users */
	int64_t since, until;			/* window, INT64_MIN/MAX = open */
	ml_line_fn on_line;			/* NULL, or called for every line
						 * in the window (and the journal
						 * also yields Dovecot's records) */
	void *on_line_arg;
};

/* 1 when the aggregator was made with on_line (the journal reader then
 * also takes Dovecot's records). */
int mw_ml_agg_has_line_fn(const struct ml_agg *a);

struct ml_agg *mw_ml_agg_new(const struct ml_agg_opts *o);
void mw_ml_agg_free(struct ml_agg *a);

/* Where the lines come from, for evidence and counters. */
void mw_ml_agg_begin_source(struct ml_agg *a, const char *name, const char *kind);
/* Account the bytes of the current source (read so far). */
void mw_ml_agg_source_bytes(struct ml_agg *a, uint64_t bytes);

/*
 * Feed one text line (syslog, Exim main log or PHP mail.log); clk gives the
 * year and zone of classic timestamps; lineno is for evidence. overlong =
 * the line was cut at ML_MAX_LINE.
 */
void mw_ml_agg_text_line(struct ml_agg *a, const char *line, size_t n,
		      int overlong, const struct ml_clock *clk,
		      unsigned long lineno);

/* Feed one journal record (journald or `journalctl -o export`). */
void mw_ml_agg_journal_record(struct ml_agg *a, int64_t time, struct ml_str host,
			   struct ml_str ident, long pid, struct ml_str msg,
			   unsigned long lineno);

/* Count a record that could not be parsed (e.g. a broken export record). */
void mw_ml_agg_malformed(struct ml_agg *a, unsigned long lineno);

/* 1 when a sending script lies under an upload/cache/temp directory or has
 * a hidden or image-like name (high whatever its volume). */
int mw_ml_script_is_suspicious(const char *path);

/* Lines of the current source, and how many were of a known shape. */
void mw_ml_agg_source_counts(const struct ml_agg *a, uint64_t *lines,
			  uint64_t *recognized);

/*
 * Produce the data section "logs" and the findings into ctx->report.
 * The aggregator may be freed afterwards.
 */
enum mw_err mw_ml_agg_report(struct ml_agg *a, struct mw_ctx *ctx);

/* --- readers ------------------------------------------------------------- */

/*
 * Read one log file (plain, gzip by content, or `journalctl -o export`
 * format) as a stream into a. dirfd/name are opened with O_NOFOLLOW; display
 * is the path shown. I/O problems go to the report as errors.
 */
enum mw_err mw_ml_read_file(struct ml_agg *a, struct mw_ctx *ctx, int dirfd,
			 const char *name, const char *display);

/*
 * Read the systemd journal (dir = NULL: the local journal; else the journal
 * files in dir) for mail-facility entries of Postfix and Exim between since
 * and until. MW_ERR_UNSUPPORTED when no journal can be opened.
 */
enum mw_err mw_ml_read_journal(struct ml_agg *a, struct mw_ctx *ctx,
			    const char *dir, int64_t since, int64_t until);

/* --- the check ------------------------------------------------------------ */

struct mw_logs_opts {
	const char *const *files;	/* log files to read; none = journald and
					 * the config's or the usual log files */
	size_t nfiles;
	const char *since, *until;	/* mw_ml_parse_when forms; NULL since = [logs]
					 * since, or everything for files given */
	int journal;			/* also read journald when files are given */
	const char *journal_dir;	/* read the journal files in DIR (implies
					 * journal) */
	const char *root;		/* logs and PHP-FPM pools beneath; NULL = / */
};

/*
 * Run the logs check into report (check and data section "logs").
 * MW_OK when it ran; MW_ERR_USAGE for a bad window; another error via
 * mw_fail() when the root cannot be opened. ctx->report points at report
 * during the call (the readers reach it through the context).
 */
enum mw_err mw_logs_run(struct mw_ctx *ctx, const struct mw_logs_opts *o,
			struct mw_report *report);

/* Append the equivalent command line ("logs --since 7d FILE") to b. */
enum mw_err mw_logs_opts_describe(const struct mw_logs_opts *o, struct mw_buf *b);

/*
 * Read the sources mw_logs_run would read (same options, same defaults,
 * errors and notes into ctx->report under check "logs") and hand every
 * line in the window to fn instead of reporting on them. MW_OK when the
 * sources were read; MW_ERR_USAGE for a bad window.
 */
enum mw_err mw_ml_logs_feed(struct mw_ctx *ctx, const struct mw_logs_opts *o,
			 ml_line_fn fn, void *arg);

/* --- options ------------------------------------------------------------- */

/*
 * Parse a --since/--until value relative to now: "7d", "12h", "30m", "2w",
 * "90s", "all", "now", "today", "yesterday", "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]",
 * "YYYY-MM-DDTHH:MM[:SS]" (local time). Returns 0 and *out, -1 when invalid;
 * "all" gives INT64_MIN.
 */
int mw_ml_parse_when(const char *s, int64_t now, int64_t *out);


#endif
