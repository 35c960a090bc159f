/*
 * Reading the Postfix configuration through postconf(1): the effective
 * values (defaults included, $name expanded), what main.cf sets
 * explicitly, the master.cf services and their -o overrides. postconf is
 * Postfix's own parser, so the audit judges exactly what Postfix runs with.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "reports/report.h"
#include "scanner/relay/relay.h"
#include "sysconf/mta.h"

/*
 * postconf [-c dir] args: parsed into kv, or kept in raw when kv is NULL
 * (the caller frees raw either way). A failure goes into the report as an
 * error.
 */
static enum mw_err run_postconf(struct mw_ctx *ctx, const char *dir,
				const char *const *args, struct mw_kvlist *kv,
				struct mw_buf *raw)
{
	char err[300];
	enum mw_err e;

	if (kv)
		e = mw_postconf_kv(dir, args, kv, err, sizeof(err));
	else
		e = mw_postconf(dir, args, raw, err, sizeof(err));
	if (e != MW_OK)
		mw_report_error(ctx->report, MW_RELAY_CHECK, dir ? dir : "postconf",
				0, e, "%s", err);
	return e;
}

enum mw_err mw_relay_postfix_load(struct mw_ctx *ctx, const char *dir,
				  struct mw_relay_postfix *pf)
{
	static const char *const a_n[] = { "-n", NULL };
	static const char *const a_x[] = { "-x", NULL };
	static const char *const a_m[] = { "-M", NULL };
	static const char *const a_p[] = { "-P", "-x", NULL };
	struct mw_buf b;
	const char *v;
	enum mw_err e;

	memset(pf, 0, sizeof(*pf));
	switch (mw_postfix_state(dir)) {
	case MW_POSTFIX_ABSENT:
		if (dir)
			mw_report_error(ctx->report, MW_RELAY_CHECK, dir, 0,
					MW_ERR_UNSUPPORTED,
					"postconf not found; cannot audit Postfix");
		return MW_OK;
	case MW_POSTFIX_UNCONFIGURED:
		mw_report_note(ctx->report, MW_RELAY_CHECK,
			       "Postfix is installed but /etc/postfix/main.cf does not "
			       "exist: Postfix configuration not audited");
		return MW_OK;
	case MW_POSTFIX_PRESENT:
		break;
	}
	mw_buf_init(&b, 0);
	if ((e = run_postconf(ctx, dir, a_n, &pf->explicit_set, NULL)) != MW_OK ||
	    (e = run_postconf(ctx, dir, a_x, &pf->effective, NULL)) != MW_OK ||
	    (e = run_postconf(ctx, dir, a_p, &pf->overrides, NULL)) != MW_OK ||
	    (e = run_postconf(ctx, dir, a_m, NULL, &b)) != MW_OK)
		goto out;
	e = mw_services_parse(b.data ? b.data : "", b.len, &pf->services);
	mw_buf_free(&b);
	if (e != MW_OK)
		goto out;
	v = mw_kv_get(&pf->effective, "config_directory");
	pf->config_dir = strdup(dir ? dir : v && *v ? v : "/etc/postfix");
	if (!pf->config_dir) {
		e = MW_ERR_NOMEM;
		goto out;
	}
	v = mw_kv_get(&pf->effective, "mynetworks");
	e = mw_netlist_parse_postfix(v ? v : "", &pf->mynetworks);
	if (e != MW_OK)
		goto out;
	pf->present = 1;
	return MW_OK;
out:
	/* the error is in the report already; the probe still runs */
	mw_buf_free(&b);
	mw_relay_postfix_free(pf);
	return e == MW_ERR_NOMEM ? e : MW_OK;
}

void mw_relay_postfix_free(struct mw_relay_postfix *pf)
{
	free(pf->config_dir);
	mw_kv_free(&pf->explicit_set);
	mw_kv_free(&pf->effective);
	mw_kv_free(&pf->overrides);
	mw_services_free(&pf->services);
	mw_netlist_free(&pf->mynetworks);
	memset(pf, 0, sizeof(*pf));
}

const char *mw_relay_postfix_param(const struct mw_relay_postfix *pf,
				   const struct mw_service *svc,
				   const char *name)
{
	char key[512];
	const char *v;

	if (svc) {
		snprintf(key, sizeof(key), "%s/%s/%s", svc->name, svc->type, name);
		v = mw_kv_get(&pf->overrides, key);
		if (v)
			return v;
	}
	return mw_kv_get(&pf->effective, name);
}
