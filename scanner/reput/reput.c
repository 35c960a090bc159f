/*
 * mw_reput_run: which addresses and names, then the checks (rp_check.c),
 * then the data section. Addresses come as in the dnsbl check (--ip,
 * [dnsbl] ips, else the MTA's bind addresses and the host's public
 * addresses); domains and HELO names from the MTA configuration and the
 * DKIM signer, plus what --domain/--helo add, plus the domains of the
 * envelope senders the logs show this host's users sending as.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "core/ctx.h"
#include "reports/report.h"
#include "scanner/reput/rp_logs.h"
#include "scanner/reput/rp_rspamd.h"
#include "scanner/reput/rp_run.h"

#define DEFAULT_OPENDKIM_CONF	"/etc/opendkim.conf"
#define DEFAULT_RSPAMD_DIR	"/etc/rspamd"

static enum mw_err add_names(struct rp_run *r, struct rp_names *set,
			     const struct mw_strlist *l, const char *opt)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		int rc = mw_rp_names_add(set, l->v[i], strlen(l->v[i]), opt);

		if (rc < 0)
			return mw_usage(r->ctx, "%s '%s': not a domain name", opt, l->v[i]);
		if (rc > 0)
			return mw_usage(r->ctx, "at most %d names for %s",
					MW_REPUT_MAX_DOMAINS, opt);
	}
	return MW_OK;
}

static void notes_out(struct rp_run *r, struct mw_strlist *notes)
{
	size_t i;

	for (i = 0; i < notes->n; i++)
		mw_report_note(r->rep, MW_REPUT_CHECK, "%s", notes->v[i]);
	mw_strlist_clear(notes);
}

/* Addresses: given, configured, or discovered (public ones checked). */
static void choose_addrs(struct rp_run *r, const struct mw_reput_opts *o)
{
	struct mw_strlist notes = { 0 };
	size_t i;
	int discovered = 0;

	if (!r->addrs.n && !o->no_discover) {
		discovered = 1;
		mw_dnsbl_discover_mta(o->postfix_config, &r->addrs, &notes);
		(void)mw_dnsbl_discover_netlink(&r->addrs, &notes);
		notes_out(r, &notes);
	}
	for (i = 0; i < r->addrs.n; i++) {
		struct mw_dnsbl_addr *a = &r->addrs.v[i];

		a->queried = !discovered || a->cls == MW_IPC_PUBLIC;
		if (!a->queried)
			mw_report_note(r->rep, MW_REPUT_CHECK, "%s (%s) is not a public address: "
				       "not checked; give the public sending address with --ip",
				       a->text, mw_ip_class_name(a->cls));
	}
}

static size_t queried(const struct rp_run *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->addrs.n; i++)
		n += r->addrs.v[i].queried != 0;
	return n;
}

static json_t *names_json(const struct rp_names *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o}", "name",
			mw_json_raw(s->v[i].name), "source", mw_json_raw(s->v[i].source)));
	return a;
}

static void on_log_line(void *arg, const struct ml_line *l)
{
	mw_rp_log_senders_line(arg, l);
}

/*
 * The top sending domains of the logs into r->domains. The logs check's
 * readers do the reading (--log files, else its usual sources); what they
 * report goes to a scratch report: a log given with --log that cannot be
 * read is an error of this check, a usual source that is absent a note.
 */
static enum mw_err log_senders(struct rp_run *r, const struct mw_reput_opts *o)
{
	struct mw_logs_opts lo = { 0 };
	struct rp_log_senders *s;
	struct mw_report *scratch, *saved = r->ctx->report;
	const struct rp_log_domain *top[MW_REPUT_MAX_DOMAINS];
	size_t i, n = o->top_senders ? (size_t)o->top_senders : MW_REPUT_TOP_SENDERS;
	struct mw_strlist notes = { 0 };
	enum mw_err e;

