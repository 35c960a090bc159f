/*
 * mw_queue_run: list the queue (live or recorded), read the submitter of
 * up to o->inspect messages, group, report, act. The steps live in their
 * own files; this one runs the MTA's tools (core/spawn.c, no shell) and
 * ties them together.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "core/limits.h"
#include "core/progress.h"
#include "core/safefile.h"
#include "core/spawn.h"
#include "core/strlist.h"
#include "reports/report.h"
#include "scanner/queue/queue_act.h"
#include "sysconf/fpm.h"
#include "sysconf/mta.h"

#define POSTFIX_MAIN_CF "/etc/postfix/main.cf"

void mw_queue_opts_init(struct mw_queue_opts *o, const struct mw_config *cfg)
{
	memset(o, 0, sizeof(*o));
	o->sel.uid = -1;
	o->inspect = cfg ? cfg->queue_inspect : 5000;
}

/* Run argv, stdout into out (capped); a failure to start or a non-zero
 * exit is an error with the program's stderr in ctx->errmsg. */
static enum mw_err run_tool(struct mw_ctx *ctx, const char *const *argv,
			    struct mw_buf *out, size_t cap)
{
	struct mw_spawn_result res;
	struct mw_buf err;
	enum mw_err e;

	mw_buf_init(&err, 1u << 16);
	e = mw_spawn_capture(argv, NULL, 0, out, cap, &err, QSPAWN_TIMEOUT_MS, &res);
	if (e) {
		mw_buf_free(&err);
		return mw_fail(ctx, e, "cannot run %s: %s", argv[0], strerror(errno));
	}
	if (res.timed_out || !res.exited || res.status != 0) {
		/* keep the first line of the tool's own complaint */
		const char *msg = mw_buf_str(&err);
		size_t n = strcspn(msg, "\n");

		e = mw_fail(ctx, res.timed_out ? MW_ERR_TIMEOUT : MW_ERR_IO, "%s %s%s: %.*s",
			    argv[0], res.timed_out ? "timed out" : "failed",
			    res.exited ? "" : " (killed)", (int)(n > 300 ? 300 : n), msg);
		mw_buf_free(&err);
		return e;
	}
	mw_buf_free(&err);
	if (res.truncated)
		return mw_fail(ctx, MW_ERR_TOOBIG, "%s: more than %zu bytes of output", argv[0], cap);
	return MW_OK;
}

static enum mw_err read_recorded(struct mw_ctx *ctx, const char *path, struct mw_buf *out)
{
	int trunc = 0;
	enum mw_err e = mw_read_file_at(AT_FDCWD, path, out, QMAX_LISTING, &trunc, NULL);

	if (e)
		return mw_fail(ctx, e, "%s: %s", path, e == MW_ERR_IO ? strerror(errno) : mw_strerror(e));
	if (trunc)
		return mw_fail(ctx, MW_ERR_TOOBIG, "%s: larger than %u bytes", path, QMAX_LISTING);
	return MW_OK;
}

/* The postqueue -j lines of text into l; unparsable lines are counted. */
static enum mw_err parse_postqueue(const char *text, size_t n, struct qlist *l, size_t *bad)
{
	struct mw_lines it;
	const char *line;
	size_t len;
	int overlong;

	*bad = 0;
	mw_lines_init(&it, text, n, QMAX_LINE);
	while (mw_lines_next(&it, &line, &len, &overlong)) {
		struct qmsg *m;
		enum mw_err e;

		if (len == 0)
			continue;
		if (overlong) {
			(*bad)++;
			continue;
		}
		m = mw_qlist_push(l);
		if (!m)
			return l->n >= QMAX_MESSAGES ? MW_ERR_TOOBIG : MW_ERR_NOMEM;
		e = mw_postqueue_json_line(line, len, m);
		if (e == MW_ERR_NOMEM)
			return e;
		if (e) {
			l->n--;
			(*bad)++;
		}
	}
	return MW_OK;
}

/*
 * Read the submitter of up to o->inspect messages (postcat -q -e -h ID or
 * exim -Mvh ID, capped at QMAX_HEADERS bytes each). A message that left
 * the queue meanwhile is skipped; other failures are counted and reported.
 */
