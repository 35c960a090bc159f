#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "core/buf.h"
#include "core/escape.h"
#include "core/hook.h"
#include "core/journal.h"
#include "core/limits.h"
#include "reports/publish.h"
#include "reports/writer.h"

/* Commands about mailwarden's own state, not about the host. */
static const char *const quiet_commands[] = { "quarantine", "signatures", "ack" };

/* A listing: the host's address on a blocklist, or a remote MX refusing
 * our mail because of one. */
static int is_listing(const struct mw_stored_finding *f)
{
	return f->rule_id && (!strcmp(f->rule_id, "dnsbl.listed") ||
			      !strcmp(f->rule_id, "logs.blocklisted"));
}

/* One entry for finding f; every string escaped (report strings are raw). */
static int journal_finding(const char *command, const struct mw_stored_finding *f)
{
	char id[MW_FINDING_ID_LEN], line[24] = "", uid[24] = "", msg[MW_MAX_JOURNAL_VALUE];
	char *check = mw_escape_str(f->check ? f->check : "");
	char *rule = mw_escape_str(f->rule_id ? f->rule_id : "");
	char *title = mw_escape_str(f->title ? f->title : "");
	char *path = f->path ? mw_escape_str(f->path) : NULL;
	char *ip = f->ip ? mw_escape_str(f->ip) : NULL;
	char *list = f->list ? mw_escape_str(f->list) : NULL;
	char *family = f->family ? mw_escape_str(f->family) : NULL;
	int rc = -ENOMEM;

	mw_finding_id(f, id);
	if (f->line)
		snprintf(line, sizeof(line), "%lu", f->line);
	if (f->file.valid)
		snprintf(uid, sizeof(uid), "%u", (unsigned)f->file.uid);
	if (check && rule && title) {
		const struct mw_journal_field fields[] = {
			{ "MESSAGE_ID", MW_MESSAGE_ID_FINDING },
			{ "MAILWARDEN_COMMAND", command },
			{ "MAILWARDEN_FINDING_ID", id },
			{ "MAILWARDEN_CHECK", check },
			{ "MAILWARDEN_RULE", rule },
			{ "MAILWARDEN_SEVERITY", mw_severity_name(f->severity) },
			{ "MAILWARDEN_FAMILY", family },
			{ "MAILWARDEN_PATH", path },
			{ "MAILWARDEN_LINE", line[0] ? line : NULL },
			{ "MAILWARDEN_IP", ip },
			{ "MAILWARDEN_LIST", list },
			{ "MAILWARDEN_SHA256", f->file.valid && f->file.sha256[0] ?
					       f->file.sha256 : NULL },
			{ "MAILWARDEN_UID", uid[0] ? uid : NULL },
			/* "new" in a nightly run: what shippers alert on */
			{ "MAILWARDEN_NIGHTLY", json_string_value(json_object_get(f->details,
									"nightly")) },
		};

		snprintf(msg, sizeof(msg), "mailwarden: %s [%s] %s%s%s",
			 mw_severity_name(f->severity), check, title,
			 path ? ": " : ip ? ": " : "", path ? path : ip ? ip : "");
		rc = mw_journal_send(mw_severity_syslog(f->severity), msg, fields,
				     sizeof(fields) / sizeof(fields[0]));
	}
	free(check);
	free(rule);
	free(title);
	free(path);
	free(ip);
	free(list);
	free(family);
	return rc;
}

static void journal_findings(struct mw_ctx *ctx, struct mw_report *r)
{
	size_t i, n = mw_report_nfindings(r), lost = 0;
	char msg[256];
	int err = 0;

	for (i = 0; i < n && i < MW_MAX_JOURNAL_FINDINGS; i++) {
		int rc = journal_finding(ctx->command, mw_report_finding(r, i));

		if (rc < 0) {
			lost++;
			err = -rc;
		}
	}
	if (n > MW_MAX_JOURNAL_FINDINGS) {
		const struct mw_journal_field f[] = {
			{ "MESSAGE_ID", MW_MESSAGE_ID_FINDING },
			{ "MAILWARDEN_COMMAND", ctx->command },
		};

		snprintf(msg, sizeof(msg), "mailwarden: %zu more findings not logged one by "
			 "one (limit %u per run); see the report", n - MW_MAX_JOURNAL_FINDINGS,
			 MW_MAX_JOURNAL_FINDINGS);
		mw_journal_send(LOG_WARNING, msg, f, 2);
	}
	if (lost)
		mw_report_note(r, ctx->command, "journal: %zu of %zu finding entries not "
			       "logged (%s)", lost, n < MW_MAX_JOURNAL_FINDINGS ? n :
			       (size_t)MW_MAX_JOURNAL_FINDINGS, strerror(err));
}

