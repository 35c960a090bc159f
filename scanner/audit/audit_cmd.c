/*
 * `mailwarden audit` and `mailwarden ack`.
 *
 * The audit calls every check's command function in turn with a command
 * line it synthesizes (argv_rules below is the one place that knows the
 * checks' option names), all writing into one scratch report. A check that
 * cannot run is recorded as an error and the audit goes on. Then the
 * evidence is correlated, every finding gets its stable id, and the
 * findings the user should see (all, or only new ones with --nightly) are
 * copied into the command's report together with the "audit" section:
 * headline, plan and findings by cause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/buf.h"
#include "core/progress.h"
#include "core/strlist.h"
#include "core/unescape.h"
#include "reports/report.h"
#include "reports/writer.h"
#include "scanner/audit/audit.h"
#include "scanner/audit/notify.h"
#include "scanner/audit/state.h"

#define LOGS_WINDOW_FULL	"7d"
/* Nightly runs look back a little more than a day: the timer's random
 * delay moves runs by up to an hour, and a finding seen twice is one. */
#define LOGS_WINDOW_NIGHTLY	"2d"
#define MAX_ARGV		256

/* The checks, in the order they run. */
static const struct check_def {
	const char *name;
	mw_command_fn run;
	int nightly;		/* also run by --nightly */
} check_defs[] = {
	{ "dnsbl", mw_cmd_dnsbl, 1 },
	{ "logs", mw_cmd_logs, 1 },
	{ "scan", mw_cmd_scan, 1 },
	{ "forwarders", mw_cmd_forwarders, 1 },
	{ "relay", mw_cmd_relay, 1 },
	{ "queue", mw_cmd_queue, 1 },
	{ "firewall", mw_cmd_firewall, 0 },	/* enforcing is a daytime decision */
};

#define NCHECKS (sizeof(check_defs) / sizeof(check_defs[0]))

/* Where an argument's value comes from. */
enum arg_src {
	V_NONE = 0,	/* a flag without value */
	V_RESOLVER, V_IP, V_LIST, V_SINCE, V_LOG, V_WEB_ROOT, V_ROOT, V_RELAY_TARGET,
	V_POSTFIX_CONFIG, V_EXIM,
	V__COUNT
};

enum arg_when { W_ALWAYS = 0, W_NIGHTLY, W_APPLY, W_NO_APPLY };

/*
 * The one table that turns audit options into the checks' command lines.
 * A row adds `option VALUE` for every value of its source (nothing when
 * the source is empty); option NULL adds the values as operands; V_NONE
 * adds the bare option. Adjust the option names here when a check's
 * command line changes.
 */
static const struct argv_rule {
	const char *check;
	enum arg_when when;
	const char *option;
	enum arg_src src;
} argv_rules[] = {
	{ "dnsbl",	W_ALWAYS,	"--resolver",	V_RESOLVER },
	{ "dnsbl",	W_ALWAYS,	"--ip",		V_IP },
	{ "dnsbl",	W_ALWAYS,	"--list",	V_LIST },
	{ "logs",	W_ALWAYS,	"--since",	V_SINCE },
	{ "logs",	W_ALWAYS,	NULL,		V_LOG },
	{ "scan",	W_NIGHTLY,	"--incremental", V_NONE },
	{ "scan",	W_ALWAYS,	NULL,		V_WEB_ROOT },
	{ "forwarders",	W_ALWAYS,	"--root",	V_ROOT },
	{ "relay",	W_ALWAYS,	NULL,		V_RELAY_TARGET },
	{ "relay",	W_ALWAYS,	"--postfix-config", V_POSTFIX_CONFIG },
	{ "relay",	W_ALWAYS,	"--exim",	V_EXIM },
	{ "queue",	W_ALWAYS,	"--postfix-config", V_POSTFIX_CONFIG },
	{ "queue",	W_ALWAYS,	"--exim",	V_EXIM },
	{ "firewall",	W_NO_APPLY,	"--status",	V_NONE },
	{ "firewall",	W_APPLY,	"--apply",	V_NONE },
};

struct audit_opts {
	int apply, nightly;
	struct mw_strlist only, skip;
	struct mw_strlist values[V__COUNT];
};

static const struct check_def *find_check(const char *name)
{
	size_t i;

	for (i = 0; i < NCHECKS; i++)
		if (!strcmp(check_defs[i].name, name))
			return &check_defs[i];
	return NULL;
}

