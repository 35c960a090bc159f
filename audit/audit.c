/*
 * The audit (mw_audit_run) and the acknowledgement of findings (mw_ack_run).
 *
 * The audit fills every check's options from its own (check_defs below is
 * the one place that knows the checks) and runs them in turn, all writing
 * into the command's report. A check that cannot run is recorded as an
 * error and the audit goes on. Then the evidence is correlated, every
 * finding gets its stable id (details.finding_id), --nightly keeps only the
 * new ones (mw_report_retain), and the "audit" section is filled in:
 * headline, plan and findings by cause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/progress.h"
#include "core/strlist.h"
#include "core/escape.h"
#include "core/mail.h"
#include "firewall/firewall.h"
#include "reports/report.h"
#include "reports/finding_state.h"
#include "reports/writer.h"
#include "audit/audit.h"
#include "audit/metrics.h"
#include "audit/notify.h"
#include "scanner/dnsbl/dnsbl.h"
#include "scanner/forwarders/forwarders.h"
#include "scanner/harden/harden.h"
#include "scanner/maillog/maillog.h"
#include "scanner/queue/queue.h"
#include "scanner/relay/relay.h"
#include "scanner/reput/reput.h"
#include "scanner/webroot/scan.h"

#define LOGS_WINDOW_FULL	"7d"
/* Nightly runs look back a little more than a day: the timer's random
 * delay moves runs by up to an hour, and a finding seen twice is one. */
#define LOGS_WINDOW_NIGHTLY	"2d"

/* What the checks get: the audit's options and the resolved log window. */
struct plan {
	const struct mw_audit_opts *o;
	const char *since;
};

/*
 * One adapter per check: fill the check's options from the audit's, append
 * the equivalent command line to line, and with rep non-NULL run the check
 * into rep. Returns the check's result (MW_ERR_NOMEM when line cannot grow).
 */
typedef enum mw_err (*check_fn)(struct mw_ctx *ctx, const struct plan *p,
				struct mw_buf *line, struct mw_report *rep);

static enum mw_err check_dnsbl(struct mw_ctx *ctx, const struct plan *p,
			       struct mw_buf *line, struct mw_report *rep)
{
	struct mw_dnsbl_opts o = { .ip = p->o->ip, .lists = p->o->list,
				   .resolver = p->o->resolver };

	if (mw_dnsbl_opts_describe(&o, line))
		return MW_ERR_NOMEM;
	return rep ? mw_dnsbl_run(ctx, &o, rep) : MW_OK;
}

static enum mw_err check_reputation(struct mw_ctx *ctx, const struct plan *p,
				    struct mw_buf *line, struct mw_report *rep)
{
	struct mw_reput_opts o = { .ip = p->o->ip, .resolver = p->o->resolver,
				   .postfix_config = p->o->postfix_config,
				   .logs = (const char *const *)p->o->log.v,
				   .nlogs = p->o->log.n, .since = p->since };

	if (mw_reput_opts_describe(&o, line))
		return MW_ERR_NOMEM;
	return rep ? mw_reput_run(ctx, &o, rep) : MW_OK;
}

static enum mw_err check_logs(struct mw_ctx *ctx, const struct plan *p,
			      struct mw_buf *line, struct mw_report *rep)
{
	struct mw_logs_opts o = { .since = p->since,
				  .files = (const char *const *)p->o->log.v,
				  .nfiles = p->o->log.n };

	if (mw_logs_opts_describe(&o, line))
		return MW_ERR_NOMEM;
	return rep ? mw_logs_run(ctx, &o, rep) : MW_OK;
}

static enum mw_err check_scan(struct mw_ctx *ctx, const struct plan *p,
			      struct mw_buf *line, struct mw_report *rep)
{
	struct mw_scan_opts o = { .roots = p->o->web_root,
				  .noperands = p->o->web_root.n,
				  .explicit_roots = p->o->web_root.n > 0,
				  .incremental = p->o->nightly };

	if (mw_scan_opts_describe(&o, line))
		return MW_ERR_NOMEM;
	return rep ? mw_scan_run(ctx, &o, rep) : MW_OK;
}

static enum mw_err check_forwarders(struct mw_ctx *ctx, const struct plan *p,
				    struct mw_buf *line, struct mw_report *rep)
{
	struct mw_forwarders_opts o = { .root = p->o->root };

