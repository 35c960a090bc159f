/* The aggregator's state, shared by agg.c, agg_events.c and agg_report.c
 * only. */
#ifndef MW_MAILLOG_AGG_INTERNAL_H
#define MW_MAILLOG_AGG_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "scanner/maillog/maillog.h"
#include "scanner/maillog/table.h"

#define ML_MAX_SOURCES		256	/* sources listed in the data section */
#define ML_UID_CACHE		64	/* uid -> name lookups remembered */
#define ML_NAME_CACHE		1024	/* name -> uid lookups remembered */
#define ML_SASL_EXAMPLES	8	/* addresses shown per SASL user */

struct ml_samples {
	char *line[ML_MAX_SAMPLES];
	unsigned n;
};

void mw_ml_samples_free(struct ml_samples *s);

/* A local submitter (Postfix pickup uid, Exim U=); count = messages. */
struct user_rec {
	struct ml_rec r;
	int known;		/* uid/web resolved */
	long uid;		/* -1 unknown */
	int uid_pending;	/* uid still to be looked up by name */
	int web;
	uint64_t recipients;
	struct ml_hset domains;
	char *scripts[ML_MAX_SCRIPTS];
	uint32_t script_count[ML_MAX_SCRIPTS];
	size_t nscripts;
	int scripts_more;
	char *cwds[ML_MAX_SCRIPTS];
	uint32_t cwd_count[ML_MAX_SCRIPTS];
	size_t ncwds;
	int cwds_more;
	struct ml_samples samples;
};

struct sasl_login {
	int64_t t;
	uint64_t ip, net;
};

/* A SASL user; count = successful logins (one per message submitted). */
struct sasl_rec {
	struct ml_rec r;
	uint64_t failures, fails_since_success;
	struct ml_hset ips;
	char example[ML_SASL_EXAMPLES][48];
	unsigned nexample;
	struct sasl_login ring[ML_SASL_RING];
	unsigned ring_pos, ring_n;
	unsigned max_ips_window, max_nets_window;
	uint64_t stuff_failures;
	char stuff_ip[48];
	int64_t stuff_time;
	int64_t first, last;
	struct ml_samples samples;
};

/* A client IP; count = every event of it (messages, rejects, failures). */
struct ip_rec {
	struct ml_rec r;
	uint64_t messages, rejects, relay_denied, auth_failures, fails_since_success;
};

/* count = messages queued in that hour. */
struct hour_rec {
	struct ml_rec r;
	int64_t hour;		/* hours since the epoch */
	uint64_t deferred, bounced;
};

/* Blocklist rejection by (list, mx); count = rejections. */
struct bl_rec {
	struct ml_rec r;
	char list[96];
	char mx[96];
	char code[24];
	int64_t first, last;
	struct ml_samples samples;
};

/* A provider's refusals by (provider, our address, code); count = all. */
struct prov_rec {
	struct ml_rec r;
	const char *provider, *postmaster, *meaning;	/* static */
	char code[24], status[24], ip[48], mx[96];
	uint64_t refused, deferred;
	int64_t first, last;
	struct ml_samples samples;
};

/* Mail for a local recipient forwarded to a provider that refused it
 * (orig_to -> to); count = refusals and deferrals. */
struct fwd_rec {
	struct ml_rec r;
	const char *provider;
	char orig[128], to[128];
	int64_t first, last;
	struct ml_samples samples;
};

/* A script path (X-PHP-Originating-Script or PHP mail.log); count = messages. */
struct script_rec {
	struct ml_rec r;
	long uid;
	int uid_set;
	int from_header, from_mail_log;
	uint64_t recipients;
	struct ml_hset domains;
	struct ml_samples samples;
};

#define Q_COUNTED	0x01	/* message counted (qmgr from= / <=) */
#define Q_LOCAL		0x02	/* submitted locally (pickup / P=local) */
#define Q_WEB		0x04
#define Q_SASL		0x08
#define Q_DEFER_OPEN	0x10	/* counted in deferred_open */
#define Q_RCPTS		0x20	/* recipients counted at arrival (Exim "for") */