static void opts_free(struct audit_opts *o)
{
	size_t i;

	mw_strlist_clear(&o->only);
	mw_strlist_clear(&o->skip);
	for (i = 0; i < V__COUNT; i++)
		mw_strlist_clear(&o->values[i]);
}

static enum mw_err parse_opts(struct mw_ctx *ctx, int argc, char **argv,
			      struct audit_opts *o)
{
	static const struct option lo[] = {
		{ "apply", no_argument, NULL, 'a' },
		{ "nightly", no_argument, NULL, 'n' },
		{ "only", required_argument, NULL, 'o' },
		{ "skip", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, V_ROOT + 1000 },
		{ "resolver", required_argument, NULL, V_RESOLVER + 1000 },
		{ "ip", required_argument, NULL, V_IP + 1000 },
		{ "list", required_argument, NULL, V_LIST + 1000 },
		{ "relay-target", required_argument, NULL, V_RELAY_TARGET + 1000 },
		{ "postfix-config", required_argument, NULL, V_POSTFIX_CONFIG + 1000 },
		{ "exim", required_argument, NULL, V_EXIM + 1000 },
		{ "log", required_argument, NULL, V_LOG + 1000 },
		{ "web-root", required_argument, NULL, V_WEB_ROOT + 1000 },
		{ "since", required_argument, NULL, V_SINCE + 1000 },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->apply = 1;
			break;
		case 'n':
			o->nightly = 1;
			break;
		case 'o':
		case 's':
			if (!find_check(optarg))
				return mw_usage(ctx, "unknown check '%s' (dnsbl, logs, scan, "
						"forwarders, relay, firewall)", optarg);
			if (mw_strlist_add(c == 'o' ? &o->only : &o->skip, optarg))
				return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
			break;
		case '?':
			return mw_usage(ctx, "unknown option or missing value: '%s'",
					argv[optind - 1]);
		default:
			if (c < 1000 || c - 1000 >= V__COUNT)
				return mw_usage(ctx, "bad option");
			if (c - 1000 == V_ROOT || c - 1000 == V_RELAY_TARGET ||
			    c - 1000 == V_RESOLVER || c - 1000 == V_SINCE ||
			    c - 1000 == V_POSTFIX_CONFIG || c - 1000 == V_EXIM)
				mw_strlist_clear(&o->values[c - 1000]);	/* last one wins */
			if (mw_strlist_add(&o->values[c - 1000], optarg))
				return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
		}
	}
	if (optind < argc)
		return mw_usage(ctx, "unexpected argument '%s'", argv[optind]);
	if (o->apply && o->nightly)
		return mw_usage(ctx, "--apply and --nightly do not go together: the nightly "
				"run never changes the firewall");
	return MW_OK;
}

struct cmdline {
	char *v[MAX_ARGV + 1];
	int n;
	char *joined;
};

static void cmdline_free(struct cmdline *cl)
{
	int i;

	for (i = 0; i < cl->n; i++)
		free(cl->v[i]);
	free(cl->joined);
	memset(cl, 0, sizeof(*cl));
}

static int cmdline_add(struct cmdline *cl, const char *s)
{
	if (cl->n >= MAX_ARGV || !(cl->v[cl->n] = strdup(s)))
		return -1;
	cl->n++;
	return 0;
}

/* Synthesize a check's argv from argv_rules. */
static enum mw_err build_cmdline(const struct audit_opts *o, const char *check,
				 struct cmdline *cl)
{
	struct mw_buf b;
	size_t i, j;

	memset(cl, 0, sizeof(*cl));
	if (cmdline_add(cl, check))
		return MW_ERR_NOMEM;
	for (i = 0; i < sizeof(argv_rules) / sizeof(argv_rules[0]); i++) {
		const struct argv_rule *r = &argv_rules[i];
		const struct mw_strlist *vals = &o->values[r->src];

		if (strcmp(r->check, check) ||
		    (r->when == W_NIGHTLY && !o->nightly) ||
		    (r->when == W_APPLY && !o->apply) ||
		    (r->when == W_NO_APPLY && o->apply))
			continue;
		if (r->src == V_NONE) {
			if (cmdline_add(cl, r->option))
				return MW_ERR_LIMIT;
			continue;
		}
		for (j = 0; j < vals->n; j++)
			if ((r->option && cmdline_add(cl, r->option)) ||
			    cmdline_add(cl, vals->v[j]))
				return MW_ERR_LIMIT;
	}
	cl->v[cl->n] = NULL;
	mw_buf_init(&b, 65536);
	for (i = 0; i < (size_t)cl->n; i++)
		if (mw_buf_printf(&b, "%s%s", i ? " " : "", cl->v[i]))
			break;
	cl->joined = mw_buf_steal(&b);
	return cl->joined ? MW_OK : MW_ERR_NOMEM;
}