	if (mw_forwarders_opts_describe(&o, line))
		return MW_ERR_NOMEM;
	return rep ? mw_forwarders_run(ctx, &o, rep) : MW_OK;
}

static enum mw_err check_relay(struct mw_ctx *ctx, const struct plan *p,
			       struct mw_buf *line, struct mw_report *rep)
{
	struct mw_relay_opts o = { .target = p->o->relay_target,
				   .postfix_config = p->o->postfix_config,
				   .exim = p->o->exim };

	if (mw_relay_opts_describe(&o, line))
		return MW_ERR_NOMEM;
	return rep ? mw_relay_run(ctx, &o, rep) : MW_OK;
}

static enum mw_err check_queue(struct mw_ctx *ctx, const struct plan *p,
			       struct mw_buf *line, struct mw_report *rep)
{
	struct mw_queue_opts o;

	mw_queue_opts_init(&o, ctx->cfg);
	o.postfix_config = p->o->postfix_config;
	o.exim = p->o->exim;
	if (mw_queue_opts_describe(&o, line))
		return MW_ERR_NOMEM;
	return rep ? mw_queue_run(ctx, &o, rep) : MW_OK;
}

static enum mw_err check_firewall(struct mw_ctx *ctx, const struct plan *p,
				  struct mw_buf *line, struct mw_report *rep)
{
	struct mw_firewall_opts o = { .action = p->o->apply ? MW_FW_APPLY : MW_FW_STATUS };

	if (mw_firewall_opts_describe(&o, line))
		return MW_ERR_NOMEM;
	return rep ? mw_firewall_run(ctx, &o, rep) : MW_OK;
}

static enum mw_err check_harden(struct mw_ctx *ctx, const struct plan *p,
				struct mw_buf *line, struct mw_report *rep)
{
	struct mw_harden_opts o = { .action = MW_HARDEN_CHECK,
				    .postfix_config = p->o->postfix_config,
				    .exim = p->o->exim };

	if (mw_harden_opts_describe(&o, line))
		return MW_ERR_NOMEM;
	return rep ? mw_harden_run(ctx, &o, rep) : MW_OK;
}

/* The checks, in the order they run: the one table a new check joins. */
static const struct check_def {
	const char *name;
	check_fn run;
	int nightly;		/* also run by --nightly */
} check_defs[] = {
	{ "dnsbl", check_dnsbl, 1 },
	{ "reputation", check_reputation, 1 },
	{ "logs", check_logs, 1 },
	{ "scan", check_scan, 1 },
	{ "forwarders", check_forwarders, 1 },
	{ "relay", check_relay, 1 },
	{ "queue", check_queue, 1 },
	{ "harden", check_harden, 1 },	/* limits missing or reached */
	{ "firewall", check_firewall, 0 },	/* enforcing is a daytime decision */
};

#define NCHECKS (sizeof(check_defs) / sizeof(check_defs[0]))

int mw_audit_check_known(const char *name)
{
	size_t i;

	for (i = 0; i < NCHECKS; i++)
		if (!strcmp(check_defs[i].name, name))
			return 1;
	return 0;
}