static enum mw_err inspect(struct mw_ctx *ctx, const struct mw_queue_opts *o, int postfix,
			   const char *exim, struct qlist *l, struct mw_report *r)
{
	struct mw_buf out;
	size_t i, failed = 0;
	enum mw_err e = MW_OK;

	mw_buf_init(&out, QMAX_HEADERS);
	for (i = 0; i < l->n && i < o->inspect && !e; i++) {
		struct qmsg *m = &l->m[i];
		const char *argv[8];
		struct mw_spawn_result res;
		int k = 0;

		if (postfix) {
			argv[k++] = "postcat";
			if (o->postfix_config) {
				argv[k++] = "-c";
				argv[k++] = o->postfix_config;
			}
			argv[k++] = "-q";
			argv[k++] = "-e";
			argv[k++] = "-h";
		} else {
			argv[k++] = exim;
			argv[k++] = "-Mvh";
		}
		argv[k++] = m->id;
		argv[k] = NULL;
		if (i % 50 == 0)
			mw_progress(ctx, "queue: reading submitters %zu/%zu", i,
				    l->n < o->inspect ? l->n : (size_t)o->inspect);
		mw_buf_reset(&out);
		if (mw_spawn_capture(argv, NULL, 0, &out, QMAX_HEADERS, NULL,
				     MW_CMD_TIMEOUT_MS, &res) != MW_OK) {
			e = mw_fail(ctx, MW_ERR_IO, "cannot run %s: %s", argv[0], strerror(errno));
			break;
		}
		if (!res.exited || res.status != 0) {
			failed++;	/* delivered or deleted since the listing */
			continue;
		}
		e = postfix ? mw_postcat_submitter(out.data ? out.data : "", out.len, m)
			    : mw_exim_mvh_submitter(out.data ? out.data : "", out.len, m);
		if (e)
			e = mw_fail(ctx, e, "out of memory");
	}
	mw_buf_free(&out);
	mw_progress_done(ctx);
	if (failed)
		mw_report_note(r, "queue", "%zu messages could not be read for their submitter "
			       "(left the queue since the listing?)", failed);
	if (!e && l->n > o->inspect)
		mw_report_note(r, "queue", "submitter read for the first %u of %zu messages "
			       "([queue] inspect, --inspect)", o->inspect, l->n);
	return e;
}

enum mw_err mw_queue_run(struct mw_ctx *ctx, const struct mw_queue_opts *o,
			 struct mw_report *r)
{
	struct qlist l = { 0 };
	struct qgroups g;
	struct qthresholds t;
	struct mw_strlist pool_users = { 0 };
	int rootfd;
	struct mw_buf text;
	char exim_buf[4096];
	const char *exim = NULL, *mta;
	int postfix;
	size_t bad = 0;
	int64_t now = o->now ? o->now : (int64_t)time(NULL);
	json_t *data;
	enum mw_err e;

	if (o->postqueue_json || o->exim_bp)
		postfix = o->postqueue_json != NULL;
	else if (o->mta != MW_QMTA_AUTO)
		postfix = o->mta == MW_QMTA_POSTFIX;
	else if (o->postfix_config)
		postfix = 1;
	else if (o->exim)
		postfix = 0;
	else
		postfix = mw_find_program("postqueue", exim_buf, sizeof(exim_buf)) == 0 &&
			  access(POSTFIX_MAIN_CF, F_OK) == 0;
	if (!postfix && !(exim = mw_exim_program(o->exim, exim_buf, sizeof(exim_buf))) && !o->exim_bp) {
		if (o->mta != MW_QMTA_AUTO)
			return mw_fail(ctx, MW_ERR_UNSUPPORTED, "Exim (exim4, exim) was not found");
		/* a web server without an MTA has no queue: nothing to read,
		 * not a failure (the audit runs this check everywhere) */
		mw_report_note(r, "queue", "no mail queue: neither Postfix (postqueue and "
			       POSTFIX_MAIN_CF ") nor Exim (exim4, exim) was found");
		return MW_OK;
	}
	mta = postfix ? "postfix" : "exim";
	if (o->action && (o->postqueue_json || o->exim_bp))
		return mw_usage(ctx, "a recorded listing cannot be acted on; run on the live queue");

