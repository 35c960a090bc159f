/*
 * Refusals by the big mailbox providers (provider_reply.c decides which),
 * counted by (provider, our address, code), and the local recipients whose
 * forwarded mail those providers refused. One finding per provider and
 * address: the codes with their counts, first and last seen, what the
 * provider documents, where its sender pages are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "reports/report.h"
#include "reports/writer.h"
#include "scanner/maillog/agg_internal.h"

#define CHECK		"logs"
#define ML_MAX_PROVS	2000	/* (provider, address, code) kept */
#define ML_MAX_FWDS	2000	/* (recipient, forward target) kept */

static void free_prov(struct ml_rec *r)
{
	mw_ml_samples_free(&((struct prov_rec *)r)->samples);
}

static void free_fwd(struct ml_rec *r)
{
	mw_ml_samples_free(&((struct fwd_rec *)r)->samples);
}

void mw_ml_agg_providers_init(struct ml_agg *a)
{
	mw_ml_tab_init(&a->provs, sizeof(struct prov_rec), ML_MAX_PROVS, 1, free_prov);
	mw_ml_tab_init(&a->fwds, sizeof(struct fwd_rec), ML_MAX_FWDS, 1, free_fwd);
}

void mw_ml_agg_providers_free(struct ml_agg *a)
{
	mw_ml_tab_free(&a->provs);
	mw_ml_tab_free(&a->fwds);
}

static void forwarded(struct ml_agg *a, const struct ml_provider_hit *h,
		      struct ml_str to, struct ml_str orig)
{
	char key[ML_MAX_KEY + 1];
	struct fwd_rec *f;
	int n;

	if (!orig.n || (orig.n == to.n && memcmp(orig.p, to.p, to.n) == 0))
		return;
	n = snprintf(key, sizeof(key), "%.*s\x1f%.*s", (int)(orig.n < 60 ? orig.n : 60),
		     orig.p, (int)(to.n < 60 ? to.n : 60), to.p);
	if (n < 0 || !(f = mw_ml_tab_get(&a->fwds, key, (size_t)n < sizeof(key) ?
				      (size_t)n : sizeof(key) - 1)))
		return;
	if (!f->r.count) {
		f->provider = h->provider;
		snprintf(f->orig, sizeof(f->orig), "%.*s", (int)(orig.n < 127 ? orig.n : 127), orig.p);
		snprintf(f->to, sizeof(f->to), "%.*s", (int)(to.n < 127 ? to.n : 127), to.p);
		f->first = a->cur_time;
	}
	f->r.count++;
	f->last = a->cur_time;
	mw_ml_agg_sample(a, &f->samples);
}

void mw_ml_agg_provider_reply(struct ml_agg *a, struct ml_str reply, struct ml_str mx,
			   int refused, struct ml_str to, struct ml_str orig_to)
{
	struct ml_provider_hit h;
	char key[ML_MAX_KEY + 1], list[96];
	struct prov_rec *p;
	int n;

	if (!reply.n || !mw_ml_reply_provider(reply.p, reply.n, mx.p, mx.n, &h))
		return;
	/* a provider citing a DNSBL (Spamhaus, ...) is a listing, which the
	 * blocklist finding reports; Microsoft's own list is its block */
	if (mw_ml_reply_blocklist(reply.p, reply.n, list, sizeof(list)) &&
	    strcmp(list, "unknown") != 0 && !strstr(list, "outlook.com"))
		return;
	n = snprintf(key, sizeof(key), "%s\x1f%s\x1f%s", h.provider, h.ip, h.code);
	if (n < 0 || !(p = mw_ml_tab_get(&a->provs, key, (size_t)n < sizeof(key) ?
				      (size_t)n : sizeof(key) - 1)))
		return;
	if (!p->r.count) {
		p->provider = h.provider;
		p->postmaster = h.postmaster;
		p->meaning = h.meaning;
		memcpy(p->code, h.code, sizeof(p->code));
		memcpy(p->status, h.status, sizeof(p->status));
		memcpy(p->ip, h.ip, sizeof(p->ip));
		snprintf(p->mx, sizeof(p->mx), "%.*s", (int)(mx.n < 95 ? mx.n : 95), mx.p);
		p->first = a->cur_time;
	}
	p->r.count++;
	if (refused)
		p->refused++;
	else
		p->deferred++;
	p->last = a->cur_time;
	mw_ml_agg_sample(a, &p->samples);
	forwarded(a, &h, to, orig_to);
}

static json_t *when(int64_t t)
{
	char buf[32];

	mw_format_time(t, buf, sizeof(buf));
	return json_string(buf);
}

static void add(struct mw_ctx *ctx, struct mw_finding *f, const struct ml_samples *s,
		json_t *details)
{
	f->check = CHECK;
	f->log_lines = (const char *const *)s->line;
	f->n_log_lines = s->n;
	f->details = details;
	(void)mw_report_add(ctx->report, f);
	json_decref(details);
}

