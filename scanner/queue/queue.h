/*
 * mailwarden queue: what is in the MTA's queue, who submitted it, and the
 * scoped hold / release / delete that stops queued spam from going out.
 *
 * The library part: typed options in, findings and a data section out
 * (cli/cmd_queue.c owns argv). Postfix is read with `postqueue -j` (and
 * `postcat -q -e -h ID` per message for the submitter, capped), Exim with
 * `exim -bp` (and `exim -Mvh ID`). Everything read from the queue is
 * attacker-controlled; the report stores it raw and the writers escape it.
 */
#ifndef MW_QUEUE_H
#define MW_QUEUE_H

#include <stdint.h>
#include <sys/types.h>

#include "core/ctx.h"
#include "core/error.h"

struct mw_report;

enum mw_queue_mta { MW_QMTA_AUTO = 0, MW_QMTA_POSTFIX, MW_QMTA_EXIM };
enum mw_queue_action { MW_QACT_NONE = 0, MW_QACT_HOLD, MW_QACT_RELEASE, MW_QACT_DELETE };

#define MW_QUEUE_MAX_IDS 1024	/* --id given on one command line */

/*
 * Which messages an action touches. Every set field must match (AND); the
 * ids are alternatives (OR). An action with no field set is refused.
 */
struct mw_queue_selector {
	long uid;			/* -1 = any */
	const char *user;		/* submitting login, NULL = any */
	const char *sasl;		/* SASL login */
	const char *script;		/* X-PHP-Originating-Script value after "uid:" */
	const char *sender;		/* envelope sender ("" or "<>" = bounces) */
	const char *const *ids;
	size_t n_ids;
	int64_t older_than_s;		/* 0 = any age */
};

struct mw_queue_opts {
	enum mw_queue_mta mta;
	const char *postfix_config;	/* postqueue/postcat/postsuper -c DIR */
	const char *exim;		/* Exim program (default exim4, exim) */
	const char *postqueue_json;	/* read this recorded `postqueue -j`
					 * output instead of the live queue */
	const char *exim_bp;		/* same for recorded `exim -bp` output */
	unsigned inspect;		/* messages whose headers are read
					 * (postcat / exim -Mvh); 0 = none */
	enum mw_queue_action action;
	int apply;			/* 0: print what would be done */
	struct mw_queue_selector sel;
	int64_t now;			/* 0 = time(NULL); ages are relative to it */
};

/* Defaults: auto MTA, inspect from [queue] inspect, no action, any uid. */
void mw_queue_opts_init(struct mw_queue_opts *o, const struct mw_config *cfg);

/*
 * Read the queue, group it, add findings (queue.spike, queue.web-user-mail,
 * queue.backscatter) and the "queue" data section to r; with an action,
 * select the messages and hold/release/delete them (apply) or describe
 * exactly what would be done. Returns MW_OK when the queue was read
 * (errors on single messages go into r), otherwise an error with
 * ctx->errmsg set.
 */
enum mw_err mw_queue_run(struct mw_ctx *ctx, const struct mw_queue_opts *o,
			 struct mw_report *r);

struct mw_buf;

/* Appends the command line equivalent to o ("queue --postfix-config DIR
 * ..."; the audit shows it). Returns MW_ERR_NOMEM when b cannot grow. */
enum mw_err mw_queue_opts_describe(const struct mw_queue_opts *o, struct mw_buf *b);

#endif
