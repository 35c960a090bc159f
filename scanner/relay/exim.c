/*
 * Exim's relay settings through `exim -bP`: the relay_from_hosts host list
 * (Debian's exim4 config and most others relay for it without
 * authentication) and whether an RCPT ACL exists at all.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/limits.h"
#include "reports/report.h"
#include "scanner/relay/relay.h"
#include "sysconf/mta.h"

static void add(struct mw_ctx *ctx, const char *rule, enum mw_severity sev,
		const char *program, const char *excerpt, const char *title,
		const char *fix, json_t *details)
{
	struct mw_finding f = { 0 };

	f.check = MW_RELAY_CHECK;
	f.cause = MW_CAUSE_RELAY;
	f.rule_id = rule;
	f.severity = sev;
	f.title = title;
	f.path = program;
	f.excerpt = excerpt;
	f.remediation = fix;
	f.details = details;
	(void)mw_report_add(ctx->report, &f);
	json_decref(details);
}

/* Value of the first "name = value" line of text (exim -bP output). */
static char *first_value(const char *text, char *name, size_t namelen)
{
	struct mw_kvlist kv = { 0 };
	char *v = NULL;

	name[0] = '\0';
	if (text && mw_kv_parse(text, strlen(text), &kv) == MW_OK && kv.n) {
		snprintf(name, namelen, "%s", kv.v[0].name);
		v = strdup(kv.v[0].value);
	}
	mw_kv_free(&kv);
	return v;
}

json_t *mw_relay_audit_exim(struct mw_ctx *ctx, const char *program,
			    const char *acl_text, const char *hostlist_text,
			    const struct mw_netlist *local_addrs)
{
	struct mw_netlist hosts = { 0 };
	char name[256], excerpt[1200], title[512];
	char *acl, *relay;
	json_t *j = json_object(), *bad = json_array();
	int worst = -1;
	size_t i;

	acl = first_value(acl_text, name, sizeof(name));
	json_object_set_new(j, "program", json_string_nocheck(program));
	json_object_set_new(j, "acl_smtp_rcpt", acl ? json_string_nocheck(acl) : json_null());
	if (acl_text && (!acl || !*acl))
		add(ctx, "relay.exim-no-rcpt-acl", MW_SEV_LOW, program, "acl_smtp_rcpt =",
		    "Exim has no RCPT ACL (acl_smtp_rcpt is empty): it refuses every "
		    "recipient over SMTP, or this is not the configuration you think runs",
		    "Define acl_smtp_rcpt (Debian: acl_check_rcpt in the exim4 config) with "
		    "'accept hosts = +relay_from_hosts', 'accept authenticated = *' and "
		    "'require domains = +local_domains : +relay_to_domains' before accepting, "
		    "then update-exim4.conf and restart exim4.", NULL);
	relay = first_value(hostlist_text, name, sizeof(name));
	json_object_set_new(j, "relay_from_hosts", relay ? json_string_nocheck(relay) : json_null());
	if (relay && mw_netlist_parse_exim(relay, &hosts) == MW_OK) {
		for (i = 0; i < hosts.n; i++) {
			const struct mw_netent *e = &hosts.v[i];
			int sev = -1;
			const char *why = NULL;

			if (e->negate)
				continue;
			if (e->kind == MW_NET_ANY) {
				sev = MW_SEV_CRITICAL;
				why = "every host on the Internet";
			} else if (e->kind == MW_NET_ADDR && !mw_net_is_loopback(e)) {
				unsigned full = e->ip.family == AF_INET ? 32 : 128;
				size_t k;
				int own = 0;

				for (k = 0; local_addrs && k < local_addrs->n; k++)
					if (e->prefix == full &&
					    mw_net_contains(e, &local_addrs->v[k].ip))
						own = 1;
				if (own)
					continue;
				if (e->prefix == 0) {
					sev = MW_SEV_CRITICAL;
					why = "every address on the Internet";
				} else if (e->prefix <= (e->ip.family == AF_INET ? 8u : 32u)) {
					sev = MW_SEV_HIGH;
					why = "a whole /8-sized block of addresses or more";
				} else if (mw_net_is_private(e)) {
					sev = e->prefix == full ? MW_SEV_LOW : MW_SEV_MEDIUM;
					why = "a private network or host";
				} else {
					sev = e->prefix < (e->ip.family == AF_INET ? 24u : 48u) ?
					      MW_SEV_HIGH : MW_SEV_MEDIUM;
					why = "a public network or host that is not this server";
				}
			}
			if (sev < 0)
				continue;
			json_array_append_new(bad, json_pack("{s:s, s:s}", "entry", e->text,
							     "why", why));
			if (sev > worst) {
				worst = sev;
				snprintf(title, sizeof(title),
					 "Exim relay_from_hosts trusts %s: %s", e->text, why);
			}
		}
	}
	if (worst >= 0) {
		snprintf(excerpt, sizeof(excerpt), "%s = %s", name, relay);
		add(ctx, "relay.exim-relay-hosts-too-wide", (enum mw_severity)worst, program,
		    excerpt, title,
		    "Limit relay_from_hosts to loopback ('hostlist relay_from_hosts = "
		    "<; 127.0.0.1 ; ::1', Debian: dc_relay_nets='' in "
		    "/etc/exim4/update-exim4.conf.conf), then update-exim4.conf and restart "
		    "exim4. Remote users relay after SMTP AUTH instead.",
		    json_pack("{s:O}", "entries", bad));
	}
	json_object_set_new(j, "relay_from_hosts_problems", bad);
	mw_netlist_free(&hosts);
	free(acl);
	free(relay);
	return j;
}