static int wanted(const struct audit_opts *o, const struct check_def *d)
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

/* Run one check into raw; fill res. Never fails the audit. */
static void run_check(struct mw_ctx *ctx, struct mw_report *raw, const struct check_def *d,
		      struct cmdline *cl, struct mw_audit_check *res, char **errstore)
{
	struct mw_report *saved_report = ctx->report;
	const char *saved_cmd = ctx->command;
	size_t before = mw_report_nfindings(raw);
	double t0 = now_s();
	enum mw_err e;

	mw_progress(ctx, "audit: %s", d->name);
	ctx->report = raw;
	ctx->command = d->name;
	ctx->errmsg[0] = '\0';
	ctx->own_output = 0;
	optind = 0;
	e = d->run(ctx, cl->n, cl->v);
	mw_progress_done(ctx);
	res->seconds = now_s() - t0;
	res->findings = mw_report_nfindings(raw) - before;
	if (e == MW_ERR_NOTIMPL) {
		res->status = MW_AUDIT_NOTIMPL;
		if (asprintf(errstore, "not implemented in this build (%s)",
			     ctx->errmsg[0] ? ctx->errmsg : mw_strerror(e)) < 0)
			*errstore = NULL;
		mw_report_error(raw, d->name, NULL, 0, e, "check '%s' did not run: not "
				"implemented in this build (%s)", d->name,
				ctx->errmsg[0] ? ctx->errmsg : mw_strerror(e));
	} else if (e) {
		res->status = MW_AUDIT_FAILED;
		if (asprintf(errstore, "%s%s", ctx->errmsg[0] ? ctx->errmsg : mw_strerror(e),
			     e == MW_ERR_USAGE ? " (usage error: the audit's argv table may "
			     "need the check's current option names)" : "") < 0)
			*errstore = NULL;
		mw_report_error(raw, d->name, NULL, 0, e, "check '%s' could not run: %s "
				"[%s]", d->name, ctx->errmsg[0] ? ctx->errmsg : mw_strerror(e),
				cl->joined);
	} else {
		res->status = MW_AUDIT_OK;
	}
	res->error = *errstore;
	ctx->errmsg[0] = '\0';
	ctx->own_output = 0;	/* the audit's report is the output */
	ctx->report = saved_report;
	ctx->command = saved_cmd;
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
	char *title = mw_unescape_str(it->title), *path = mw_unescape_str(it->path);
	char *check = mw_unescape_str(it->check), *rule = mw_unescape_str(it->rule_id);
	char *t = NULL, first[32];
	struct mw_finding f;

	mw_format_time(first_seen, first, sizeof(first));
	if (title && check && rule && (path || !it->path) &&
	    asprintf(&t, "resolved: %s", title) >= 0) {
		memset(&f, 0, sizeof(f));
		f.check = "audit";
		f.rule_id = "audit.resolved";
		f.severity = MW_SEV_INFO;
		f.title = t;
		f.path = path;
		f.details = json_pack("{s:s, s:s, s:s, s:s, s:s}", "key", it->id,
				      "resolved_finding_id", it->id, "check", check,
				      "rule_id", rule, "first_seen", first);
		mw_report_add(n->out, &f);
		json_decref(f.details);
		free(t);
	}
	free(title);
	free(path);
	free(check);
	free(rule);
}

static const char *const status_names[] = { "new", "seen", "acknowledged" };

/*
 * Copy the findings of raw that the user should see into out, each with
 * details.finding_id (and details.nightly in nightly mode).
 */
static void copy_findings(struct mw_report *out, struct mw_report *raw,
			  struct nightly *n)
{
	size_t i, nf = mw_report_nfindings(raw);
	char id[MW_FINDING_ID_LEN];

	for (i = 0; i < nf; i++) {
		const struct mw_stored_finding *f = mw_report_finding(raw, i);
		enum mw_state_status s = MW_STATE_NEW;
		json_t *extra;

		mw_audit_finding_id(f, id);
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
			if (s == MW_STATE_NEW)
				n->new++;
			else if (s == MW_STATE_SEEN)
				n->seen++;
			else
				n->acked++;
			if (s != MW_STATE_NEW)
				continue;
		}
		extra = json_pack("{s:s}", "finding_id", id);
		if (n && extra)
			json_object_set_new(extra, "nightly", json_string(status_names[s]));
		if (mw_audit_copy_finding(out, f, extra))
			mw_report_error(out, "audit", NULL, 0, MW_ERR_NOMEM,
					"could not copy finding %s", id);
	}
}

