/* The action step of the queue check (act.c), for queue.c. */
#ifndef MW_QUEUE_ACT_H
#define MW_QUEUE_ACT_H

#include "scanner/queue/queue_impl.h"

const char *mw_qaction_name(enum mw_queue_action a);

/*
 * Select the messages of l that o->sel matches and that the action applies
 * to (hold: not held; release: held), put "action" (the ids, the command,
 * the selector, applied or not) into data, and with o->apply journal the
 * ids and run the MTA's command. Refusals and failures go into r as
 * errors (exit 2). Returns MW_OK unless out of memory.
 */
enum mw_err mw_queue_act(struct mw_ctx *ctx, const struct mw_queue_opts *o,
			 const struct qlist *l, const char *mta, const char *exim,
			 int64_t now, struct mw_report *r, json_t *data);

#endif
