/*
 * The sending-limit policy service's own parts (scanner/harden/): the
 * Postfix policy delegation protocol parser (policy_proto.c) and the
 * per-sender counters kept in memory and in SQLite (policy_state.c).
 * policyd.c serves both on sockets; nothing outside this folder uses them.
 */
#ifndef MW_HARDEN_POLICY_H
#define MW_HARDEN_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/error.h"

#define POL_MAX_REQUEST	(16u << 10)	/* one request, all its lines */
#define POL_MAX_KEYS	100000u		/* distinct senders counted */
#define POL_WINDOW	3600		/* the sliding hour, seconds */
#define POL_MAX_NAME	256		/* SASL user name kept */

struct pol_span {
	const char *p;
	size_t n;
};

/* One request; spans point into the caller's buffer. */
struct pol_req {
	struct pol_span request, state, sasl, sender, client, instance;
	unsigned long rcpt_count;
	int have_rcpt;
};

/*
 * Parse one request at the start of buf[0..len): "name=value" lines, each
 * ending in '\n' (a '\r' before it is dropped), an empty line ends it.
 * Returns the bytes it took (> 0) and fills r; 0 when the request is not
 * complete yet (and len < POL_MAX_REQUEST); -1 when it is malformed (a line
 * without '=', a NUL, or no empty line within POL_MAX_REQUEST bytes): the
 * caller drops the connection. Unknown attributes are skipped.
 */
long mw_pol_parse(const char *buf, size_t len, struct pol_req *r);

/* 1 when s equals the NUL-terminated lit. */
int mw_pol_span_eq(struct pol_span s, const char *lit);

#define POL_MAX_LIMIT	10000000ul	/* the largest limit [harden] takes */

/*
 * One [harden] limits entry, "NAME=N": the name (up to the last '=', not
 * empty, shorter than POL_MAX_NAME) into *name, N (decimal, at most
 * POL_MAX_LIMIT; 0 = no limit) into *n. Returns 0, or -1 for an entry that
 * is malformed: it is ignored (the default applies) and reported by
 * `harden`, never read as "no limit".
 */
int mw_pol_limit_entry(const char *e, struct pol_span *name, unsigned long *n);

/* The counters: opaque. */
struct pol_state;

struct pol_verdict {
	int over;		/* 1: refuse, nothing counted */
	double messages, recipients;	/* estimate in the sliding hour, before */
	unsigned long msg_limit, rcpt_limit;
};

/*
 * Open the counters with their SQLite file at db_path (created 0600 if
 * missing; NULL = memory only), loading what it holds, so that a restart
 * keeps the counts of the hour. *out owns everything; mw_pol_state_free().
 */
enum mw_err mw_pol_state_open(const char *db_path, struct pol_state **out,
			   char *err, size_t errlen);
void mw_pol_state_free(struct pol_state *s);

/*
 * Count one message with rcpts recipients for key ("sasl:bob",
 * "uid:33") at time now, unless that would take it past msg_limit
 * messages or rcpt_limit recipients (0 = no limit) within the sliding
 * hour; then nothing is counted, the refusal is (the "deferred" counter)
 * and v->over = 1. Returns MW_ERR_LIMIT when POL_MAX_KEYS senders are
 * counted already (the caller lets the message pass), MW_ERR_NOMEM.
 */
enum mw_err mw_pol_state_count(struct pol_state *s, const char *key, time_t now,
			    unsigned long rcpts, unsigned long msg_limit,
			    unsigned long rcpt_limit, struct pol_verdict *v);

/*
 * Write what changed since the last flush to the SQLite file in one
 * transaction. MW_OK also when there is no file.
 */
enum mw_err mw_pol_state_flush(struct pol_state *s, char *err, size_t errlen);

/* For tests and `harden --check`: key's estimate and refusals at now. */
int mw_pol_state_get(struct pol_state *s, const char *key, time_t now,
		  double *messages, double *recipients, unsigned long *deferred);

/* Call fn for every sender refused at least once in the current hour. */
void mw_pol_state_each_deferred(struct pol_state *s, time_t now,
			     void (*fn)(void *arg, const char *key, double messages,
					unsigned long deferred),
			     void *arg);

#endif