	mw_buf_init(&text, QMAX_LISTING);
	if (o->postqueue_json || o->exim_bp) {
		e = read_recorded(ctx, postfix ? o->postqueue_json : o->exim_bp, &text);
	} else if (postfix) {
		const char *argv[5] = { "postqueue", "-j", NULL, NULL, NULL };

		if (o->postfix_config) {
			argv[1] = "-c";
			argv[2] = o->postfix_config;
			argv[3] = "-j";
		}
		e = run_tool(ctx, argv, &text, QMAX_LISTING);
	} else {
		const char *argv[3] = { exim, "-bp", NULL };

		e = run_tool(ctx, argv, &text, QMAX_LISTING);
	}
	if (!e)
		e = postfix ? parse_postqueue(text.data ? text.data : "", text.len, &l, &bad)
			    : mw_exim_bp_parse(text.data ? text.data : "", text.len, now, &l, &bad);
	mw_buf_free(&text);
	if (e) {
		mw_qlist_free(&l);
		if (e == MW_ERR_NOMEM || e == MW_ERR_TOOBIG)
			return mw_fail(ctx, e, "queue listing: %s", mw_strerror(e));
		return e;
	}
	if (bad)
		mw_report_error(r, "queue", NULL, 0, MW_ERR_PARSE,
				"%zu lines of the %s listing could not be read: those messages "
				"are missing from the report", bad, postfix ? "postqueue -j" : "exim -bp");
	if (!o->postqueue_json && !o->exim_bp && o->inspect &&
	    (e = inspect(ctx, o, postfix, exim, &l, r))) {
		mw_qlist_free(&l);
		return e;
	}
	if ((e = mw_qgroups_build(&l, &g))) {
		mw_qgroups_free(&g);
		mw_qlist_free(&l);
		return mw_fail(ctx, e, "out of memory");
	}
	t.warn = ctx->cfg ? ctx->cfg->queue_warn : 500;
	t.crit = ctx->cfg ? ctx->cfg->queue_crit : 2000;
	t.group_share = ctx->cfg ? ctx->cfg->queue_group_share : 50;
	t.backscatter = ctx->cfg ? ctx->cfg->queue_backscatter : 5;
	/* the pools' users are web users too (the live host's: the queue is) */
	if ((rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		mw_sysconf_fpm_pool_users(rootfd, &pool_users);
		close(rootfd);
	}
	e = mw_queue_findings(r, &l, &g, &t, ctx->cfg, &pool_users);
	mw_strlist_clear(&pool_users);
	data = e ? NULL : mw_queue_data(&l, &g, mta, now);
	if (!e && !data)
		e = MW_ERR_NOMEM;
	if (!e && o->action)
		e = mw_queue_act(ctx, o, &l, mta, exim, now, r, data);
	if (!e)
		mw_report_set_data(r, "queue", data, mw_queue_render);
	else
		json_decref(data);
	mw_qgroups_free(&g);
	mw_qlist_free(&l);
	if (e && !ctx->errmsg[0])
		return mw_fail(ctx, e, "%s", mw_strerror(e));
	return e;
}

enum mw_err mw_queue_opts_describe(const struct mw_queue_opts *o, struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "queue");
	mw_cmdline_str(&c, "--postfix-config", o->postfix_config);
	mw_cmdline_str(&c, "--exim", o->exim);
	mw_cmdline_str(&c, "--postqueue-json", o->postqueue_json);
	mw_cmdline_str(&c, "--exim-bp", o->exim_bp);
	mw_cmdline_flag(&c, "--hold", o->action == MW_QACT_HOLD);
	mw_cmdline_flag(&c, "--release", o->action == MW_QACT_RELEASE);
	mw_cmdline_flag(&c, "--delete", o->action == MW_QACT_DELETE);
	if (o->sel.uid >= 0)
		mw_cmdline_fmt(&c, " --uid %ld", o->sel.uid);
	mw_cmdline_str(&c, "--user", o->sel.user);
	mw_cmdline_str(&c, "--sasl", o->sel.sasl);
	mw_cmdline_str(&c, "--script", o->sel.script);
	mw_cmdline_str(&c, "--sender", o->sel.sender);
	mw_cmdline_flag(&c, "--apply", o->apply);
	return c.err;
}