/* A queue id being joined. */
struct qent {
	struct ml_rec r;
	struct qent *prev, *next;	/* by arrival; the oldest is evicted */
	int64_t first, last;
	long uid;
	unsigned flags;
	char user[33];
};

struct ml_qlist {
	struct qent *head, *tail;
};

struct ml_cwd {
	long pid;
	int64_t time;
	int used;
	size_t len;
	char dir[256];
};

struct ml_source {
	char *name;
	char kind[16];
	uint64_t lines, bytes, malformed;
	uint64_t recognized;	/* lines of a known shape (in the window or not) */
};

struct ml_agg {
	const struct mw_strlist *web_users;
	int64_t since, until;
	ml_line_fn on_line;
	void *on_line_arg;

	struct ml_tab senders, users, sasl, ips, hours, bls, scripts;
	struct ml_tab provs, fwds;	/* agg_provider.c */
	struct ml_tab pfq, exq;
	struct ml_qlist pfl, exl;

	struct ml_source sources[ML_MAX_SOURCES];
	size_t nsources;
	uint64_t sources_dropped;
	struct ml_source *cur;

	/* the line being handled */
	const char *cur_line;
	size_t cur_len;
	unsigned long cur_lineno;
	int64_t cur_time;
	struct hour_rec *cur_hour;
	int64_t cur_hour_idx;

	struct {
		long uid;
		int used;
		char name[33];
	} uidc[ML_UID_CACHE];

	struct {
		uint64_t hash;	/* 0 = empty */
		long uid;	/* -1 = no such user */
	} namec[ML_NAME_CACHE];

	struct ml_cwd cwds[ML_MAX_CWD_PIDS];
	unsigned cwd_pos;

	/* counters */
	uint64_t lines, postfix_lines, exim_lines, php_lines, other_lines;
	uint64_t malformed, overlong, out_of_window;
	int64_t newest_seen;	/* newest stamp of any line, INT64_MIN none */
	uint64_t received, local_submissions, web_submissions, smtpd_submissions;
	uint64_t delivered, deferred, bounced, expired, rejected, relay_denied;
	uint64_t sasl_logins, auth_failures, blocklist_rejections, php_headers;
	uint64_t deferred_open, deferred_max_open, deferred_lost, queue_evicted;
	int64_t first, last;
	char *malformed_first_source;
	unsigned long malformed_first_line;

	struct ml_samples relay_samples;
};

/* uid of a local user name (-1 when unknown), cached. */
long mw_ml_agg_name_uid(struct ml_agg *a, const char *name);

/*
 * Count one parsed event into a (agg_events.c). The caller (agg.c) has
 * done the window check, so a->cur_time is the time counted against (for
 * an unstamped PHP mail.log line, the last one seen), and has set
 * a->cur_line/cur_len/cur_lineno, the text a sample keeps. ev is only
 * read during the call; what is kept is copied into the tables.
 */
void mw_agg_postfix_event(struct ml_agg *a, const struct ml_pf_event *ev);
void mw_agg_exim_event(struct ml_agg *a, const struct ml_ex_event *ev);
void mw_agg_php_event(struct ml_agg *a, const struct ml_php_event *ev);

/* Keep the current line as evidence in s (agg_events.c). */
void mw_ml_agg_sample(struct ml_agg *a, struct ml_samples *s);

/*
 * Provider refusals (agg_provider.c): the tables' life, one remote reply
 * (refused: 5xx bounce, else a deferral; orig_to non-empty when Postfix
 * logged the recipient before forwarding), and at the end the data
 * ("provider_refusals", "forwarded_refusals" in d) and the findings.
 */
struct mw_ctx;
void mw_ml_agg_providers_init(struct ml_agg *a);
void mw_ml_agg_providers_free(struct ml_agg *a);
void mw_ml_agg_provider_reply(struct ml_agg *a, struct ml_str reply, struct ml_str mx,
			   int refused, struct ml_str to, struct ml_str orig_to);
void mw_ml_agg_providers_report(struct ml_agg *a, struct mw_ctx *ctx, json_t *d);

#endif