/*
 * Run PROG -bP ARG. Returns the output (caller frees) when Exim answered,
 * NULL otherwise with the runner's reason in why: *undefined is set when
 * Exim says a named list does not exist (a list nobody defined trusts
 * nobody).
 */
static char *run_bp(const char *prog, const char *arg, char *why, size_t whylen,
		    int *undefined)
{
	const char *args[] = { "-bP", arg, NULL };
	struct mw_buf out;
	const char *o;
	enum mw_err e;

	*undefined = 0;
	e = mw_exim(prog, args, 0, &out, why, whylen);
	if (e == MW_OK)
		return mw_buf_steal(&out);
	o = mw_buf_str(&out);
	*undefined = e == MW_ERR_CONFIG && strstr(o, "list called") && strstr(o, "exists");
	mw_buf_free(&out);
	return NULL;
}

enum mw_err mw_relay_exim_load(struct mw_ctx *ctx, const char *program,
			       struct mw_relay_exim *ex)
{
	char why[512];
	int undefined;

	memset(ex, 0, sizeof(*ex));
	if (program) {
		snprintf(ex->program, sizeof(ex->program), "%s", program);
	} else if (!mw_exim_program(NULL, ex->program, sizeof(ex->program))) {
		return MW_OK;
	}
	ex->present = 1;
	ex->acl_text = run_bp(ex->program, "acl_smtp_rcpt", why, sizeof(why), &undefined);
	if (!ex->acl_text) {
		mw_report_error(ctx->report, MW_RELAY_CHECK, ex->program, 0, MW_ERR_CONFIG,
				"Exim configuration not audited (exim -bP acl_smtp_rcpt): %s",
				why);
		ex->present = 0;
		return MW_OK;
	}
	/* "+name" prints a named list; "-bP hostlist NAME" is refused by 4.96 */
	ex->hosts_text = run_bp(ex->program, "+relay_from_hosts", why, sizeof(why),
				&undefined);
	if (!ex->hosts_text && undefined) {
		ex->hosts_undefined = 1;
		mw_report_note(ctx->report, MW_RELAY_CHECK,
			       "%s: no relay_from_hosts list is defined", ex->program);
	} else if (!ex->hosts_text) {
		ex->hosts_failed = 1;
		mw_report_error(ctx->report, MW_RELAY_CHECK, ex->program, 0, MW_ERR_CONFIG,
				"relay_from_hosts not audited (exim -bP +relay_from_hosts): %s",
				why);
	} else {
		char name[256];
		char *v = first_value(ex->hosts_text, name, sizeof(name));

		if (v && mw_netlist_parse_exim(v, &ex->hosts) != MW_OK) {
			free(v);
			return MW_ERR_NOMEM;
		}
		free(v);
	}
	return MW_OK;
}

void mw_relay_exim_free(struct mw_relay_exim *ex)
{
	free(ex->acl_text);
	free(ex->hosts_text);
	mw_netlist_free(&ex->hosts);
	memset(ex, 0, sizeof(*ex));
}