/* Append r's jsonl line for f (NULL: the summary) to b. */
static int add_line(struct mw_buf *b, struct mw_report *r, const struct mw_stored_finding *f)
{
	json_t *o = mw_report_jsonl_line(r, f, NULL);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc = s && !mw_buf_printf(b, "%s\n", s) ? 0 : -1;

	free(s);
	json_decref(o);
	return rc;
}

/* Log why hook `name` failed (why: raw bytes, escaped here for the
 * journal; the report escapes its notes when it writes them). */
static void hook_failed(struct mw_ctx *ctx, struct mw_report *r, const char *name,
			const char *why)
{
	const struct mw_journal_field f[] = {
		{ "MESSAGE_ID", MW_MESSAGE_ID_HOOK },
		{ "MAILWARDEN_COMMAND", ctx->command },
		{ "MAILWARDEN_HOOK", name },
	};
	char msg[MW_MAX_JOURNAL_VALUE], *safe = mw_escape_str(why);

	snprintf(msg, sizeof(msg), "mailwarden: hook %s failed: %s", name,
		 safe ? safe : "(out of memory)");
	free(safe);
	mw_journal_send(LOG_ERR, msg, f, 3);
	mw_report_note(r, ctx->command, "hook %s failed: %s", name, why);
}

/*
 * Run hook `name` at path with the lines in input (count of them in
 * nlines) and judge the result.
 */
static void run_hook(struct mw_ctx *ctx, struct mw_report *r, const char *name,
		     const char *path, const struct mw_buf *input, size_t nlines)
{
	char ehook[64], ecmd[64], ecount[48], err[1024], why[1024];
	const char *env[] = { ehook, ecmd, ecount, NULL };
	struct mw_hook_result res;

	snprintf(ehook, sizeof(ehook), "MAILWARDEN_HOOK=%s", name);
	snprintf(ecmd, sizeof(ecmd), "MAILWARDEN_COMMAND=%s", ctx->command);
	snprintf(ecount, sizeof(ecount), "MAILWARDEN_LINES=%zu", nlines);
	if (mw_hook_run(path, env, input->data, input->len, ctx->cfg->hook_timeout_s * 1000u,
			&res, err, sizeof(err))) {
		hook_failed(ctx, r, name, err);
		return;
	}
	if (res.exited && res.status == 0)
		return;
	if (res.timed_out)
		snprintf(why, sizeof(why), "killed after the %u s timeout%s%s",
			 ctx->cfg->hook_timeout_s, res.output[0] ? "; output: " : "", res.output);
	else
		snprintf(why, sizeof(why), "%s %d%s%s", res.exited ? "exit status" :
			 "killed by signal", res.status, res.output[0] ? "; output: " : "",
			 res.output);
	hook_failed(ctx, r, name, why);
}

/* Run hook name with the findings that pass `want` (NULL: all), if any. */
static void hook_findings(struct mw_ctx *ctx, struct mw_report *r, const char *name,
			  const char *path, int (*want)(const struct mw_stored_finding *))
{
	size_t i, n = 0, left = 0;
	struct mw_buf in;

	if (!path || !*path)
		return;
	mw_buf_init(&in, MW_MAX_HOOK_INPUT);
	for (i = 0; i < mw_report_nfindings(r); i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);

		if (want && !want(f))
			continue;
		if (add_line(&in, r, f))
			left++;
		else
			n++;
	}
	if (left)
		hook_failed(ctx, r, name, "input cut: lines past the size limit left out");
	if (n)
		run_hook(ctx, r, name, path, &in, n);
	mw_buf_free(&in);
}

static int quiet_command(const char *command)
{
	size_t i;

	for (i = 0; i < sizeof(quiet_commands) / sizeof(quiet_commands[0]); i++)
		if (!strcmp(command, quiet_commands[i]))
			return 1;
	return 0;
}

void mw_publish_findings(struct mw_ctx *ctx, struct mw_report *r)
{
	if (quiet_command(ctx->command))
		return;
	if (ctx->cfg->journal)
		journal_findings(ctx, r);
	hook_findings(ctx, r, "on_finding", ctx->cfg->hook_on_finding, NULL);
	hook_findings(ctx, r, "on_listing", ctx->cfg->hook_on_listing, is_listing);
}

void mw_publish_complete(struct mw_ctx *ctx, struct mw_report *r)
{
	const char *hook = ctx->cfg->hook_on_run_complete;
	struct mw_buf in;

	if (quiet_command(ctx->command) || !hook || !*hook)
		return;
	mw_buf_init(&in, MW_MAX_HOOK_INPUT);
	if (add_line(&in, r, NULL))
		hook_failed(ctx, r, "on_run_complete", "out of memory");
	else
		run_hook(ctx, r, "on_run_complete", hook, &in, 1);
	mw_buf_free(&in);
}

void mw_publish_run(struct mw_ctx *ctx, struct mw_report *r)
{
	mw_publish_findings(ctx, r);
	mw_publish_complete(ctx, r);
}