	if (o->top_senders < 0 || (!o->nlogs && (o->no_discover || o->postfix_config)))
		return MW_OK;
	if (n > MW_REPUT_MAX_DOMAINS)
		n = MW_REPUT_MAX_DOMAINS;
	s = calloc(1, sizeof(*s));
	scratch = mw_report_new(MW_REPUT_CHECK);
	if (!s || !scratch) {
		free(s);
		mw_report_free(scratch);
		return mw_fail(r->ctx, MW_ERR_NOMEM, "out of memory");
	}
	lo.files = o->logs;
	lo.nfiles = o->nlogs;
	lo.since = o->since;
	r->ctx->report = scratch;
	e = mw_ml_logs_feed(r->ctx, &lo, on_log_line, s);
	r->ctx->report = saved;
	for (i = 0; e == MW_OK && i < mw_report_nerrors(scratch); i++) {
		const struct mw_report_error *er = mw_report_get_error(scratch, i);

		if (o->nlogs)
			mw_report_error(r->rep, MW_REPUT_CHECK, er->path, er->line, er->code,
					"mail log: %s", er->message ? er->message : "");
		else
			mw_report_note(r->rep, MW_REPUT_CHECK, "sending domains from the logs "
				       "not read: %s", er->message ? er->message : "");
	}
	mw_report_free(scratch);
	if (e == MW_OK) {
		n = mw_rp_log_senders_top(s, top, n);
		for (i = 0; i < n; i++) {
			char src[160];

			snprintf(src, sizeof(src), "envelope sender in the logs (%lu message%s)",
				 top[i]->messages, top[i]->messages == 1 ? "" : "s");
			mw_rp_names_add_found(&r->domains, top[i]->name, strlen(top[i]->name), src,
					   &notes);
		}
		notes_out(r, &notes);
		r->j_logs = json_pack("{s:I, s:I, s:I}", "messages", (json_int_t)s->messages,
				      "domains", (json_int_t)s->n, "uncounted",
				      (json_int_t)s->dropped);
	}
	free(s);
	return e;
}

/* rspamd's global selector/path sign every domain that has a key file
 * there and no entry of its own: those signers, once all domains are known. */
static void rspamd_global(struct rp_run *r, const struct rp_rspamd_global *g)
{
	size_t i, k;

	for (i = 0; i < r->domains.n; i++) {
		const char *d = r->domains.v[i].name;

		for (k = 0; k < r->dkim.n && strcasecmp(r->dkim.v[k].domain, d) != 0; k++)
			;
		if (k == r->dkim.n)
			(void)mw_rp_rspamd_global_signer(g, d, &r->dkim);
	}
}

static enum mw_err setup(struct rp_run *r, const struct mw_reput_opts *o)
{
	struct mw_config *cfg = r->ctx->cfg;
	struct rp_rspamd_global rg = { 0 };
	struct mw_strlist notes = { 0 };
	struct mw_dnsbl_resolver res;
	char err[160];
	enum mw_err e;
	size_t i;

	if ((e = mw_dnsbl_resolver_settings(r->ctx, o->resolver, o->timeout_ms, o->tries,
					    &res)) != MW_OK)
		return e;
	for (i = 0; i < o->ip.n; i++)
		if ((e = mw_dnsbl_add_ip_text(r->ctx, &r->addrs, o->ip.v[i], "--ip", 0)) != MW_OK)
			return e;
	for (i = 0; !o->ip.n && i < cfg->dnsbl_ips.n; i++)
		if ((e = mw_dnsbl_add_ip_text(r->ctx, &r->addrs, cfg->dnsbl_ips.v[i],
					      "config [dnsbl] ips", 1)) != MW_OK)
			return e;
	r->helo.max = MW_REPUT_MAX_HELO;
	if ((e = add_names(r, &r->domains, &o->domains, "--domain")) != MW_OK ||
	    (e = add_names(r, &r->helo, &o->helo, "--helo")) != MW_OK)
		return e;
	r->dns = mw_rp_dns_new(res.server[0] ? res.server : NULL, res.timeout_ms, res.tries,
			    err, sizeof(err));
	if (!r->dns)
		return mw_fail(r->ctx, MW_ERR_NET, "%s", err);

	if (!o->no_discover)
		mw_rp_mta_discover(o->postfix_config, &r->domains, &r->helo, &notes);
	if (o->opendkim_config)
		mw_dkim_read_opendkim(o->opendkim_config, 1, &r->dkim, &notes);
	else if (!o->no_discover)
		mw_dkim_read_opendkim(DEFAULT_OPENDKIM_CONF, 0, &r->dkim, &notes);
	if (!o->no_discover && !o->postfix_config)
		mw_dkim_read_exim(&r->dkim, &notes);
	if (o->rspamd_config)
		mw_rp_rspamd_read(o->rspamd_config, 1, &r->dkim, &rg, &notes);
	else if (!o->no_discover && !o->postfix_config)
		mw_rp_rspamd_read(DEFAULT_RSPAMD_DIR, 0, &r->dkim, &rg, &notes);
	for (i = 0; i < r->dkim.n; i++) {
		char src[160];

		snprintf(src, sizeof(src), "DKIM signer (%s)", r->dkim.v[i].source);
		(void)mw_rp_names_add(&r->domains, r->dkim.v[i].domain,
				   strlen(r->dkim.v[i].domain), src);
	}
	notes_out(r, &notes);
	if ((e = log_senders(r, o)) != MW_OK)
		return e;
	rspamd_global(r, &rg);
	if (r->dkim.dropped)
		mw_report_note(r->rep, MW_REPUT_CHECK, "%zu more DKIM keys not checked "
			       "(limit %d)", r->dkim.dropped, DKIM_MAX_SIGNERS);
	if (r->domains.dropped || r->helo.dropped)
		mw_report_note(r->rep, MW_REPUT_CHECK, "%zu more sending domains and %zu more "
			       "HELO names not checked (limits %d, %d)", r->domains.dropped,
			       r->helo.dropped, MW_REPUT_MAX_DOMAINS, MW_REPUT_MAX_HELO);
	if (!r->dkim.configured)
		mw_report_note(r->rep, MW_REPUT_CHECK, "no DKIM signer configuration found "
			       "(OpenDKIM, Exim, rspamd): mail is not signed, and DMARC then rests on "
			       "SPF alone; Gmail and Yahoo want both from bulk senders");
	choose_addrs(r, o);
	return MW_OK;
}

