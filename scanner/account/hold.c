/*
 * The hold step of `mailwarden account --respond` (resp.h): the account's
 * queued mail stops going out. It goes through the queue check: Postfix
 * puts the messages on hold (postsuper -h), Exim freezes them (exim -Mf).
 * The account's messages are those whose SASL login (Postfix's
 * sasl_username, Exim's -auth_id) or envelope sender is the account. The
 * ids acted on, the MTA and the Exim program go into the record, so that
 * --restore releases (postsuper -H) or thaws (exim -Mt) exactly those and
 * no message that was held or frozen for another reason.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "scanner/account/resp.h"
#include "scanner/queue/queue.h"

/* What the queue check is to do, on which MTA. */
struct qjob {
	enum mw_queue_action act;
	int apply;
	const char *sasl, *sender;	/* selection, or ids */
	json_t *ids;
	const json_t *step;		/* restore: the recorded MTA */
};

/*
 * Run the queue check for j; the ids acted on (or that would be) go into
 * *acted (a new array), the MTA it found into mta ("postfix", "exim").
 * 0, or -1 (an error in the report).
 */
static int queue_act(struct resp *p, const struct qjob *j, json_t **acted, char *mta, size_t ml)
{
	struct acct_run *a = p->a;
	struct mw_queue_opts qo;
	struct mw_report *s = mw_report_new("queue");
	const char **idv = NULL;
	const json_t *action, *data;
	size_t i;
	json_t *v;
	int rc = -1;

	*acted = NULL;
	if (!s)
		return -1;
	mw_acct_queue_opts(a, &qo);
	if (j->step && strcmp(acct_jstr(j->step, "mta"), "exim") == 0) {
		/* the Exim the response froze the messages on */
		qo.mta = MW_QMTA_EXIM;
		if (!a->o->exim && acct_jstr(j->step, "exim")[0])
			qo.exim = acct_jstr(j->step, "exim");
	}
	qo.action = j->act;
	qo.apply = j->apply;
	qo.sel.sasl = j->sasl;
	qo.sel.sender = j->sender;
	if (j->ids) {
		idv = calloc(json_array_size(j->ids) + 1, sizeof(*idv));
		if (!idv)
			goto out;
		json_array_foreach(j->ids, i, v)
			idv[i] = json_string_value(v);
		qo.sel.ids = idv;
		qo.sel.n_ids = json_array_size(j->ids);
	}
	if (mw_queue_run(a->ctx, &qo, s) != MW_OK) {
		mw_report_error(a->r, CHECK, NULL, 0, MW_ERR_IO, "queue: %s", a->ctx->errmsg);
		a->ctx->errmsg[0] = '\0';
		goto out;
	}
	mw_acct_copy_errors(a, s, "queue");
	data = mw_report_data(s, "queue");
	action = json_object_get(data, "action");
	snprintf(mta, ml, "%s", acct_jstr(data, "mta"));
	*acted = json_deep_copy(json_object_get(action, "ids"));
	rc = *acted && (!j->apply || json_is_true(json_object_get(action, "applied")) ||
			json_array_size(*acted) == 0) ? 0 : -1;
out:
	free(idv);
	mw_report_free(s);
	return rc;
}

/* The account's messages that a hold would touch: by SASL login, then by
 * envelope sender, each id once. */
static int select_ids(struct resp *p, json_t **ids, char *mta, size_t ml)
{
	struct qjob j = { MW_QACT_HOLD, 0, p->a->o->user, NULL, NULL, NULL };
	json_t *more = NULL, *v, *w;
	size_t i, k;
	int seen;

	if (queue_act(p, &j, ids, mta, ml) != 0)
		return -1;
	j.sasl = NULL;
	j.sender = p->a->o->user;
	if (queue_act(p, &j, &more, mta, ml) != 0) {
		json_decref(*ids);
		*ids = NULL;
		return -1;
	}
	json_array_foreach(more, i, v) {
		seen = 0;
		json_array_foreach(*ids, k, w)
			seen |= json_equal(v, w);
		if (!seen)
			json_array_append(*ids, v);
	}
	json_decref(more);
	return 0;
}

void mw_acct_hold(struct resp *p)
{
	json_t *ids = NULL, *done = NULL, *st;
	struct qjob j = { MW_QACT_HOLD, 1, NULL, NULL, NULL, NULL };
	char what[600], mta[16] = "", m2[16], why[400];
	const char *prog = NULL;
	int exim;

	if (p->a->queued < 0) {
		mw_acct_step_out(p, "hold", "the queue was not read: nothing held", "skipped");
		return;
	}
	if (select_ids(p, &ids, mta, sizeof(mta)) != 0) {
		mw_acct_fail(p, "hold", "the queue", "cannot select the account's messages");
		return;
	}
	exim = strcmp(mta, "exim") == 0;
	if (exim && mw_acct_exim_validate(p->a, &prog, why, sizeof(why)) != 0) {
		snprintf(what, sizeof(what), "%s -bV: the configuration does not validate, "
			 "nothing frozen", prog);
		mw_acct_fail(p, "hold", what, why);
		json_decref(ids);
		return;
	}
	snprintf(what, sizeof(what), "%s the %zu queued message%s sent as %s (%s)",
		 exim ? "freeze" : "hold", json_array_size(ids), json_array_size(ids) == 1 ? "" : "s",
		 p->a->o->user, exim ? "exim -Mf" : "postsuper -h");
	j.ids = ids;
	if (json_array_size(ids) == 0) {
		mw_acct_step_out(p, "hold", what, "already done");
	} else if (!p->apply) {
		mw_acct_step_out(p, "hold", what, "planned");
	} else if (!(st = mw_acct_record_begin(p, json_pack("{s:s, s:O, s:s, s:s}", "step", "hold",
			"ids", ids, "mta", mta, "exim", p->a->o->exim ? p->a->o->exim : "")))) {
		mw_acct_fail(p, "hold", what, "cannot write the response record: nothing changed");
	} else if (queue_act(p, &j, &done, m2, sizeof(m2)) != 0) {
		mw_acct_fail(p, "hold", what, exim ? "exim -Mf failed" : "postsuper failed");
		mw_acct_record_done(p, st, "failed");
	} else {
		json_object_set(st, "ids", done);
		mw_acct_record_done(p, st, "done");
		mw_acct_step_out(p, "hold", what, "done");
	}
	json_decref(ids);
	json_decref(done);
}

int mw_acct_release(struct resp *p, json_t *st, char *what, size_t wl)
{
	struct qjob j = { MW_QACT_RELEASE, p->apply, NULL, NULL, json_object_get(st, "ids"), st };
	json_t *done = NULL;
	char mta[16];
	int exim = strcmp(acct_jstr(st, "mta"), "exim") == 0, rc;

	snprintf(what, wl, "%s the %zu message%s %s (%s)", exim ? "thaw" : "release",
		 json_array_size(j.ids), json_array_size(j.ids) == 1 ? "" : "s",
		 exim ? "frozen" : "held", exim ? "exim -Mt" : "postsuper -H");
	if (!json_array_size(j.ids))
		return 0;
	rc = queue_act(p, &j, &done, mta, sizeof(mta));
	json_decref(done);
	return rc;
}
