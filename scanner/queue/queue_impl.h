/*
 * Internals of the queue check: the message model the parsers fill, the
 * groups, and the limits. Not for use outside scanner/queue/.
 */
#ifndef MW_QUEUE_IMPL_H
#define MW_QUEUE_IMPL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/error.h"
#include "scanner/queue/queue.h"

/* Limits (kept here, named, in one place). */
#define QMAX_ID		64		/* queue id bytes (Postfix long ids: 20) */
#define QMAX_FIELD	320		/* sender, user, script, sasl, client kept */
#define QMAX_REASON	256		/* deferral reason kept per message */
#define QMAX_DOMAINS	8		/* distinct recipient domains kept */
#define QMAX_LINE	(64u << 10)	/* one postqueue -j line (one message) */
#define QMAX_MESSAGES	1000000		/* messages read from one queue */
#define QMAX_HEADERS	(32u << 10)	/* postcat / exim -Mvh bytes per message */
#define QMAX_LISTING	(512u << 20)	/* postqueue -j / exim -bp output */
#define QMAX_GROUP_ROWS	20		/* rows per group kind in the report */
#define QMAX_IDS_SHOWN	100000		/* ids listed for an action */
#define QSPAWN_TIMEOUT_MS 120000	/* listing a large queue takes a while */

enum qname { QN_ACTIVE, QN_DEFERRED, QN_HOLD, QN_INCOMING, QN_MAILDROP,
	     QN_FROZEN, QN_OTHER, QN__COUNT };

/* Classes of remote replies, from the deferral reason text. */
enum qreason { QR_NONE = 0, QR_BLOCKLIST, QR_THROTTLE, QR_UNKNOWN_USER,
	       QR_CONNECT, QR_OTHER, QR__COUNT };

/* One queued message: only what the report and the selectors need. */
struct qmsg {
	char id[QMAX_ID];
	enum qname queue;
	int held;			/* Postfix hold queue, Exim frozen */
	int64_t arrival;		/* seconds since the epoch, 0 unknown */
	int64_t size;
	char *sender;			/* "" for a bounce (null sender) */
	unsigned n_rcpt;
	char *domains[QMAX_DOMAINS];	/* distinct, lower case */
	unsigned n_domains;
	enum qreason reason_class;
	char *reason;			/* first deferral reason, capped */
	/* submitter, from the headers (inspected = 1) */
	int inspected;
	long uid;			/* -1 unknown */
	char *user;
	char *script;			/* X-PHP-Originating-Script after "uid:" */
	char *sasl;
	char *client;			/* remote client address, NULL = local */
};

struct qlist {
	struct qmsg *m;
	size_t n, alloc;
};

void mw_qlist_free(struct qlist *l);
/* A new zeroed message at the end (uid -1), NULL when out of memory or
 * past QMAX_MESSAGES. */
struct qmsg *mw_qlist_push(struct qlist *l);
void mw_qmsg_clear(struct qmsg *m);

/* Duplicate at most QMAX_FIELD bytes of s[0..n) (NULL on ENOMEM). */
char *mw_qfield_dup(const char *s, size_t n);
/* Add the domain of address a (after the last '@', lower-cased) once. */
enum mw_err mw_qmsg_add_domain(struct qmsg *m, const char *a, size_t n);
/* Keep the first reason and its class. */
enum mw_err mw_qmsg_set_reason(struct qmsg *m, const char *s, size_t n);
enum qreason mw_qreason_classify(const char *s, size_t n);
const char *mw_qreason_name(enum qreason c);
const char *mw_qname_str(enum qname q);
/* A bounce: null sender (Postfix "", Exim "<>") or MAILER-DAEMON. */
int mw_qmsg_is_bounce(const struct qmsg *m);

/* --- parsers (one per format, each fuzzed) ------------------------------ */

/*
 * postqueue_json.c: one line of `postqueue -j` (one JSON object per message)
 * into m. Returns MW_OK, MW_ERR_PARSE (not an object, no queue_id) or
 * MW_ERR_NOMEM. m is cleared first; on error it holds nothing owned.
 */
enum mw_err mw_postqueue_json_line(const char *line, size_t n, struct qmsg *m);

/*
 * exim_bp.c: `exim -bp` output into l (appends). Messages start with a
 * line "AGE SIZE ID <sender> [*** frozen ***]", recipients follow indented
 * ("D " = delivered). now turns the age into an arrival time. *bad counts
 * lines that fit nowhere. MW_ERR_NOMEM / MW_ERR_TOOBIG only.
 */
enum mw_err mw_exim_bp_parse(const char *text, size_t n, int64_t now,
			     struct qlist *l, size_t *bad);

/*
 * headers.c: the submitter from `postcat -q -e -h ID` output (envelope
 * records and headers) or from `exim -Mvh ID` (the -H spool file) into m
 * (uid, user, script, sasl, client). Reads at most QMAX_HEADERS bytes.
 */
enum mw_err mw_postcat_submitter(const char *text, size_t n, struct qmsg *m);
enum mw_err mw_exim_mvh_submitter(const char *text, size_t n, struct qmsg *m);

/* --- groups (group.c) ---------------------------------------------------- */

enum qgroup_kind { QG_UID, QG_USER, QG_SCRIPT, QG_SASL, QG_CLIENT, QG_SENDER,
		   QG_DOMAIN, QG__COUNT };

struct qgroup {
	char *key;
	long uid;			/* QG_UID */
	size_t count;
	int64_t bytes;
	int64_t oldest, newest;		/* arrival times */
	size_t reasons[QR__COUNT];
	size_t bounces;
};

struct qgroups {
	struct qgroup *g[QG__COUNT];
	size_t n[QG__COUNT], alloc[QG__COUNT];
	size_t total, inspected, bounces, held;
	int64_t bytes, oldest;
	size_t by_queue[QN__COUNT];
	size_t reasons[QR__COUNT];
	const char *reason_example[QR__COUNT];	/* points into the list */
};

const char *mw_qgroup_kind_name(enum qgroup_kind k);
/* Count every message of l into g (sorted by count, largest first). */
enum mw_err mw_qgroups_build(const struct qlist *l, struct qgroups *g);
void mw_qgroups_free(struct qgroups *g);

/* --- findings.c, render.c, act.c ---------------------------------------- */

struct qthresholds {
	unsigned warn, crit, group_share, backscatter;
};

/* Web users are www-data, [general] web_users and pool_users (the PHP-FPM
 * pools' users, sysconf/fpm.h; may be NULL). */
enum mw_err mw_queue_findings(struct mw_report *r, const struct qlist *l,
			      const struct qgroups *g, const struct qthresholds *t,
			      const struct mw_config *cfg,
			      const struct mw_strlist *pool_users);
/* The "queue" data section (steals nothing; builds a new object). */
json_t *mw_queue_data(const struct qlist *l, const struct qgroups *g,
		      const char *mta, int64_t now);
int mw_queue_render(FILE *out, const json_t *data, int color);

/* Does m match every field of s? */
int mw_qsel_match(const struct mw_queue_selector *s, const struct qmsg *m, int64_t now);
/* Does s need the submitter (uid, user, script, sasl)? */
int mw_qsel_needs_headers(const struct mw_queue_selector *s);
/* "uid=33 script=mailer.php" for the journal and the report (malloc'd). */
char *mw_qsel_describe(const struct mw_queue_selector *s);

#endif
