/*
 * `mailwarden harden`: check, apply and remove the sending limits and the
 * script attribution (issue 25). The targets (harden_postfix.c,
 * harden_fpm.c) say what is missing or make the change; this file runs
 * them as one transaction: every file taken is kept in memory, the MTA's
 * and PHP-FPM's own checkers judge the result, a rejection puts every file
 * back, and only then are the originals filed in the backup store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "core/limits.h"
#include "scanner/harden/harden_int.h"
#include "scanner/harden/policy.h"
#include "sysconf/mtakv.h"

void mw_hd_finding(struct hd_run *r, const char *rule, enum mw_severity sev,
		const char *path, const char *title, const char *remediation)
{
	/* No cause: a missing limit explains no spam, it only lets it grow. */
	struct mw_finding f = {
		.check = "harden", .rule_id = rule, .severity = sev, .title = title,
		.path = path, .remediation = remediation,
	};

	mw_report_add(r->report, &f);
}

void mw_hd_limit_finding(struct hd_run *r, const char *title, const char *path,
		      json_t *details)
{
	struct mw_finding f = {
		.check = "harden", .rule_id = "harden.limit-reached", .severity = MW_SEV_HIGH,
		.title = title, .path = path, .details = details,
		.remediation = "find what sends as this sender: mailwarden logs, mailwarden queue",
		/* the logs and the queue name the cause; this is the symptom */
	};

	mw_report_add(r->report, &f);
	json_decref(details);	/* the report took its own reference */
}

static void deferred_finding(void *arg, const char *key, double messages,
			     unsigned long deferred)
{
	char title[POL_MAX_NAME + 128];

	snprintf(title, sizeof(title), "%s reached its sending limit: %lu messages "
		 "deferred in this hour (%.0f sent in the last hour)", key, deferred, messages);
	mw_hd_limit_finding(arg, title, NULL, json_pack("{s:s, s:i, s:f}", "sender", key,
			 "deferred", (json_int_t)deferred, "sent_last_hour", messages));
}

/* --check: senders policyd deferred in this hour, from its state. */
static void check_state(struct hd_run *r)
{
	const char *db = r->ctx->cfg->harden_state_db;
	struct pol_state *s;
	char err[512];

	if (!db || !*db || access(db, F_OK) != 0)
		return;
	if (mw_pol_state_open(db, &s, err, sizeof(err))) {
		mw_report_error(r->report, "harden", db, 0, MW_ERR_IO, "%s", err);
		return;
	}
	mw_pol_state_each_deferred(s, time(NULL), deferred_finding, r);
	mw_pol_state_free(s);
}

/* [harden] limits: an entry that is not NAME=N is an error (policyd and
 * Exim skip it: that user gets the default). */
static void check_limits(struct hd_run *r)
{
	const struct mw_strlist *l = &r->ctx->cfg->harden_limits;
	struct pol_span name;
	unsigned long n;

	for (size_t i = 0; i < l->n; i++)
		if (mw_pol_limit_entry(l->v[i], &name, &n))
			mw_report_error(r->report, "harden", NULL, 0, MW_ERR_CONFIG,
					"[harden] limits: '%s' is not NAME=N (N at most %lu); "
					"that user gets the default", l->v[i], POL_MAX_LIMIT);
}

static void backup_dir(const struct hd_run *r, char *dst, size_t n)
{
	if (r->o->backup_dir)
		snprintf(dst, n, "%s", r->o->backup_dir);
	else
		snprintf(dst, n, "%s/harden", r->ctx->cfg->state_dir);
}

static enum mw_err apply(struct hd_run *r)
{
	char dir[MW_MAX_PATH], err[1024];
	enum mw_err e;