static int wanted(const struct mw_audit_opts *o, const struct check_def *d)
{
	if (o->only.n)
		return mw_strlist_contains(&o->only, d->name, 0);
	if (mw_strlist_contains(&o->skip, d->name, 0))
		return 0;
	return !o->nightly || d->nightly;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run one check into the report; fill res. Never fails the audit. */
static void run_check(struct mw_ctx *ctx, struct mw_report *rep, const struct check_def *d,
		      const struct plan *p, struct mw_audit_check *res, char **errstore)
{
	size_t before = mw_report_nfindings(rep);
	double t0 = now_s();
	struct mw_buf scratch;
	enum mw_err e;

	mw_progress(ctx, "audit: %s", d->name);
	ctx->errmsg[0] = '\0';
	ctx->own_output = 0;
	mw_buf_init(&scratch, 65536);
	e = d->run(ctx, p, &scratch, rep);
	mw_buf_free(&scratch);
	mw_progress_done(ctx);
	res->seconds = now_s() - t0;
	res->findings = mw_report_nfindings(rep) - before;
	if (e == MW_ERR_NOTIMPL) {
		res->status = MW_AUDIT_NOTIMPL;
		if (asprintf(errstore, "not implemented in this build (%s)",
			     ctx->errmsg[0] ? ctx->errmsg : mw_strerror(e)) < 0)
			*errstore = NULL;
		mw_report_error(rep, d->name, NULL, 0, e, "check '%s' did not run: not "
				"implemented in this build (%s)", d->name,
				ctx->errmsg[0] ? ctx->errmsg : mw_strerror(e));
	} else if (e) {
		res->status = MW_AUDIT_FAILED;
		if (asprintf(errstore, "%s", ctx->errmsg[0] ? ctx->errmsg : mw_strerror(e)) < 0)
			*errstore = NULL;
		mw_report_error(rep, d->name, NULL, 0, e, "check '%s' could not run: %s "
				"[%s]", d->name, ctx->errmsg[0] ? ctx->errmsg : mw_strerror(e),
				res->argv);
	} else {
		res->status = MW_AUDIT_OK;
	}
	res->error = *errstore;
	ctx->errmsg[0] = '\0';
	ctx->own_output = 0;	/* the audit's report is the output */
}

struct nightly {
	struct mw_state *st;
	struct mw_report *out;
	size_t new, seen, acked, resolved, open, new_errors;
	char note[MW_STATE_MAX_NOTE];
};

static void on_resolved(void *arg, const struct mw_state_item *it, int64_t first_seen)
{
	struct nightly *n = arg;
	char *t = NULL, first[32];
	struct mw_finding f;

	mw_format_time(first_seen, first, sizeof(first));
	if (asprintf(&t, "resolved: %s", it->title ? it->title : "") < 0)
		return;
	memset(&f, 0, sizeof(f));
	f.check = "audit";
	f.rule_id = "audit.resolved";
	f.severity = MW_SEV_INFO;
	f.title = t;
	f.path = it->path;
	f.details = json_pack("{s:s, s:s, s:o, s:o, s:s}", "key", it->id,
			      "resolved_finding_id", it->id, "check", mw_json_raw(it->check),
			      "rule_id", mw_json_raw(it->rule_id), "first_seen", first);
	if (f.details)
		mw_report_add(n->out, &f);
	else
		mw_report_set_incomplete(n->out, "out of memory: a resolved finding was lost");
	json_decref(f.details);
	free(t);
}

static const char *const status_names[] = { "new", "seen", "acknowledged" };

/* What mark_findings decided for each finding (its index before retain). */
struct marks {
	enum mw_state_status *status;
};

static int keep_new(void *arg, size_t i, const struct mw_stored_finding *f)
{
	const struct marks *m = arg;

	(void)f;
	return m->status[i] == MW_STATE_NEW;
}

/*
 * Give every finding in out its details.finding_id. In nightly mode record
 * each in the state, add details.nightly to the new ones and drop the
 * others from out (the state has them; the user sees what is new).
 */
static void mark_findings(struct mw_report *out, struct nightly *n)
{
	size_t i, nf = mw_report_nfindings(out);
	char id[MW_FINDING_ID_LEN];
	struct marks m = { NULL };

	if (n && nf && !(m.status = calloc(nf, sizeof(*m.status)))) {
		/* rather show too much than lose a finding */
		mw_report_error(out, "audit", NULL, 0, MW_ERR_NOMEM, "state: out of memory; "
				"every finding reported as new");
		n = NULL;
	}
	for (i = 0; i < nf; i++) {
		const struct mw_stored_finding *f = mw_report_finding(out, i);
		enum mw_state_status s = MW_STATE_NEW;

		mw_finding_id(f, id);
		if (n) {
			struct mw_state_item it = {
				.id = id, .check = f->check, .rule_id = f->rule_id,
				.title = f->title, .path = f->path, .severity = f->severity,
				.file_size = f->file.valid ? f->file.size : -1,
				.file_mtime = f->file.valid ? f->file.mtime : -1,
			};

			if (mw_state_observe(n->st, &it, &s)) {
				mw_report_error(out, "audit", NULL, 0, MW_ERR_IO, "state: cannot "
						"record finding %s; reported as new", id);
				s = MW_STATE_NEW;
			}
			m.status[i] = s;
			if (s == MW_STATE_NEW)
				n->new++;
			else if (s == MW_STATE_SEEN)
				n->seen++;
			else
				n->acked++;
			if (s != MW_STATE_NEW)
				continue;
		}
		if (mw_report_set_detail(out, i, "finding_id", json_string(id)) ||
		    (n && mw_report_set_detail(out, i, "nightly", json_string(status_names[s]))))
			mw_report_error(out, "audit", NULL, 0, MW_ERR_NOMEM,
					"could not annotate finding %s", id);
	}
	if (n)
		mw_report_retain(out, keep_new, &m);
	free(m.status);
}

static void notify(struct mw_ctx *ctx, struct mw_report *out, struct nightly *n)
{
	struct mw_write_opts wo = { .color = 0, .quiet = 0, .host = NULL };
	char host[256] = "", subject[512], err[1024], msg[1024];
	size_t i, len = 0;
	char *body = NULL;
	FILE *m;
	int rc;

	if (ctx->cfg->mail_only_new && !n->new && !n->resolved && !n->new_errors)
		return;
	/* the mail and the journal show what the terminal would show; the
	 * state has recorded every finding already */
	mw_report_hide_below(out, (enum mw_severity)ctx->min_severity);
	gethostname(host, sizeof(host) - 1);
	/* one entry per new finding comes from reports/publish.c, as for
	 * every command; here the run's summary and its errors */
	snprintf(msg, sizeof(msg), "mailwarden nightly: %zu new, %zu resolved finding(s)%s",
		 n->new, n->resolved, n->new_errors ? "; the run had new errors" : "");
	rc = mw_audit_journal(n->new_errors ? LOG_ERR : mw_audit_journal_priority(n->new ?
		(enum mw_severity)mw_report_max_severity(out) : MW_SEV_INFO), msg, NULL,
		"audit", NULL);
	for (i = 0; i < mw_report_nerrors(out); i++) {
		const struct mw_report_error *e = mw_report_get_error(out, i);

		char *check = mw_escape_str(e->check), *path = mw_escape_str(e->path);
		char *text = mw_escape_str(e->message);

		snprintf(msg, sizeof(msg), "mailwarden: error [%s] %s%s%s", check ? check : "?",
			 e->path && path ? path : "", e->path ? ": " : "", text ? text : "?");
		mw_audit_journal(LOG_ERR, msg, NULL, check ? check : "?", NULL);
		free(check);
		free(path);
		free(text);
	}
	if (rc < 0)
		mw_report_note(out, "audit", "journal not available (%s): report not logged there",
			       strerror(-rc));

	if (!ctx->cfg->mail_to || !*ctx->cfg->mail_to) {
		mw_report_note(out, "audit", "mail_to is empty: no mail sent");
		return;
	}
	m = open_memstream(&body, &len);
	if (!m || mw_report_write(out, MW_FMT_TEXT, m, &wo)) {
		if (m)
			fclose(m);
		free(body);
		mw_report_error(out, "audit", NULL, 0, MW_ERR_NOMEM,
				"cannot render the nightly mail");
		return;
	}
	fclose(m);
	snprintf(subject, sizeof(subject), "mailwarden on %s: %zu new, %zu resolved finding%s%s",
		 host, n->new, n->resolved, n->new + n->resolved == 1 ? "" : "s",
		 n->new_errors ? ", new errors" : "");
	if (mw_mail_send(ctx->cfg->sendmail, ctx->cfg->mail_to, subject, body, len,
			 err, sizeof(err)))
		mw_report_error(out, "audit", NULL, 0, MW_ERR_IO,
				"nightly report not mailed to %s: %s", ctx->cfg->mail_to, err);
	else
		mw_report_note(out, "audit", "nightly report mailed to %s", ctx->cfg->mail_to);
	free(body);
}

/* DIR/mailwarden.prom when asked for (--metrics-textfile, [general]). */
static void write_metrics(struct mw_ctx *ctx, const struct mw_audit_opts *ao,
			  struct mw_report *out, const struct mw_audit_metrics *m,
			  const struct mw_audit_check *results, size_t new_findings)
{
	const char *dir = ao->metrics_textfile ? ao->metrics_textfile :
			  ctx->cfg->metrics_textfile;
	struct mw_firewall_opts fo = { .action = MW_FW_STATUS };
	struct mw_report *fw = NULL;
	char err[1024];
	struct mw_buf b;

	if (!dir || !*dir)
		return;
	/* the firewall check did not run (nightly, --skip): its read-only
	 * status for the one gauge, kept out of the report */
	if (!mw_report_data(out, "firewall") && (fw = mw_report_new("firewall")) != NULL)
		(void)mw_firewall_run(ctx, &fo, fw);
	mw_buf_init(&b, 1u << 20);
	if (mw_audit_metrics_render(m, out, fw ? mw_report_data(fw, "firewall") : NULL, results,
				    NCHECKS, new_findings, (int64_t)time(NULL), &b))
		mw_report_error(out, "audit", dir, 0, MW_ERR_NOMEM, "metrics: out of memory");
	else if (mw_audit_metrics_write(dir, b.data, b.len, err, sizeof(err)))
		mw_report_error(out, "audit", dir, 0, MW_ERR_IO, "metrics not written: %s", err);
	mw_buf_free(&b);
	mw_report_free(fw);
}

enum mw_err mw_audit_run(struct mw_ctx *ctx, const struct mw_audit_opts *ao,
			 struct mw_report *out)
{
	struct mw_audit_check results[NCHECKS];
	char *errs[NCHECKS] = { 0 }, *lines[NCHECKS] = { 0 }, prefix[128], err[1024];
	const char *ran[NCHECKS + 1];
	struct mw_audit_input in;
	struct plan plan = { .o = ao };
	struct mw_audit_metrics metrics;
	struct nightly n;
	enum mw_err e;
	size_t i, nran = 0;
	int busy, sources_ok = 0;
	json_t *summary;

	memset(&n, 0, sizeof(n));
	memset(results, 0, sizeof(results));
	if (ao->apply && ao->nightly)
		return mw_usage(ctx, "--apply and --nightly do not go together: the nightly "
				"run never changes the firewall");
	/* The 7-day default is for the journal and the system's logs: a log
	 * file given with --log is read whole (issue 18 item 15), except by
	 * the nightly run, which looks at what is new. */
	plan.since = ao->since ? ao->since : ao->nightly ? LOGS_WINDOW_NIGHTLY :
		     ao->log.n ? "all" : LOGS_WINDOW_FULL;
	if (ao->nightly) {
		e = mw_state_open(ctx->cfg->state_dir, (int64_t)time(NULL), &n.st, &busy,
				  n.note, sizeof(n.note), err, sizeof(err));
		if (e) {
			e = mw_fail(ctx, e, "%s%s", busy ? "nightly run refused: " : "state: ", err);
			goto done;
		}
		n.out = out;
		if (n.note[0])
			mw_report_note(out, "audit", "%s", n.note);
	}
	/* The audit section goes first so that text output starts with the
	 * headline and the plan; its content is filled in at the end. */
	mw_report_set_data(out, "audit", json_object(), mw_audit_render_text);

	for (i = 0; i < NCHECKS; i++) {
		const struct check_def *d = &check_defs[i];

		struct mw_buf line;

		results[i].name = d->name;
		mw_buf_init(&line, 65536);
		if (d->run(ctx, &plan, &line, NULL) || !(lines[i] = mw_buf_steal(&line))) {
			mw_buf_free(&line);
			e = mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
			goto done;
		}
		results[i].argv = lines[i];
		if (!wanted(ao, d)) {
			results[i].status = MW_AUDIT_SKIPPED;
			continue;
		}
		run_check(ctx, out, d, &plan, &results[i], &errs[i]);
		if (results[i].status == MW_AUDIT_OK) {
			ran[nran++] = d->name;
			/* logs, scan and forwarders feed the correlations */
			sources_ok += !strcmp(d->name, "logs") || !strcmp(d->name, "scan") ||
				      !strcmp(d->name, "forwarders");
		}
	}
	/* Correlations stand or fall with their sources: only when all of
	 * them ran can a missing correlation count as resolved. */
	if (sources_ok == 3)
		ran[nran++] = "audit";
	mw_audit_correlate(out);
	mw_audit_metrics_count(&metrics, out);	/* before nightly drops the seen */
	mark_findings(out, ao->nightly ? &n : NULL);
	write_metrics(ctx, ao, out, &metrics, results, ao->nightly ? n.new :
		      mw_report_nfindings(out));
	if (ao->nightly) {
		size_t acked;

		if (mw_state_sweep(n.st, ran, nran, on_resolved, &n, &n.resolved))
			mw_report_error(out, "audit", ctx->cfg->state_dir, 0, MW_ERR_IO,
					"state: could not check for resolved findings");
		mw_state_counts(n.st, &n.open, &acked);
		if (n.new || n.resolved)
			snprintf(prefix, sizeof(prefix), "nightly: %zu new, %zu resolved",
				 n.new, n.resolved);
		else
			snprintf(prefix, sizeof(prefix), "nightly: nothing new");
	}
	if (ao->nightly) {
		size_t ne = mw_report_nerrors(out), k;
		char (*ids)[MW_FINDING_ID_LEN] = ne ? calloc(ne, sizeof(*ids)) : NULL;
		const char **sigs = ne ? calloc(ne, sizeof(*sigs)) : NULL;

		if (!ne || (ids && sigs)) {
			for (k = 0; k < ne; k++) {
				mw_error_id(mw_report_get_error(out, k), ids[k]);
				sigs[k] = ids[k];
			}
			n.new_errors = mw_state_new_errors(n.st, sigs, ne);
		} else {
			n.new_errors = ne;	/* out of memory: rather mail too much */
		}
		free(ids);
		free(sigs);
	}

	memset(&in, 0, sizeof(in));
	in.checks = results;
	in.nchecks = NCHECKS;
	in.logs_window = plan.since;
	in.nightly = ao->nightly;
	for (i = 0; i < NCHECKS; i++)
		if (!strcmp(results[i].name, "firewall"))
			in.firewall_applied = ao->apply && results[i].status == MW_AUDIT_OK;
	in.headline_prefix = ao->nightly ? prefix : NULL;
	summary = mw_audit_summarize(out, &in);
	if (summary && ao->nightly)
		json_object_set_new(summary, "nightly", json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s?}",
			"state", ctx->cfg->state_dir, "new", (json_int_t)n.new,
			"seen", (json_int_t)n.seen, "acknowledged", (json_int_t)n.acked,
			"resolved", (json_int_t)n.resolved, "open", (json_int_t)n.open,
			"new_errors", (json_int_t)n.new_errors,
			"fresh_start", n.note[0] ? n.note : NULL));
	if (summary)
		mw_report_set_data(out, "audit", summary, mw_audit_render_text);
	else
		mw_report_error(out, "audit", NULL, 0, MW_ERR_NOMEM, "could not build the plan");

	if (ao->nightly) {
		notify(ctx, out, &n);
		if (mw_state_close(n.st, 1))
			mw_report_error(out, "audit", ctx->cfg->state_dir, 0, MW_ERR_IO,
					"state: could not save this run; the next one will "
					"report the same findings again");
		n.st = NULL;
	}
	e = MW_OK;