static void notify(struct mw_ctx *ctx, struct mw_report *out, struct nightly *n)
{
	struct mw_write_opts wo = { .color = 0, .quiet = 0, .host = NULL };
	char host[256] = "", subject[512], err[1024], id[MW_FINDING_ID_LEN], msg[1024];
	size_t i, len = 0;
	char *body = NULL;
	FILE *m;
	int rc, jr = 0;

	if (ctx->cfg->mail_only_new && !n->new && !n->resolved && !n->new_errors)
		return;
	/* the mail and the journal show what the terminal would show; the
	 * state has recorded every finding already */
	mw_report_hide_below(out, (enum mw_severity)ctx->min_severity);
	gethostname(host, sizeof(host) - 1);
	for (i = 0; i < mw_report_nfindings(out); i++) {
		const struct mw_stored_finding *f = mw_report_finding(out, i);

		mw_audit_finding_id(f, id);
		snprintf(msg, sizeof(msg), "mailwarden: %s %s [%s]: %s",
			 f->severity == MW_SEV_INFO ? "info" : "NEW",
			 mw_severity_name(f->severity), f->check, f->title);
		rc = mw_audit_journal(mw_audit_journal_priority(f->severity), msg, id,
				      f->check, f->rule_id);
		if (rc < 0)
			jr = rc;
	}
	snprintf(msg, sizeof(msg), "mailwarden nightly: %zu new, %zu resolved finding(s)%s",
		 n->new, n->resolved, n->new_errors ? "; the run had new errors" : "");
	rc = mw_audit_journal(n->new_errors ? LOG_ERR : mw_audit_journal_priority(n->new ?
		(enum mw_severity)mw_report_max_severity(out) : MW_SEV_INFO), msg, NULL,
		"audit", NULL);
	for (i = 0; i < mw_report_nerrors(out); i++) {
		const struct mw_report_error *e = mw_report_get_error(out, i);

		snprintf(msg, sizeof(msg), "mailwarden: error [%s] %s%s%s", e->check,
			 e->path ? e->path : "", e->path ? ": " : "", e->message);
		mw_audit_journal(LOG_ERR, msg, NULL, e->check, NULL);
	}
	if (rc < 0 || jr < 0)
		mw_report_note(out, "audit", "journal not available (%s): report not logged there",
			       strerror(-(rc < 0 ? rc : jr)));

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
	if (mw_audit_mail(ctx->cfg->sendmail, ctx->cfg->mail_to, subject, body, len,
			  err, sizeof(err)))
		mw_report_error(out, "audit", NULL, 0, MW_ERR_IO,
				"nightly report not mailed to %s: %s", ctx->cfg->mail_to, err);
	else
		mw_report_note(out, "audit", "nightly report mailed to %s", ctx->cfg->mail_to);
	free(body);
}

enum mw_err mw_cmd_audit(struct mw_ctx *ctx, int argc, char **argv)
{
	struct mw_audit_check results[NCHECKS];
	char *errs[NCHECKS] = { 0 }, prefix[128], err[1024];
	struct cmdline lines[NCHECKS];
	const char *ran[NCHECKS + 1];
	struct mw_audit_input in;
	struct audit_opts o;
	struct mw_report *raw = NULL, *out = ctx->report;
	struct nightly n;
	enum mw_err e;
	size_t i, nran = 0;
	int busy, sources_ok = 0;
	json_t *summary, *clean;