enum mw_err mw_reput_run(struct mw_ctx *ctx, const struct mw_reput_opts *o,
			 struct mw_report *report)
{
	struct rp_run *r = calloc(1, sizeof(*r));
	enum mw_err e;
	size_t i;
	int capped = 0;
	json_t *data;

	if (!r)
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	r->ctx = ctx;
	r->rep = report;
	r->j_domains = json_array();
	r->j_ptr = json_array();
	r->j_helo = json_array();
	e = setup(r, o);
	if (e != MW_OK)
		goto out;
	if (!queried(r))
		mw_report_note(report, MW_REPUT_CHECK, "no public sending address: SPF, PTR "
			       "and HELO are not checked against one; give it with --ip");
	if (!r->domains.n)
		mw_report_note(report, MW_REPUT_CHECK, "no sending domain found in the MTA "
			       "configuration; give them with --domain");
	for (i = 0; i < r->domains.n; i++)
		mw_rp_check_domain(r, &r->domains.v[i]);
	for (i = 0; i < r->addrs.n; i++)
		if (r->addrs.v[i].queried)
			mw_rp_check_ptr(r, &r->addrs.v[i]);
	for (i = 0; i < r->helo.n; i++)
		mw_rp_check_helo(r, &r->helo.v[i]);
	(void)mw_rp_dns_sent(r->dns, &capped);
	if (capped)
		mw_report_note(report, MW_REPUT_CHECK, "stopped asking DNS after %d "
			       "questions: some records were not judged", RP_DNS_MAX_QUERIES);
	if (capped)	/* errors say the rest: each is in the report */
		mw_report_set_incomplete(report, "DNS question cap reached");
	{
		json_t *ips = json_array();

		for (i = 0; i < r->addrs.n; i++)
			if (r->addrs.v[i].queried)
				json_array_append_new(ips, json_string(r->addrs.v[i].text));
		data = json_pack("{s:s, s:i, s:o, s:o, s:o, s:O, s:O, s:O, s:O}",
				 "resolver", mw_rp_dns_servers(r->dns),
				 "dns_queries", (json_int_t)mw_rp_dns_sent(r->dns, NULL),
				 "ips", ips,
				 "sending_domains", names_json(&r->domains),
				 "helo_names", names_json(&r->helo),
				 "domains", r->j_domains, "ptr", r->j_ptr, "helo", r->j_helo,
				 "log_senders", r->j_logs ? r->j_logs : json_null());
		mw_report_set_data(report, MW_REPUT_CHECK, data, NULL);
	}
out:
	json_decref(r->j_domains);
	json_decref(r->j_ptr);
	json_decref(r->j_helo);
	json_decref(r->j_logs);
	mw_rp_dns_free(r->dns);
	mw_dnsbl_addrs_free(&r->addrs);
	free(r);
	return e;
}

enum mw_err mw_reput_opts_describe(const struct mw_reput_opts *o, struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "reputation");
	mw_cmdline_str(&c, "--resolver", o->resolver);
	mw_cmdline_list(&c, "--ip", &o->ip);
	mw_cmdline_list(&c, "--domain", &o->domains);
	mw_cmdline_list(&c, "--helo", &o->helo);
	mw_cmdline_num(&c, "--timeout", o->timeout_ms);
	mw_cmdline_num(&c, "--tries", o->tries);
	mw_cmdline_str(&c, "--postfix-config", o->postfix_config);
	mw_cmdline_str(&c, "--opendkim-config", o->opendkim_config);
	mw_cmdline_str(&c, "--rspamd-config", o->rspamd_config);
	mw_cmdline_flag(&c, "--no-discover", o->no_discover);
	if (o->top_senders)
		mw_cmdline_fmt(&c, " --top-senders %d", o->top_senders < 0 ? 0 : o->top_senders);
	mw_cmdline_str(&c, "--since", o->since);
	mw_cmdline_strs(&c, "--log", o->logs, o->nlogs);
	return c.err;
}