done:
	if (n.st)
		mw_state_close(n.st, 0);
	for (i = 0; i < NCHECKS; i++) {
		free(lines[i]);
		free(errs[i]);
	}
	return e;
}

enum mw_err mw_ack_run(struct mw_ctx *ctx, const struct mw_ack_opts *o,
		       struct mw_report *report)
{
	char err[1024], note[MW_STATE_MAX_NOTE], title[512];
	struct mw_state *st;
	enum mw_err e;
	size_t i;
	int busy;

	if (!o->nids)
		return mw_usage(ctx, "which finding? give its id (details.finding_id)");
	e = mw_state_open(ctx->cfg->state_dir, (int64_t)time(NULL), &st, &busy,
			  note, sizeof(note), err, sizeof(err));
	if (e)
		return mw_fail(ctx, e, "%s", err);
	if (note[0])
		mw_report_note(report, "ack", "%s", note);
	for (i = 0; i < o->nids; i++) {
		e = mw_state_ack(st, o->ids[i], title, sizeof(title), err, sizeof(err));
		if (e == MW_ERR_USAGE) {
			mw_report_error(report, "ack", NULL, 0, e, "%s", err);
		} else if (e) {
			mw_report_error(report, "ack", ctx->cfg->state_dir, 0, e,
					"cannot record the acknowledgement of %s", o->ids[i]);
		} else {
			mw_report_note(report, "ack", "acknowledged %s: %s", o->ids[i], title);
		}
	}
	if (mw_state_close(st, 1))
		return mw_fail(ctx, MW_ERR_IO, "%s: could not save the state", ctx->cfg->state_dir);
	return MW_OK;
}