	memset(&o, 0, sizeof(o));
	memset(&n, 0, sizeof(n));
	memset(lines, 0, sizeof(lines));
	memset(results, 0, sizeof(results));
	e = parse_opts(ctx, argc, argv, &o);
	if (e)
		goto done;
	/* The 7-day default is for the journal and the system's logs: a log
	 * file given with --log is read whole (issue 18 item 15), except by
	 * the nightly run, which looks at what is new. */
	if (!o.values[V_SINCE].n &&
	    mw_strlist_add(&o.values[V_SINCE], o.nightly ? LOGS_WINDOW_NIGHTLY :
			   o.values[V_LOG].n ? "all" : LOGS_WINDOW_FULL)) {
		e = mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (o.nightly) {
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
	raw = mw_report_new("audit");
	if (!raw) {
		e = mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* The audit section goes first so that text output starts with the
	 * headline and the plan; its content is filled in at the end. */
	mw_report_set_data(out, "audit", json_object(), mw_audit_render_text);

	for (i = 0; i < NCHECKS; i++) {
		const struct check_def *d = &check_defs[i];

		results[i].name = d->name;
		if (build_cmdline(&o, d->name, &lines[i])) {
			e = mw_fail(ctx, MW_ERR_LIMIT, "%s: too many arguments", d->name);
			goto done;
		}
		results[i].argv = lines[i].joined;
		if (!wanted(&o, d)) {
			results[i].status = MW_AUDIT_SKIPPED;
			continue;
		}
		run_check(ctx, raw, d, &lines[i], &results[i], &errs[i]);
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
	mw_audit_correlate(raw);

	copy_findings(out, raw, o.nightly ? &n : NULL);
	if (o.nightly) {
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
	mw_audit_copy_rest(out, raw);
	if (o.nightly) {
		size_t ne = mw_report_nerrors(out), k;
		char (*ids)[MW_FINDING_ID_LEN] = ne ? calloc(ne, sizeof(*ids)) : NULL;
		const char **sigs = ne ? calloc(ne, sizeof(*sigs)) : NULL;

		if (!ne || (ids && sigs)) {
			for (k = 0; k < ne; k++) {
				mw_audit_error_id(mw_report_get_error(out, k), ids[k]);
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
	in.logs_window = o.values[V_SINCE].v[0];
	in.nightly = o.nightly;
	for (i = 0; i < NCHECKS; i++)
		if (!strcmp(results[i].name, "firewall"))
			in.firewall_applied = o.apply && results[i].status == MW_AUDIT_OK;
	in.headline_prefix = o.nightly ? prefix : NULL;
	summary = mw_audit_summarize(out, &in);
	if (summary && o.nightly)
		json_object_set_new(summary, "nightly", json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s?}",
			"state", ctx->cfg->state_dir, "new", (json_int_t)n.new,
			"seen", (json_int_t)n.seen, "acknowledged", (json_int_t)n.acked,
			"resolved", (json_int_t)n.resolved, "open", (json_int_t)n.open,
			"new_errors", (json_int_t)n.new_errors,
			"fresh_start", n.note[0] ? n.note : NULL));
	clean = summary ? mw_audit_json_unescaped(summary) : NULL;
	json_decref(summary);
	if (clean)
		mw_report_set_data(out, "audit", clean, mw_audit_render_text);
	else
		mw_report_error(out, "audit", NULL, 0, MW_ERR_NOMEM, "could not build the plan");

	if (o.nightly) {
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
	mw_report_free(raw);
	for (i = 0; i < NCHECKS; i++) {
		cmdline_free(&lines[i]);
		free(errs[i]);
	}
	opts_free(&o);
	return e;
}

enum mw_err mw_cmd_ack(struct mw_ctx *ctx, int argc, char **argv)
{
	char err[1024], note[MW_STATE_MAX_NOTE], title[512], *t;
	struct mw_state *st;
	enum mw_err e;
	int i, busy, c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", (const struct option[]){ { 0 } }, NULL)) != -1)
		return mw_usage(ctx, "unknown option '%s'", argv[optind - 1]);
	if (optind >= argc)
		return mw_usage(ctx, "which finding? give its id (details.finding_id)");
	e = mw_state_open(ctx->cfg->state_dir, (int64_t)time(NULL), &st, &busy,
			  note, sizeof(note), err, sizeof(err));
	if (e)
		return mw_fail(ctx, e, "%s", err);
	if (note[0])
		mw_report_note(ctx->report, "ack", "%s", note);
	for (i = optind; i < argc; i++) {
		e = mw_state_ack(st, argv[i], title, sizeof(title), err, sizeof(err));
		if (e == MW_ERR_USAGE) {
			mw_report_error(ctx->report, "ack", NULL, 0, e, "%s", err);
		} else if (e) {
			mw_report_error(ctx->report, "ack", ctx->cfg->state_dir, 0, e,
					"cannot record the acknowledgement of %s", argv[i]);
		} else {
			t = mw_unescape_str(title);
			mw_report_note(ctx->report, "ack", "acknowledged %s: %s", argv[i],
				       t ? t : title);
			free(t);
		}
	}
	if (mw_state_close(st, 1))
		return mw_fail(ctx, MW_ERR_IO, "%s: could not save the state", ctx->cfg->state_dir);
	return MW_OK;
}
