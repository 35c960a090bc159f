/*
 * The reputation checks: per sending domain SPF, DMARC and the DKIM keys
 * the signer uses; per sending address the PTR and its forward
 * confirmation; per HELO name its addresses. Every finding names the
 * record and gives the record to publish.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ctx.h"
#include "reports/report.h"
#include "scanner/reput/rp_run.h"
#include "scanner/reput/rp_spf.h"
#include "scanner/reput/rp_tags.h"

#define FIX_MAX	2048

/* One finding; details (may be NULL) is taken over. */
static void finding(struct rp_run *r, const char *rule, enum mw_severity sev,
		    const char *ip, const char *path, const char *excerpt,
		    const char *fix, json_t *details, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));

static void finding(struct rp_run *r, const char *rule, enum mw_severity sev,
		    const char *ip, const char *path, const char *excerpt,
		    const char *fix, json_t *details, const char *fmt, ...)
{
	struct mw_finding f = { 0 };
	char title[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	f.check = MW_REPUT_CHECK;
	f.rule_id = rule;
	f.severity = sev;
	f.cause = MW_CAUSE_MAIL_AUTH;
	f.title = title;
	f.ip = ip;
	f.path = path;
	f.excerpt = excerpt;
	f.remediation = fix;
	f.details = details;
	(void)mw_report_add(r->rep, &f);
	json_decref(details);
}

/* A lookup that ended without an answer to judge: an error, and the run
 * is incomplete. */
static void dns_error(struct rp_run *r, const char *name, const char *what,
		      enum mw_dns_status st)
{
	r->errors++;
	mw_report_error(r->rep, MW_REPUT_CHECK, name, 0, MW_ERR_NET,
			"%s: %s lookup failed (%s); not judged", name, what,
			mw_dns_status_name(st));
}

static json_t *jstr(const char *s)
{
	return s ? mw_json_raw(s) : json_null();
}

/* "ip4:192.0.2.1 ip6:2001:db8::1" for every checked sending address. */
static void ip_terms(const struct rp_run *r, char *dst, size_t len)
{
	size_t i, u = 0;

	dst[0] = '\0';
	for (i = 0; i < r->addrs.n; i++) {
		const struct mw_dnsbl_addr *a = &r->addrs.v[i];
		int n;

		if (!a->queried)
			continue;
		n = snprintf(dst + u, len - u, "%s%s:%s", u ? " " : "",
			     a->ip.family == AF_INET ? "ip4" : "ip6", a->text);
		if (n < 0 || (size_t)n >= len - u)
			break;
		u += (size_t)n;
	}
}

/* The record with term inserted before its "all" or redirect=, or at the
 * end. */
static void spf_with_term(const struct spf_record *rec, const char *txt,
			  const char *term, char *dst, size_t len)
{
	size_t i, at = strlen(txt);

	for (i = 0; i < rec->n; i++) {
		if (rec->t[i].kind == SPF_ALL || rec->t[i].kind == SPF_REDIRECT) {
			at = (size_t)(rec->t[i].text - txt);
			break;
		}
	}
	while (at > 0 && txt[at - 1] == ' ')
		at--;
	snprintf(dst, len, "%.*s %s%s%s", (int)at, txt, term, txt[at] ? " " : "",
		 txt[at] ? txt + at + strspn(txt + at, " ") : "");
}

static void check_spf(struct rp_run *r, const struct rp_name *d, json_t *jd)
{
	char terms[1024], fix[FIX_MAX], err[160], sender[RP_NAME_MAX + 16];
	struct spf_record rec;
	enum mw_dns_status st;
	const char *txt;
	json_t *js = json_object(), *jres;
	unsigned count;
	size_t i;
	int rc;

	json_object_set_new(jd, "spf", js);
	ip_terms(r, terms, sizeof(terms));
	rc = mw_spf_fetch(r->dns, d->name, &txt, &st);
	json_object_set_new(js, "record", jstr(txt));
	if (rc < 0) {
		dns_error(r, d->name, "SPF (TXT)", st);
		return;
	}
	if (rc == 1) {
		snprintf(fix, sizeof(fix), "Publish one TXT record at %s: \"v=spf1 %s -all\" "
			 "(add include: terms for any other service that sends as %s).",
			 d->name, terms[0] ? terms : "a mx", d->name);
		finding(r, "reputation.spf-missing", MW_SEV_MEDIUM, NULL, NULL, NULL, fix,
			json_pack("{s:o, s:o}", "domain", jstr(d->name), "record_name",
				  jstr(d->name)),
			"%s has no SPF record: receivers cannot tell its mail from forgeries",
			d->name);
		return;
	}
	if (rc == 2) {
		snprintf(fix, sizeof(fix), "Merge the SPF records of %s into one TXT record "
			 "starting with v=spf1: several are a permanent error.", d->name);
		finding(r, "reputation.spf-invalid", MW_SEV_HIGH, NULL, NULL, txt, fix,
			json_pack("{s:o, s:s}", "domain", jstr(d->name), "error",
				  "more than one SPF record"),
			"%s publishes more than one SPF record (permerror at every receiver)",
			d->name);
		return;
	}
	if (mw_spf_parse(txt, &rec, err, sizeof(err)) != 0) {
		snprintf(fix, sizeof(fix), "Correct the SPF record of %s (%s), e.g. "
			 "\"v=spf1 %s -all\".", d->name, err, terms[0] ? terms : "a mx");
		finding(r, "reputation.spf-invalid", MW_SEV_HIGH, NULL, NULL, txt, fix,
			json_pack("{s:o, s:o}", "domain", jstr(d->name), "error", jstr(err)),
			"the SPF record of %s is not valid: %s (permerror at every receiver)",
			d->name, err);
		return;
	}
	for (i = 0; i < rec.n; i++) {
		const struct spf_term *t = &rec.t[i];

		if (t->kind != SPF_ALL || (t->qual != '+' && t->qual != '?'))
			continue;
		snprintf(fix, sizeof(fix), "End the SPF record of %s with -all (or ~all while "
			 "testing) instead of %.*s.", d->name, (int)t->text_len, t->text);
		finding(r, "reputation.spf-weak-policy",
			t->qual == '+' ? MW_SEV_HIGH : MW_SEV_LOW, NULL, NULL, txt, fix,
			json_pack("{s:o, s:s#}", "domain", jstr(d->name), "term", t->text,
				  (int)t->text_len),
			t->qual == '+' ? "the SPF record of %s ends with +all: every host on the "
			"internet may send as it" : "the SPF record of %s ends with ?all: it "
			"vouches for nothing", d->name);
		break;
	}
	count = mw_spf_count_lookups(r->dns, d->name);
	json_object_set_new(js, "lookups", json_integer(count));
	if (count > SPF_MAX_LOOKUPS) {
		snprintf(fix, sizeof(fix), "Bring the SPF record of %s to at most 10 DNS "
			 "lookups: replace a, mx and include terms by the ip4:/ip6: networks "
			 "they stand for, and drop includes of services no longer used.",
			 d->name);
		finding(r, "reputation.spf-too-many-lookups", MW_SEV_HIGH, NULL, NULL, txt,
			fix, json_pack("{s:o, s:i}", "domain", jstr(d->name), "lookups", count),
			"the SPF record of %s needs %u DNS lookups (more than 10 is a "
			"permerror at receivers)", d->name, count);
	}
	snprintf(sender, sizeof(sender), "postmaster@%s", d->name);
	jres = json_object();
	json_object_set_new(js, "results", jres);
	for (i = 0; i < r->addrs.n; i++) {
		const struct mw_dnsbl_addr *a = &r->addrs.v[i];
		struct spf_eval ev;
		char term[64];

		if (!a->queried)
			continue;
		mw_spf_check_host(r->dns, &a->ip, d->name, sender, &ev);
		json_object_set_new(jres, a->text, json_pack("{s:s, s:o}", "result",
			mw_spf_result_name(ev.result), "why", jstr(ev.why)));
		if (ev.result == SPF_PASS)
			continue;
		if (ev.result == SPF_TEMPERROR) {
			r->errors++;
			mw_report_error(r->rep, MW_REPUT_CHECK, d->name, 0, MW_ERR_NET,
					"SPF of %s for %s: temperror (%s); not judged",
					d->name, a->text, ev.why);
			continue;
		}
		if (ev.result == SPF_PERMERROR) {
			if (count > SPF_MAX_LOOKUPS)
				continue;	/* said above */
			snprintf(fix, sizeof(fix), "Correct the SPF record of %s or the records "
				 "it includes: %s.", d->name, ev.why);
			finding(r, "reputation.spf-invalid", MW_SEV_HIGH, a->text, NULL, txt, fix,
				json_pack("{s:o, s:o}", "domain", jstr(d->name), "error",
					  jstr(ev.why)),
				"the SPF record of %s fails to evaluate: %s (permerror)",
				d->name, ev.why);
			continue;
		}
		snprintf(term, sizeof(term), "%s:%s", a->ip.family == AF_INET ? "ip4" : "ip6",
			 a->text);
		{
			char rec_fix[1200];

			spf_with_term(&rec, txt, term, rec_fix, sizeof(rec_fix));
			snprintf(fix, sizeof(fix), "Authorise %s in the SPF record of %s: "
				 "\"%s\".", a->text, d->name, rec_fix);
		}
		finding(r, "reputation.spf-not-authorized", MW_SEV_HIGH, a->text, NULL, txt, fix,
			json_pack("{s:o, s:s, s:o}", "domain", jstr(d->name), "result",
				  mw_spf_result_name(ev.result), "why", jstr(ev.why)),
			"the SPF record of %s does not authorise the sending address %s "
			"(result %s)", d->name, a->text, mw_spf_result_name(ev.result));
	}
}

/* DMARC records at name: 0 one found (*txt), 1 none, 2 several, -1 error. */
static int dmarc_at(struct rp_run *r, const char *name, const char **txt,
		    enum mw_dns_status *st)
{
	const struct rp_answer *a = mw_rp_dns_get(r->dns, name, RP_TXT);
	size_t i, n = 0;

	*st = a->status;
	*txt = NULL;
	if (mw_rp_dns_is_void(a->status))
		return 1;
	if (a->status != MW_DNS_ANSWER)
		return -1;
	for (i = 0; i < a->n; i++) {
		/* RFC 7489 6.6.3: records not starting with v=DMARC1 are ignored */
		if (strncmp(a->v[i], "v=DMARC1", 8) == 0 &&
		    (a->v[i][8] == ';' || a->v[i][8] == ' ' || a->v[i][8] == '\0')) {
			if (!n++)
				*txt = a->v[i];
		}
	}
	return n == 0 ? 1 : n == 1 ? 0 : 2;
}

static void check_dmarc(struct rp_run *r, const struct rp_name *d, json_t *jd)
{
	char name[RP_NAME_MAX + 8], fix[FIX_MAX], err[160];
	const char *txt = NULL, *at = d->name;
	struct dmarc_record rec;
	enum mw_dns_status st;
	json_t *j = json_object();
	int rc;

	json_object_set_new(jd, "dmarc", j);
	/* the domain, then its parents down to two labels: the organisational
	 * domain's record covers subdomains (approximated without the public
	 * suffix list: a two-label suffix is never asked for itself) */
	for (;;) {
		snprintf(name, sizeof(name), "_dmarc.%s", at);
		rc = dmarc_at(r, name, &txt, &st);
		if (rc != 1)
			break;
		at = strchr(at, '.');
		if (!at || !strchr(at + 1, '.'))
			break;
		at++;
	}
	json_object_set_new(j, "record_name", jstr(name));
	json_object_set_new(j, "record", jstr(txt));
	if (rc < 0) {
		dns_error(r, name, "DMARC (TXT)", st);
		return;
	}
	if (rc == 1) {
		snprintf(fix, sizeof(fix), "Publish a TXT record at _dmarc.%s: \"v=DMARC1; "
			 "p=none; rua=mailto:postmaster@%s\", read the reports, then move to "
			 "p=quarantine or p=reject.", d->name, d->name);
		finding(r, "reputation.dmarc-missing", MW_SEV_MEDIUM, NULL, NULL, NULL, fix,
			json_pack("{s:o, s:s+}", "domain", jstr(d->name), "record_name",
				  "_dmarc.", d->name),
			"%s has no DMARC record (Gmail and Yahoo require one from bulk senders)",
			d->name);
		return;
	}
	if (rc == 2 || mw_dmarc_parse(txt, &rec, err, sizeof(err)) != 0) {
		if (rc == 2)
			snprintf(err, sizeof(err), "more than one DMARC record");
		snprintf(fix, sizeof(fix), "Publish exactly one valid record at %s, e.g. "
			 "\"v=DMARC1; p=none; rua=mailto:postmaster@%s\".", name, d->name);
		finding(r, "reputation.dmarc-invalid", MW_SEV_MEDIUM, NULL, NULL, txt, fix,
			json_pack("{s:o, s:o, s:o}", "domain", jstr(d->name), "record_name",
				  jstr(name), "error", jstr(err)),
			"the DMARC record of %s is not valid: %s (receivers ignore it)",
			d->name, err);
		return;
	}
	json_object_set_new(j, "policy", json_string(rec.p));
	json_object_set_new(j, "subdomain_policy", json_string(rec.sp[0] ? rec.sp : rec.p));
	json_object_set_new(j, "pct", json_integer(rec.pct));
	json_object_set_new(j, "rua", jstr(rec.rua[0] ? rec.rua : NULL));
}

/* "Publish ... at name: record" for the key on disk. */
static void publish(char *fix, size_t len, const char *name, const char *record,
		    const char *keyfile)
{
	if (record[0])
		snprintf(fix, len, "Publish the signer's public key as the TXT record %s: "
			 "\"%s\" (or point the signer at the key that is published).",
			 name, record);
	else
		snprintf(fix, len, "Publish the public half of %s as the TXT record %s "
			 "(openssl pkey -in KEY -pubout).", keyfile, name);
}

static void check_dkim(struct rp_run *r, const struct dkim_signer *s, json_t *jd)
{
	char name[RP_NAME_MAX + 80], fix[FIX_MAX], why[300], err[160];
	char fp_disk[DKIM_FP_LEN], fp_dns[DKIM_FP_LEN], pub[1600];
	const struct rp_answer *a;
	struct dkim_key key;
	const char *txt = NULL;
	json_t *j = json_object(), *arr = json_object_get(jd, "dkim");
	enum dkim_cmp c;
	size_t i;

	if (!arr) {
		arr = json_array();
		json_object_set_new(jd, "dkim", arr);
	}
	json_array_append_new(arr, j);
	snprintf(name, sizeof(name), "%s._domainkey.%s", s->selector, s->domain);
	json_object_set_new(j, "selector", jstr(s->selector));
	json_object_set_new(j, "record_name", jstr(name));
	json_object_set_new(j, "key_file", jstr(s->keyfile));
	json_object_set_new(j, "source", jstr(s->source));
	a = mw_rp_dns_get(r->dns, name, RP_TXT);
	if (!mw_rp_dns_is_void(a->status) && a->status != MW_DNS_ANSWER) {
		dns_error(r, name, "DKIM (TXT)", a->status);
		return;
	}
	(void)mw_dkim_compare(s->keyfile, NULL, fp_disk, fp_dns, pub, sizeof(pub), why,
			   sizeof(why));
	if (mw_rp_dns_is_void(a->status)) {
		json_object_set_new(j, "result", json_string("missing"));
		publish(fix, sizeof(fix), name, pub, s->keyfile);
		finding(r, "reputation.dkim-selector-missing", MW_SEV_HIGH, NULL, s->keyfile, NULL,
			fix, json_pack("{s:o, s:o, s:o}", "domain", jstr(s->domain), "selector",
				       jstr(s->selector), "record_name", jstr(name)),
			"the DKIM selector %s of %s is not in DNS (%s): signatures fail",
			s->selector, s->domain, name);
		return;
	}
	for (i = 0; i < a->n; i++)
		if (mw_dkim_key_parse(a->v[i], &key, err, sizeof(err)) == 0) {
			txt = a->v[i];
			break;
		}
	if (!txt) {
		publish(fix, sizeof(fix), name, pub, s->keyfile);
		finding(r, "reputation.dkim-record-invalid", MW_SEV_HIGH, NULL, s->keyfile,
			a->n ? a->v[0] : NULL, fix,
			json_pack("{s:o, s:o, s:o}", "domain", jstr(s->domain), "record_name",
				  jstr(name), "error", jstr(err)),
			"the DKIM key record %s is not valid: %s", name, err);
		return;
	}
	if (key.p_len == 0) {
		json_object_set_new(j, "result", json_string("revoked"));
		finding(r, "reputation.dkim-key-revoked", MW_SEV_HIGH, NULL, s->keyfile, txt,
			"Publish the current public key at the selector, or point the signer "
			"at a selector whose key is published.",
			json_pack("{s:o, s:o}", "domain", jstr(s->domain), "record_name", jstr(name)),
			"the DKIM key at %s is revoked (empty p=) but the signer still uses it",
			name);
		return;
	}
	c = mw_dkim_compare(s->keyfile, &key, fp_disk, fp_dns, pub, sizeof(pub), why,
			 sizeof(why));
	json_object_set_new(j, "sha256_dns", jstr(fp_dns[0] ? fp_dns : NULL));
	json_object_set_new(j, "sha256_disk", jstr(fp_disk[0] ? fp_disk : NULL));
	switch (c) {
	case DKIM_MATCH:
		json_object_set_new(j, "result", json_string("match"));
		return;
	case DKIM_MISMATCH:
		json_object_set_new(j, "result", json_string("mismatch"));
		publish(fix, sizeof(fix), name, pub, s->keyfile);
		finding(r, "reputation.dkim-key-mismatch", MW_SEV_HIGH, NULL, s->keyfile, NULL,
			fix, json_pack("{s:o, s:o, s:o, s:s, s:s}", "domain", jstr(s->domain),
				       "selector", jstr(s->selector), "record_name", jstr(name),
				       "sha256_dns", fp_dns, "sha256_disk", fp_disk),
			"the DKIM key published at %s is not the one %s signs with: "
			"signatures fail", name, s->keyfile);
		return;
	case DKIM_BAD_DNS_KEY:
		json_object_set_new(j, "result", json_string("bad-dns-key"));
		publish(fix, sizeof(fix), name, pub, s->keyfile);
		finding(r, "reputation.dkim-record-invalid", MW_SEV_HIGH, NULL, s->keyfile, txt,
			fix, json_pack("{s:o, s:o, s:o}", "domain", jstr(s->domain), "record_name",
				       jstr(name), "error", jstr(why)),
			"the DKIM key record %s is not valid: %s", name, why);
		return;
	case DKIM_BAD_PRIVATE_KEY:
		json_object_set_new(j, "result", json_string("unreadable-key"));
		r->errors++;
		mw_report_error(r->rep, MW_REPUT_CHECK, s->keyfile, 0, MW_ERR_PARSE,
				"DKIM key of %s: %s; not compared", name, why);
		return;
	}
}

void mw_rp_check_domain(struct rp_run *r, const struct rp_name *d)
{
	json_t *jd = json_pack("{s:o, s:o}", "domain", jstr(d->name), "source",
			       jstr(d->source));
	size_t i;

	json_array_append_new(r->j_domains, jd);
	check_spf(r, d, jd);
	check_dmarc(r, d, jd);
	for (i = 0; i < r->dkim.n; i++)
		if (strcasecmp(r->dkim.v[i].domain, d->name) == 0)
			check_dkim(r, &r->dkim.v[i], jd);
}

/* Does name resolve to the address of a (1), not (0), or not at all (-1,
 * *st says why)? The addresses are appended to jaddrs when given. */
static int resolves_to(struct rp_run *r, const char *name, const struct mw_ip *ip,
		       enum mw_dns_status *st, json_t *jaddrs)
{
	static const enum rp_rrtype types[2] = { RP_A, RP_AAAA };
	int any = 0, hit = 0, k;
	size_t i;

	*st = MW_DNS_NXDOMAIN;
	for (k = 0; k < 2; k++) {
		const struct rp_answer *a = mw_rp_dns_get(r->dns, name, types[k]);
		char txt[MW_DNSBL_IPSTR_MAX];

		if (a->status != MW_DNS_ANSWER) {
			if (!mw_rp_dns_is_void(a->status) || !any)
				*st = mw_rp_dns_is_void(*st) ? a->status : *st;
			continue;
		}
		any = 1;
		*st = MW_DNS_ANSWER;
		for (i = 0; i < a->n; i++) {
			if (ip && mw_ip_equal(&a->ip[i], ip))
				hit = 1;
			if (jaddrs) {
				mw_ip_format(&a->ip[i], txt, sizeof(txt));
				json_array_append_new(jaddrs, json_string(txt));
			}
		}
	}
	return any ? hit : -1;
}

void mw_rp_check_ptr(struct rp_run *r, const struct mw_dnsbl_addr *a)
{
	char rev[MW_DNSBL_QNAME_MAX], fix[FIX_MAX];
	const char *helo = r->helo.n ? r->helo.v[0].name : "mail.example.com";
	const struct rp_answer *ans;
	json_t *j = json_object(), *names = json_array();
	size_t i;
	int confirmed = 0;

	json_array_append_new(r->j_ptr, j);
	json_object_set_new(j, "ip", json_string(a->text));
	json_object_set_new(j, "names", names);
	if (mw_dnsbl_qname(&a->ip, a->ip.family == AF_INET ? "in-addr.arpa" : "ip6.arpa",
			   rev, sizeof(rev)) != MW_OK)
		return;
	ans = mw_rp_dns_get(r->dns, rev, RP_PTR);
	if (!mw_rp_dns_is_void(ans->status) && ans->status != MW_DNS_ANSWER) {
		dns_error(r, rev, "PTR", ans->status);
		return;
	}
	if (mw_rp_dns_is_void(ans->status)) {
		json_object_set_new(j, "result", json_string("missing"));
		snprintf(fix, sizeof(fix), "Ask whoever owns %s (the hosting provider's panel "
			 "or support) to set its PTR record to %s, a name whose A/AAAA record "
			 "is %s; use the same name as the HELO name.", a->text, helo, a->text);
		finding(r, "reputation.ptr-missing", MW_SEV_HIGH, a->text, NULL, NULL, fix,
			json_pack("{s:s}", "record_name", rev),
			"the sending address %s has no PTR record (Gmail, Microsoft and others "
			"refuse or junk such mail)", a->text);
		return;
	}
	for (i = 0; i < ans->n && i < SPF_MAX_MXPTR; i++) {
		enum mw_dns_status st;

		json_array_append_new(names, mw_json_raw(ans->v[i]));
		if (resolves_to(r, ans->v[i], &a->ip, &st, NULL) == 1)
			confirmed = 1;
	}
	json_object_set_new(j, "result", json_string(confirmed ? "confirmed" : "unconfirmed"));
	if (confirmed)
		return;
	snprintf(fix, sizeof(fix), "Publish an %s record %s -> %s (forward-confirmed "
		 "reverse DNS), or have the PTR of %s changed to a name that resolves to it.",
		 a->ip.family == AF_INET ? "A" : "AAAA", ans->v[0], a->text, a->text);
	finding(r, "reputation.ptr-not-confirmed", MW_SEV_HIGH, a->text, NULL, ans->v[0], fix,
		json_pack("{s:s, s:O}", "record_name", rev, "names", names),
		"the PTR of %s (%s) does not resolve back to %s", a->text, ans->v[0], a->text);
}

void mw_rp_check_helo(struct rp_run *r, const struct rp_name *h)
{
	json_t *j = json_object(), *addrs = json_array();
	enum mw_dns_status st;
	char fix[FIX_MAX];
	size_t i;

	json_array_append_new(r->j_helo, j);
	json_object_set_new(j, "name", jstr(h->name));
	json_object_set_new(j, "source", jstr(h->source));
	json_object_set_new(j, "addresses", addrs);
	if (resolves_to(r, h->name, NULL, &st, addrs) < 0) {
		if (!mw_rp_dns_is_void(st)) {
			dns_error(r, h->name, "HELO name (A/AAAA)", st);
			return;
		}
		snprintf(fix, sizeof(fix), "Publish an A record %s -> the sending address, or "
			 "set the HELO name (%s) to a name that has one (and is the PTR of "
			 "the sending address).", h->name, h->source);
		finding(r, "reputation.helo-not-resolving", MW_SEV_MEDIUM, NULL, NULL, h->name,
			fix, json_pack("{s:o, s:o}", "name", jstr(h->name), "source",
				       jstr(h->source)),
			"the HELO name %s does not resolve (%s): many receivers refuse it",
			h->name, mw_dns_status_name(st));
		return;
	}
	for (i = 0; i < r->addrs.n; i++) {
		const struct mw_dnsbl_addr *a = &r->addrs.v[i];

		if (!a->queried || resolves_to(r, h->name, &a->ip, &st, NULL) != 0)
			continue;
		/* a name with addresses of the other family only says nothing */
		if (!mw_rp_dns_is_void(mw_rp_dns_get(r->dns, h->name, a->ip.family == AF_INET ?
					       RP_A : RP_AAAA)->status)) {
			snprintf(fix, sizeof(fix), "Add %s to the addresses of %s, or send from "
				 "an address the HELO name resolves to.", a->text, h->name);
			finding(r, "reputation.helo-mismatch", MW_SEV_LOW, a->text, NULL, h->name,
				fix, json_pack("{s:o, s:o}", "name", jstr(h->name), "source",
					       jstr(h->source)),
				"the HELO name %s does not resolve to the sending address %s",
				h->name, a->text);
		}
	}
}