	e = mw_hd_postfix(r, 1);
	if (!e)
		e = mw_hd_exim(r, 1);
	if (!e)
		e = mw_hd_fpm(r, 1);
	if (!e && r->nfiles) {
		if (mw_hd_postfix_validate(r, err, sizeof(err)) != 0)
			e = mw_fail(r->ctx, MW_ERR_CONFIG, "the change was refused, nothing "
				    "is left changed: %s", err);
		else if (mw_hd_exim_validate(r, err, sizeof(err)) != 0)
			e = mw_fail(r->ctx, MW_ERR_CONFIG, "the change was refused, nothing "
				    "is left changed: %s", err);
		else if (mw_hd_fpm_validate(r, err, sizeof(err)) != 0)
			e = mw_fail(r->ctx, MW_ERR_CONFIG, "the change was refused, nothing "
				    "is left changed: %s", err);
	}
	backup_dir(r, dir, sizeof(dir));
	if (!e && r->nfiles && (e = mw_hd_backup_commit(r, dir, err, sizeof(err))))
		e = mw_fail(r->ctx, e, "backup: %s; nothing is left changed", err);
	if (e) {
		mw_hd_rollback(r);
		return e;
	}
	for (size_t i = 0; i < r->nfiles; i++)
		mw_report_note(r->report, "harden", "changed %s (original in %s)",
			       r->files[i].path, dir);
	if (!r->nfiles)
		mw_report_note(r->report, "harden", "everything is in place: nothing changed");
	json_object_set_new(r->data, "changed", json_integer((json_int_t)r->nfiles));
	if (r->nfiles && !r->o->no_reload) {
		mw_hd_postfix_reload(r);
		mw_hd_exim_reload(r);
		mw_hd_fpm_reload(r);
	}
	return MW_OK;
}

static enum mw_err remove_all(struct hd_run *r)
{
	char dir[MW_MAX_PATH];
	unsigned n;
	enum mw_err e;

	backup_dir(r, dir, sizeof(dir));
	e = mw_hd_backup_restore(r, dir, &n);
	json_object_set_new(r->data, "restored", json_integer(n));
	mw_report_note(r->report, "harden", "restored %u file%s from %s", n,
		       n == 1 ? "" : "s", dir);
	if (!e && n && !r->o->no_reload) {
		mw_hd_postfix_reload(r);
		mw_hd_exim_reload(r);
		mw_hd_fpm_reload(r);
	}
	return e;
}

enum mw_err mw_harden_run(struct mw_ctx *ctx, const struct mw_harden_opts *o,
			  struct mw_report *report)
{
	struct hd_run r = { .ctx = ctx, .o = o, .report = report };
	const struct mw_config *cfg = ctx->cfg;
	enum mw_err e = MW_OK;

	if (o->action != MW_HARDEN_CHECK && geteuid() != 0)
		return mw_fail(ctx, MW_ERR_PRIV, "--apply and --remove need root");
	r.data = json_pack("{s:s, s:{s:i, s:i, s:i, s:i}}", "action",
			   o->action == MW_HARDEN_APPLY ? "apply" :
			   o->action == MW_HARDEN_REMOVE ? "remove" : "check",
			   "limits", "sasl_messages", (json_int_t)cfg->harden_sasl_messages,
			   "sasl_recipients", (json_int_t)cfg->harden_sasl_recipients,
			   "local_messages", (json_int_t)cfg->harden_local_messages,
			   "local_recipients", (json_int_t)cfg->harden_local_recipients);
	if (!r.data)
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	check_limits(&r);
	switch (o->action) {
	case MW_HARDEN_CHECK:
		e = mw_hd_postfix(&r, 0);
		if (!e)
			e = mw_hd_exim(&r, 0);
		if (!e)
			e = mw_hd_fpm(&r, 0);
		check_state(&r);
		break;
	case MW_HARDEN_APPLY:
		e = apply(&r);
		break;
	case MW_HARDEN_REMOVE:
		e = remove_all(&r);
		break;
	}
	/* whatever was changed or put back: nothing read before holds */
	if (o->action != MW_HARDEN_CHECK)
		mw_kv_forget();
	for (size_t i = 0; i < r.nfiles; i++) {
		free(r.files[i].path);
		mw_buf_free(&r.files[i].before);
	}
	mw_report_set_data(report, "harden", r.data, NULL);
	return e;
}

enum mw_err mw_harden_opts_describe(const struct mw_harden_opts *o, struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, o->action == MW_HARDEN_APPLY ? "harden --apply" :
				o->action == MW_HARDEN_REMOVE ? "harden --remove" :
				"harden --check");
	mw_cmdline_str(&c, "--postfix-config", o->postfix_config);
	mw_cmdline_str(&c, "--exim", o->exim);
	mw_cmdline_str(&c, "--fpm-config", o->fpm_conf);
	return c.err;
}