/* One finding per (provider, address); v sorted by count. */
static void provider_findings(struct mw_ctx *ctx, struct ml_rec **v, size_t n, json_t *data)
{
	char *done = n ? calloc(n, 1) : NULL;
	size_t i, j, k = 0;

	for (i = 0; done && i < n && k < ML_MAX_FINDINGS_PER_KIND; i++) {
		const struct prov_rec *p = (struct prov_rec *)v[i];
		struct ml_samples ev = { { NULL }, 0 };
		uint64_t refused = 0, deferred = 0;
		int64_t first = p->first, last = p->last;
		char title[512], codes_txt[256] = "", fix[1024];
		size_t used = 0;
		struct mw_finding f;
		json_t *codes, *d;

		if (done[i])
			continue;
		codes = json_array();
		k++;
		for (j = i; j < n; j++) {
			const struct prov_rec *o = (struct prov_rec *)v[j];
			unsigned s;
			int w;

			if (done[j] || o->provider != p->provider || strcmp(o->ip, p->ip) != 0)
				continue;
			done[j] = 1;
			refused += o->refused;
			deferred += o->deferred;
			first = o->first < first ? o->first : first;
			last = o->last > last ? o->last : last;
			json_array_append_new(codes, json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}",
				"code", o->code, "status", o->status, "count", (json_int_t)o->r.count,
				"refused", (json_int_t)o->refused, "deferred", (json_int_t)o->deferred,
				"meaning", o->meaning ? json_string(o->meaning) : json_null()));
			w = snprintf(codes_txt + used, sizeof(codes_txt) - used, "%s%s x%llu",
				     used ? ", " : "", o->code, (unsigned long long)o->r.count);
			if (w > 0 && (size_t)w < sizeof(codes_txt) - used)
				used += (size_t)w;
			for (s = 0; s < o->samples.n && ev.n < ML_MAX_SAMPLES; s++)
				ev.line[ev.n++] = o->samples.line[s];
		}
		snprintf(title, sizeof(title), "%s %s %llu message%s%s%s (%s)", p->provider,
			 refused ? "refused" : "deferred",
			 (unsigned long long)(refused ? refused : deferred),
			 (refused ? refused : deferred) == 1 ? "" : "s",
			 p->ip[0] ? " from " : "", p->ip, codes_txt);
		if (refused && deferred)
			snprintf(title + strlen(title), sizeof(title) - strlen(title),
				 " and deferred %llu", (unsigned long long)deferred);
		snprintf(fix, sizeof(fix), "Stop any spam source first (the other findings), fix "
			 "what the codes say (SPF, DKIM, DMARC, PTR, HELO: `mailwarden reputation`), "
			 "then follow %s's pages for senders: %s. When `mailwarden dnsbl` finds %s on "
			 "no blocklist, this is %s's own block: only %s lifts it.", p->provider,
			 p->postmaster, p->ip[0] ? p->ip : "the address", p->provider, p->provider);
		d = json_pack("{s:s, s:o, s:I, s:I, s:o, s:o, s:o, s:s, s:o}",
			      "provider", p->provider,
			      "ip", p->ip[0] ? json_string(p->ip) : json_null(),
			      "refused", (json_int_t)refused, "deferred", (json_int_t)deferred,
			      "codes", codes, "first", when(first), "last", when(last),
			      "postmaster", p->postmaster, "mx", mw_json_raw(p->mx));
		json_array_append(data, d);
		memset(&f, 0, sizeof(f));
		f.rule_id = "logs.provider-block";
		f.severity = refused ? MW_SEV_HIGH : MW_SEV_MEDIUM;
		f.cause = MW_CAUSE_REJECTIONS;
		f.title = title;
		f.ip = p->ip[0] ? p->ip : NULL;
		f.remediation = fix;
		add(ctx, &f, &ev, d);
	}
	free(done);
}

static void forward_findings(struct mw_ctx *ctx, struct ml_rec **v, size_t n, json_t *data)
{
	size_t i;

	for (i = 0; i < n && i < ML_MAX_FINDINGS_PER_KIND; i++) {
		const struct fwd_rec *w = (struct fwd_rec *)v[i];
		struct mw_finding f = { 0 };
		char title[400], fix[600];
		json_t *d;

		snprintf(title, sizeof(title), "mail for %s is forwarded to %s, and %s refused "
			 "or deferred it %llu time%s", w->orig, w->to, w->provider,
			 (unsigned long long)w->r.count, w->r.count == 1 ? "" : "s");
		snprintf(fix, sizeof(fix), "Forwarding spam to %s makes this host the spammer in "
			 "%s's eyes: remove the forward of %s (`mailwarden forwarders`), or filter "
			 "spam before forwarding and forward with SRS.", w->provider, w->provider,
			 w->orig);
		d = json_pack("{s:o, s:o, s:s, s:I, s:o, s:o}", "orig_to", mw_json_raw(w->orig),
			      "to", mw_json_raw(w->to), "provider", w->provider,
			      "refusals", (json_int_t)w->r.count, "first", when(w->first),
			      "last", when(w->last));
		json_array_append(data, d);
		f.rule_id = "logs.forwarded-refused";
		f.severity = MW_SEV_MEDIUM;
		f.cause = MW_CAUSE_FORWARDER;
		f.title = title;
		f.remediation = fix;
		add(ctx, &f, &w->samples, d);
	}
}

void mw_ml_agg_providers_report(struct ml_agg *a, struct mw_ctx *ctx, json_t *d)
{
	json_t *prov = json_array(), *fwd = json_array();
	struct ml_rec **v;
	size_t n;

	v = mw_ml_tab_sorted(&a->provs, &n);
	provider_findings(ctx, v, n, prov);
	free(v);
	v = mw_ml_tab_sorted(&a->fwds, &n);
	forward_findings(ctx, v, n, fwd);
	free(v);
	json_object_set_new(d, "provider_refusals", prov);
	json_object_set_new(d, "forwarded_refusals", fwd);
}
