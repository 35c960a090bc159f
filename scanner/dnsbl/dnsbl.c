/*
 * The dnsbl check (dnsbl.h, mw_dnsbl_run).
 *
 * Which addresses does this host send from (given, or discovered from the
 * MTA settings and the kernel), and what does every blocklist say about
 * each of them. Findings: listed (high), error answers and lookups without
 * an answer (low); the data section "dnsbl" holds the verdict table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/cmdline.h"
#include "core/progress.h"
#include "reports/report.h"
#include "scanner/dnsbl/dnsbl.h"

#define CHECK "dnsbl"
#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
			 ((uint32_t)(c) << 8) | (uint32_t)(d))

struct run {
	struct mw_ctx *ctx;
	struct mw_report *rep;		/* where findings go */
	struct mw_dnsbl_addrs addrs;
	struct mw_strlist zones;		/* zone names as given */
	const struct mw_dnsbl_list *lists[MW_DNSBL_MAX_LISTS];
	struct mw_dnsbl_list scratch[MW_DNSBL_MAX_LISTS];
	size_t nlists;
	char resolver[MW_DNSBL_IPSTR_MAX + 16];
	char servers[512];
	unsigned timeout_ms, tries;
	long elapsed_ms;
	int discovered;
	/* RFC 5782 test points, looked up once per list and run */
	struct mw_dnsbl_addr tp_addr[2];	/* 127.0.0.2, 127.0.0.1 */
	enum mw_dnsbl_health health[MW_DNSBL_MAX_LISTS];
	char health_why[MW_DNSBL_MAX_LISTS][MW_DNSBL_MEANING_MAX];
	const struct mw_dnsbl_query *tp_q[MW_DNSBL_MAX_LISTS][2];
};

static const char listed_fix[] =
	"Fix the cause first: find what sent the spam and stop it (run `mailwarden audit`: "
	"mailer scripts in the web roots, hijacked mailboxes and forwarders, an open relay, "
	"the senders in the mail logs). Only then request delisting%s%s; a request while "
	"spam still flows gets the address listed again, often for longer.";

static const char pbl_fix[] =
	"This is a policy listing, not a spam report: the address is end-user space that "
	"should not send mail directly. Send through your provider's relay (smarthost), or "
	"if this is a real server ask the provider to fix its rDNS and remove it from the "
	"PBL%s%s.";

/* ------------------------------------------------------------------ helpers */

static enum mw_err add_zone(struct run *r, const char *zone, const char *origin)
{
	char err[128];
	size_t i;

	if (mw_dnsbl_zone_check(zone, err, sizeof(err)) != MW_OK)
		return mw_usage(r->ctx, "%s: bad DNSBL zone '%s': %s", origin, zone, err);
	for (i = 0; i < r->zones.n; i++)
		if (strcasecmp(r->zones.v[i], zone) == 0)
			return MW_OK;
	if (r->zones.n >= MW_DNSBL_MAX_LISTS)
		return mw_usage(r->ctx, "at most %d lists", MW_DNSBL_MAX_LISTS);
	if (mw_strlist_add(&r->zones, zone) != MW_OK)
		return mw_fail(r->ctx, MW_ERR_NOMEM, "out of memory");
	return MW_OK;
}

enum mw_err mw_dnsbl_add_ip_text(struct mw_ctx *ctx, struct mw_dnsbl_addrs *set,
				 const char *text, const char *source, int from_config)
{
	struct mw_ip ip;
	char err[128];
	enum mw_err e;

	if (mw_ip_parse(text, &ip, err, sizeof(err)) != MW_OK) {
		if (from_config)
			return mw_fail(ctx, MW_ERR_CONFIG, "[dnsbl] ips: '%s': %s", text, err);
		return mw_usage(ctx, "bad IP address '%s': %s", text, err);
	}
	e = mw_dnsbl_addrs_add(set, &ip, source);
	if (e == MW_ERR_LIMIT)
		return mw_usage(ctx, "at most %d addresses", MW_DNSBL_MAX_IPS);
	if (e != MW_OK)
		return mw_fail(ctx, e, "out of memory");
	return MW_OK;
}

static enum mw_err add_ip(struct run *r, const char *text, const char *source,
			  int from_config)
{
	return mw_dnsbl_add_ip_text(r->ctx, &r->addrs, text, source, from_config);
}

enum mw_err mw_dnsbl_resolver_settings(struct mw_ctx *ctx, const char *resolver,
				       unsigned timeout_ms, unsigned tries,
				       struct mw_dnsbl_resolver *out)
{
	struct mw_config *cfg = ctx->cfg;
	char err[128];

	if (!resolver)
		resolver = cfg->dnsbl_resolver;
	out->server[0] = '\0';
	out->timeout_ms = timeout_ms ? timeout_ms : cfg->dnsbl_timeout_ms;
	out->tries = tries ? tries : cfg->dnsbl_tries;
	if (out->timeout_ms < 50 || out->timeout_ms > 60000)
		return mw_fail(ctx, MW_ERR_CONFIG, "[dnsbl] timeout_ms must be 50-60000");
	if (out->tries < 1 || out->tries > 10)
		return mw_fail(ctx, MW_ERR_CONFIG, "[dnsbl] tries must be 1-10");
	if (resolver && *resolver &&
	    mw_dnsbl_resolver_parse(resolver, out->server, sizeof(out->server),
				    err, sizeof(err)) != MW_OK) {
		if (resolver == cfg->dnsbl_resolver)
			return mw_fail(ctx, MW_ERR_CONFIG, "[dnsbl] resolver '%s': %s",
				       resolver, err);
		return mw_usage(ctx, "--resolver '%s': %s", resolver, err);
	}
	return MW_OK;
}

static const char *class_advice(enum mw_ip_class c)
{
	switch (c) {
	case MW_IPC_PRIVATE:
	case MW_IPC_CGNAT:
		return "the host is behind NAT; blocklists see the public address of the NAT";
	case MW_IPC_ULA:
		return "unique local IPv6 address; mail leaves through a translator or another address";
	case MW_IPC_DOCUMENTATION:
		return "documentation range; not a real sending address";
	default:
		return "never a sending address on the internet";
	}
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *ip4_array(const uint32_t *a, size_t n)
{
	json_t *arr = json_array();
	char buf[16];
	size_t i;

	for (i = 0; arr && i < n; i++) {
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a[i] >> 24, (a[i] >> 16) & 0xff,
			 (a[i] >> 8) & 0xff, a[i] & 0xff);
		json_array_append_new(arr, json_string(buf));
	}
	return arr;
}

/* ----------------------------------------------------------------- findings */

static int has_code(const struct mw_dnsbl_judgement *j, uint32_t code, int codes)
{
	const uint32_t *a = codes ? j->codes : j->ignored;
	size_t i, n = codes ? j->ncodes : j->nignored;

	for (i = 0; i < n; i++)
		if (a[i] == code)
			return 1;
	return 0;
}

static void error_fix(const struct mw_dnsbl_judgement *j, char *dst, size_t len)
{
	if (has_code(j, IP4(127, 255, 255, 254), 0))
		snprintf(dst, len, "Spamhaus refuses queries that come through public or open "
			 "resolvers (8.8.8.8, 1.1.1.1, many cloud resolvers): query through a "
			 "recursive resolver of your own (e.g. unbound on 127.0.0.1, then "
			 "--resolver 127.0.0.1 or [dnsbl] resolver), or use Spamhaus DQS. "
			 "Receiving servers do not see this error: it says nothing about your listing.");
	else if (has_code(j, IP4(127, 255, 255, 255), 0))
		snprintf(dst, len, "The resolver made too many queries to Spamhaus: use a "
			 "recursive resolver of your own or Spamhaus DQS, then check again.");
	else if (has_code(j, IP4(127, 255, 255, 252), 0))
		snprintf(dst, len, "Check the spelling of the zone name in --list or [dnsbl] lists.");
	else
		snprintf(dst, len, "The answer is not a valid listing: use a resolver that "
			 "does not rewrite answers (a local recursive resolver, --resolver), "
			 "then check again.");
}

static void report_result(struct run *r, const struct mw_dnsbl_query *q,
			  const struct mw_dnsbl_judgement *j)
{
	const struct mw_dnsbl_list *l = q->list;
	struct mw_finding f = { 0 };
	char title[512], fix[1024];
	json_t *d;
	int pbl_only = 0;

	if (j->verdict == MW_VERDICT_CLEAN)
		return;
	d = json_pack("{s:o, s:o, s:s, s:o, s:o, s:s, s:s}",
		      "code", str_or_null(j->code),
		      "codes", ip4_array(j->codes, j->ncodes),
		      "meaning", j->meaning,
		      "txt", str_or_null(q->txt_asked ? q->txt : NULL),
		      "delist_url", str_or_null(l->delist_url),
		      "list_name", l->name,
		      "verdict", mw_dnsbl_verdict_name(j->verdict));
	f.check = CHECK;
	f.ip = q->addr->text;
	f.list = l->zone;
	f.details = d;
	switch (j->verdict) {
	case MW_VERDICT_LISTED:
		if (l->spamhaus) {
			size_t i;

			pbl_only = 1;
			for (i = 0; i < j->ncodes; i++)
				if (j->codes[i] != IP4(127, 0, 0, 10) &&
				    j->codes[i] != IP4(127, 0, 0, 11))
					pbl_only = 0;
		}
		f.rule_id = "dnsbl.listed";
		f.cause = MW_CAUSE_LISTED;
		f.severity = MW_SEV_HIGH;
		/* the first (most serious) code's meaning names the reason */
		snprintf(title, sizeof(title), "%s is listed in %s: %.*s", q->addr->text,
			 l->zone, (int)strcspn(j->meaning, ";"), j->meaning);
		snprintf(fix, sizeof(fix), pbl_only ? pbl_fix : listed_fix,
			 l->delist_url ? " at " : "", l->delist_url ? l->delist_url : "");
		break;
	case MW_VERDICT_ERROR:
		f.rule_id = "dnsbl.error";
		f.severity = MW_SEV_LOW;
		snprintf(title, sizeof(title), "%s answered %s for %s: an error, not a listing",
			 l->zone, j->code[0] ? j->code : "an invalid code", q->addr->text);
		error_fix(j, fix, sizeof(fix));
		break;
	default:
		f.rule_id = "dnsbl.unknown";
		f.severity = MW_SEV_LOW;
		snprintf(title, sizeof(title), "no verdict from %s for %s (%s)", l->zone,
			 q->addr->text, mw_dns_status_name(q->status));
		snprintf(fix, sizeof(fix), "Check again later or through another resolver "
			 "(--resolver); raise [dnsbl] timeout_ms if the resolver is slow.");
		break;
	}
	f.title = title;
	f.remediation = fix;
	(void)mw_report_add(r->rep, &f);
	json_decref(d);
}

/* One finding for a list whose test points say its answers cannot be
 * trusted (instead of one per address). */
static void report_list(struct run *r, size_t k)
{
	static const char *const rule[MW_LIST__COUNT] = {
		NULL, "dnsbl.list-wildcard", "dnsbl.list-no-test-point", "dnsbl.list-error",
		"dnsbl.list-no-answer"
	};
	static const char *const what[MW_LIST__COUNT] = {
		NULL, "answers for every address (wildcard or dead list): none of its answers "
		"is a listing",
		"does not list its test point 127.0.0.2: its \"not listed\" answers cannot be trusted",
		"answers its test points with an error: it could not be checked",
		"did not answer its test points: it could not be checked"
	};
	const struct mw_dnsbl_list *l = r->lists[k];
	enum mw_dnsbl_health h = r->health[k];
	struct mw_finding f = { 0 };
	char title[512], fix[1024];

	if (h == MW_LIST_OK)
		return;
	f.check = CHECK;
	f.rule_id = rule[h];
	f.severity = MW_SEV_LOW;
	f.list = l->zone;
	snprintf(title, sizeof(title), "%s %s", l->zone, what[h]);
	if (h == MW_LIST_WILDCARD || h == MW_LIST_NO_TESTPOINT)
		snprintf(fix, sizeof(fix), "Remove %s from --list / [dnsbl] lists if it is shut "
			 "down; otherwise check that the resolver reaches it unmodified "
			 "(--resolver with a recursive resolver of your own).", l->zone);
	else if (h == MW_LIST_NO_ANSWER)
		snprintf(fix, sizeof(fix), "Check again later or through another resolver "
			 "(--resolver); raise [dnsbl] timeout_ms if the resolver is slow; remove "
			 "%s from the lists if it is shut down.", l->zone);
	else {
		struct mw_dnsbl_judgement j;
		const struct mw_dnsbl_query *t = r->tp_q[k][1]->status == MW_DNS_ANSWER ?
						 r->tp_q[k][1] : r->tp_q[k][0];

		mw_dnsbl_judge(l, t->status, t->addrs, t->naddrs, &j);
		error_fix(&j, fix, sizeof(fix));
	}
	f.title = title;
	f.remediation = fix;
	f.details = json_pack("{s:s, s:s, s:s}", "health", mw_dnsbl_health_name(h),
			      "meaning", r->health_why[k], "list_name", l->name);
	(void)mw_report_add(r->rep, &f);
	json_decref(f.details);
}

/* --------------------------------------------------------------- text view */

static int render(FILE *out, const json_t *data, int color)
{
	const json_t *addrs = json_object_get(data, "addresses");
	const json_t *results = json_object_get(data, "results");
	const json_t *a;
	size_t i;
	int w = 15;

	(void)color;
	json_array_foreach(addrs, i, a) {
		const char *ip = json_string_value(json_object_get(a, "ip"));

		if (ip && (int)strlen(ip) > w)
			w = (int)strlen(ip);
	}
	if (fprintf(out, "  resolver %s, timeout %" JSON_INTEGER_FORMAT " ms x %"
		    JSON_INTEGER_FORMAT " tries, %" JSON_INTEGER_FORMAT
		    " lookups in %" JSON_INTEGER_FORMAT " ms\n",
		    json_string_value(json_object_get(data, "resolver")) ?: "?",
		    json_integer_value(json_object_get(data, "timeout_ms")),
		    json_integer_value(json_object_get(data, "tries")),
		    json_integer_value(json_object_get(data, "lookups")),
		    json_integer_value(json_object_get(data, "elapsed_ms"))) < 0)
		return -1;
	if (fprintf(out, "  sending addresses:\n") < 0)
		return -1;
	json_array_foreach(addrs, i, a) {
		const json_t *src = json_object_get(a, "sources"), *s;
		size_t k;

		if (fprintf(out, "    %-*s %-13s %s", w, json_string_value(json_object_get(a, "ip")),
			    json_string_value(json_object_get(a, "class")),
			    json_is_true(json_object_get(a, "queried")) ? "" : "(not queried) ") < 0)
			return -1;
		json_array_foreach(src, k, s)
			if (fprintf(out, "%s%s", k ? ", " : "", json_string_value(s)) < 0)
				return -1;
		if (fputc('\n', out) == EOF)
			return -1;
	}
	json_array_foreach(json_object_get(data, "lists"), i, a) {
		const char *h = json_string_value(json_object_get(a, "health"));

		if (h && strcmp(h, "ok") != 0 &&
		    fprintf(out, "  list %s: %s (%s)\n",
			    json_string_value(json_object_get(a, "zone")), h,
			    json_string_value(json_object_get(a, "health_reason"))) < 0)
			return -1;
	}
	if (!json_array_size(results))
		return 0;
	if (fprintf(out, "  %-*s %-24s %-8s %s\n", w, "IP", "LIST", "VERDICT", "CODE") < 0)
		return -1;
	json_array_foreach(results, i, a) {
		const char *code = json_string_value(json_object_get(a, "code"));
		const char *dns = json_string_value(json_object_get(a, "dns"));
		const char *v = json_string_value(json_object_get(a, "verdict"));
		const json_t *codes = json_object_get(a, "codes");
		char all[128] = "";

		if (json_array_size(codes) > 1) {
			const json_t *c;
			size_t k, used = 0;

			json_array_foreach(codes, k, c) {
				int n = snprintf(all + used, sizeof(all) - used, "%s%s",
						 k ? ", " : "", json_string_value(c));

				if (n < 0 || (size_t)n >= sizeof(all) - used)
					break;
				used += (size_t)n;
			}
			code = all;
		}
		if (fprintf(out, "  %-*s %-24s %-8s %s\n", w,
			    json_string_value(json_object_get(a, "ip")),
			    json_string_value(json_object_get(a, "list")),
			    v ? v : "?", code ? code : (dns ? dns : "")) < 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the run */

static json_t *addresses_json(const struct run *r)
{
	json_t *arr = json_array();
	size_t i, k;

	for (i = 0; arr && i < r->addrs.n; i++) {
		const struct mw_dnsbl_addr *a = &r->addrs.v[i];
		json_t *src = json_array();

		for (k = 0; src && k < a->nsources; k++)
			json_array_append_new(src, json_string(a->sources[k]));
		json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:o, s:b}",
						     "ip", a->text,
						     "family", a->ip.family == AF_INET ? 4 : 6,
						     "class", mw_ip_class_name(a->cls),
						     "sources", src ? src : json_array(),
						     "queried", a->queried));
	}
	return arr;
}

static json_t *lists_json(const struct run *r)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < r->nlists; i++) {
		const struct mw_dnsbl_query *t2 = r->tp_q[i][0], *t1 = r->tp_q[i][1];

		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:b, s:o, s:o, s:o}",
			"zone", r->lists[i]->zone,
			"name", r->lists[i]->name,
			"delist_url", str_or_null(r->lists[i]->delist_url),
			"dead", r->lists[i]->dead,
			"health", t2 ? json_string(mw_dnsbl_health_name(r->health[i])) : json_null(),
			"health_reason", t2 ? json_string(r->health_why[i]) : json_null(),
			"test_points", !t2 ? json_null() : json_pack("{s:{s:s, s:o}, s:{s:s, s:o}}",
				"127.0.0.2", "dns", mw_dns_status_name(t2->status),
				"answers", ip4_array(t2->addrs, t2->naddrs),
				"127.0.0.1", "dns", mw_dns_status_name(t1->status),
				"answers", ip4_array(t1->addrs, t1->naddrs))));
	}
	return arr;
}

/* The addresses, lists and settings of o, completed from the config. */
static enum mw_err take_opts(struct run *r, const struct mw_dnsbl_opts *o)
{
	struct mw_config *cfg = r->ctx->cfg;
	struct mw_dnsbl_resolver res;
	enum mw_err e;
	size_t i;

	for (i = 0; i < o->ip.n; i++)
		if ((e = add_ip(r, o->ip.v[i], "--ip", 0)) != MW_OK)
			return e;
	for (i = 0; i < o->lists.n; i++) {
		struct mw_strlist words = { 0 };
		size_t k;

		if (mw_strlist_add_words(&words, o->lists.v[i]) != MW_OK)
			return mw_fail(r->ctx, MW_ERR_NOMEM, "out of memory");
		for (k = 0; k < words.n; k++) {
			if ((e = add_zone(r, words.v[k], "--list")) != MW_OK) {
				mw_strlist_clear(&words);
				return e;
			}
		}
		mw_strlist_clear(&words);
	}
	for (i = 0; i < o->operands.n; i++)
		if ((e = add_ip(r, o->operands.v[i], "command line", 0)) != MW_OK)
			return e;
	if (!r->addrs.n) {
		for (size_t k = 0; k < cfg->dnsbl_ips.n; k++)
			if ((e = add_ip(r, cfg->dnsbl_ips.v[k], "config [dnsbl] ips", 1)) != MW_OK)
				return e;
	}
	if (!o->lists.n) {
		if (cfg->dnsbl_lists.n) {
			for (size_t k = 0; k < cfg->dnsbl_lists.n; k++)
				if ((e = add_zone(r, cfg->dnsbl_lists.v[k],
						  "[dnsbl] lists")) != MW_OK)
					return e;
		} else {
			const char *const *def;
			size_t nd = mw_dnsbl_default_lists(&def);

			for (size_t k = 0; k < nd; k++)
				if ((e = add_zone(r, def[k], "default")) != MW_OK)
					return e;
		}
	}
	if ((e = mw_dnsbl_resolver_settings(r->ctx, o->resolver, o->timeout_ms, o->tries,
					    &res)) != MW_OK)
		return e;
	memcpy(r->resolver, res.server, sizeof(r->resolver));
	r->timeout_ms = res.timeout_ms;
	r->tries = res.tries;
	return MW_OK;
}

static void discover(struct run *r, const char *postfix_dir)
{
	struct mw_strlist notes = { 0 };
	size_t i;

	r->discovered = 1;
	mw_dnsbl_discover_mta(postfix_dir, &r->addrs, &notes);
	(void)mw_dnsbl_discover_netlink(&r->addrs, &notes);
	for (i = 0; i < notes.n; i++)
		mw_report_note(r->rep, CHECK, "%s", notes.v[i]);
	mw_strlist_clear(&notes);
	if (r->addrs.dropped)
		mw_report_note(r->rep, CHECK, "%zu more addresses found and not "
			       "checked (limit %d)", r->addrs.dropped, MW_DNSBL_MAX_IPS);
}

/* Mark what gets looked up; say why the rest is not. Returns the count. */
static size_t choose(struct run *r)
{
	size_t i, n = 0, nonpublic = 0;
	char first[MW_DNSBL_IPSTR_MAX] = "";

	for (i = 0; i < r->addrs.n; i++) {
		struct mw_dnsbl_addr *a = &r->addrs.v[i];

		if (!r->discovered || a->cls == MW_IPC_PUBLIC) {
			a->queried = 1;
			n++;
			if (a->cls != MW_IPC_PUBLIC)
				mw_report_note(r->rep, CHECK, "%s is a %s address; "
					       "looked up because it was given", a->text,
					       mw_ip_class_name(a->cls));
			continue;
		}
		if (!nonpublic++)
			memcpy(first, a->text, sizeof(first));
		mw_report_note(r->rep, CHECK, "%s (%s, %s) not looked up: %s; give the "
			       "public sending address with --ip or [dnsbl] ips", a->text,
			       mw_ip_class_name(a->cls), a->nsources ? a->sources[0] : "?",
			       class_advice(a->cls));
	}
	if (r->discovered && n == 0) {
		struct mw_finding f = { 0 };
		char title[256];

		snprintf(title, sizeof(title), nonpublic ?
			 "no public sending address found (only %s and other non-public "
			 "addresses): blocklists could not be checked" :
			 "no sending address found%s: blocklists could not be checked",
			 nonpublic ? first : "");
		f.check = CHECK;
		f.rule_id = "dnsbl.no-public-ip";
		f.severity = MW_SEV_LOW;
		f.title = title;
		f.remediation = "Find the public address mail leaves from (the NAT's outside "
				"address, e.g. from a 'Received:' header of a mail sent from "
				"this host) and give it with --ip or [dnsbl] ips.";
		(void)mw_report_add(r->rep, &f);
	}
	return n;
}

static void results_json_add(json_t *results, const struct mw_dnsbl_query *q,
			     const struct mw_dnsbl_judgement *j)
{
	json_array_append_new(results, json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:s, s:i}",
		"ip", q->addr->text,
		"list", q->list->zone,
		"verdict", mw_dnsbl_verdict_name(j->verdict),
		"code", str_or_null(j->code),
		"codes", ip4_array(j->codes, j->ncodes),
		"ignored", ip4_array(j->ignored, j->nignored),
		"meaning", j->meaning,
		"txt", str_or_null(q->txt_asked ? q->txt : NULL),
		"dns", mw_dns_status_name(q->status),
		"ms", (json_int_t)q->ms));
}

/* Set up the two RFC 5782 test-point "addresses" looked up under every list. */
static void test_points_init(struct run *r)
{
	static const char *const tp[2] = { "127.0.0.2", "127.0.0.1" };
	size_t t;

	for (t = 0; t < 2; t++) {
		memset(&r->tp_addr[t], 0, sizeof(r->tp_addr[t]));
		(void)mw_ip_parse(tp[t], &r->tp_addr[t].ip, NULL, 0);
		snprintf(r->tp_addr[t].text, sizeof(r->tp_addr[t].text), "%s", tp[t]);
		r->tp_addr[t].cls = MW_IPC_LOOPBACK;
	}
}

static enum mw_err lookup(struct run *r, size_t nips)
{
	struct mw_dnsbl_resolve_opts ro = {
		.server = r->resolver[0] ? r->resolver : NULL,
		.timeout_ms = r->timeout_ms,
		.tries = r->tries,
	};
	struct mw_dnsbl_query *q;
	json_t *results = json_array(), *data;
	size_t nq = 0, nip_q, answered = 0, i, k, count[MW_VERDICT__COUNT] = { 0 };
	enum mw_dnsbl_verdict *results_verdict;
	char err[256];
	enum mw_err e;

	test_points_init(r);
	q = calloc(nips * r->nlists + 2 * r->nlists + 1, sizeof(*q));
	results_verdict = calloc(nips * r->nlists + 1, sizeof(*results_verdict));
	if (!q || !results || !results_verdict) {
		free(results_verdict);
		free(q);
		json_decref(results);
		return mw_fail(r->ctx, MW_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < r->addrs.n; i++) {
		if (!r->addrs.v[i].queried)
			continue;
		for (k = 0; k < r->nlists; k++) {
			q[nq].addr = &r->addrs.v[i];
			q[nq].list = r->lists[k];
			if (mw_dnsbl_qname(&r->addrs.v[i].ip, r->lists[k]->zone,
					   q[nq].qname, sizeof(q[nq].qname)) != MW_OK) {
				mw_report_error(r->rep, CHECK, NULL, 0, MW_ERR_TOOBIG,
						"query name for %s under %s is too long",
						r->addrs.v[i].text, r->lists[k]->zone);
				continue;
			}
			nq++;
		}
	}
	nip_q = nq;
	/* RFC 5782 test points of every list, in the same parallel batch */
	for (k = 0; k < r->nlists; k++) {
		size_t t;

		for (t = 0; t < 2; t++) {
			q[nq].addr = &r->tp_addr[t];
			q[nq].list = r->lists[k];
			if (mw_dnsbl_qname(&r->tp_addr[t].ip, r->lists[k]->zone, q[nq].qname,
					   sizeof(q[nq].qname)) != MW_OK)
				break;
			nq++;
		}
	}
	mw_progress(r->ctx, "dnsbl: %zu lookups", nq);
	e = mw_dnsbl_resolve(q, nq, &ro, &r->elapsed_ms, err, sizeof(err),
			     r->servers, sizeof(r->servers));
	mw_progress_done(r->ctx);
	if (e != MW_OK) {
		free(results_verdict);
		free(q);
		json_decref(results);
		if (e == MW_ERR_USAGE)
			return mw_usage(r->ctx, "%s", err);
		return mw_fail(r->ctx, e, "%s", err);
	}
	for (i = nip_q; i + 1 < nq; i += 2) {
		for (k = 0; k < r->nlists && r->lists[k] != q[i].list; k++)
			;
		if (k == r->nlists)
			continue;
		r->tp_q[k][0] = &q[i];
		r->tp_q[k][1] = &q[i + 1];
		r->health[k] = mw_dnsbl_health(q[i].list, q[i].status, q[i].addrs,
					       q[i].naddrs, q[i + 1].status, q[i + 1].addrs,
					       q[i + 1].naddrs, r->health_why[k],
					       sizeof(r->health_why[k]));
	}
	for (i = 0; i < nip_q; i++) {
		struct mw_dnsbl_judgement j;

		mw_dnsbl_judge(q[i].list, q[i].status, q[i].addrs, q[i].naddrs, &j);
		if (q[i].status != MW_DNS_TIMEOUT && q[i].status != MW_DNS_UNREACHABLE &&
		    q[i].status != MW_DNS_SERVFAIL && q[i].status != MW_DNS_REFUSED &&
		    q[i].status != MW_DNS_OTHER)
			answered++;
		for (k = 0; k < r->nlists && r->lists[k] != q[i].list; k++)
			;
		if (k < r->nlists && r->tp_q[k][0] && r->health[k] == MW_LIST_WILDCARD &&
		    j.verdict != MW_VERDICT_CLEAN && j.verdict != MW_VERDICT_UNKNOWN) {
			/* a list that answers for everything lists nobody */
			j.verdict = MW_VERDICT_ERROR;
			snprintf(j.meaning, sizeof(j.meaning), "not a listing: %s",
				 r->health_why[k]);
		}
		results_verdict[i] = j.verdict;
		count[j.verdict]++;
		results_json_add(results, &q[i], &j);
	}
	if (nip_q && !answered) {
		/* nothing was checked: an error, never a clean or a findings run */
		mw_report_error(r->rep, CHECK, NULL, 0, MW_ERR_NET,
				"no lookup got an answer from the resolver (%s): the blocklists "
				"could not be checked; is it reachable and working? Try --resolver "
				"with a recursive resolver of your own",
				r->servers[0] ? r->servers : "?");
	} else {
		size_t usable = 0;

		for (k = 0; k < r->nlists; k++) {
			if (r->tp_q[k][0])
				report_list(r, k);
			usable += !r->tp_q[k][0] || r->health[k] == MW_LIST_OK ||
				  r->health[k] == MW_LIST_NO_TESTPOINT;
		}
		if (!usable)
			mw_report_error(r->rep, CHECK, NULL, 0, MW_ERR_NET,
					"none of the %zu blocklists answered its test points "
					"usefully (wildcard, error or no answer): the blocklists "
					"could not be checked", r->nlists);
		for (i = 0; i < nip_q; i++) {
			struct mw_dnsbl_judgement j;

			for (k = 0; k < r->nlists && r->lists[k] != q[i].list; k++)
				;
			mw_dnsbl_judge(q[i].list, q[i].status, q[i].addrs, q[i].naddrs, &j);
			j.verdict = results_verdict[i];
			/* a list judged as a whole gets one finding, not one per
			 * address; only a listing from a list that works still
			 * stands on its own */
			if (k < r->nlists && r->tp_q[k][0] && r->health[k] != MW_LIST_OK &&
			    r->health[k] != MW_LIST_NO_TESTPOINT &&
			    j.verdict != MW_VERDICT_LISTED)
				continue;
			report_result(r, &q[i], &j);
		}
	}
	data = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:o, s:o, s:o, s:{s:i, s:i, s:i, s:i}}",
			 "resolver", r->servers[0] ? r->servers : "?",
			 "timeout_ms", (json_int_t)r->timeout_ms,
			 "tries", (json_int_t)r->tries,
			 "lookups", (json_int_t)nip_q,
			 "test_point_lookups", (json_int_t)(nq - nip_q),
			 "elapsed_ms", (json_int_t)r->elapsed_ms,
			 "lists", lists_json(r),
			 "addresses", addresses_json(r),
			 "results", results,
			 "summary",
			 "listed", (json_int_t)count[MW_VERDICT_LISTED],
			 "clean", (json_int_t)count[MW_VERDICT_CLEAN],
			 "error", (json_int_t)count[MW_VERDICT_ERROR],
			 "unknown", (json_int_t)count[MW_VERDICT_UNKNOWN]);
	mw_report_set_data(r->rep, CHECK, data, render);
	/* data holds copies: the test-point pointers must not outlive q */
	memset(r->tp_q, 0, sizeof(r->tp_q));
	free(results_verdict);
	free(q);
	return MW_OK;
}

enum mw_err mw_dnsbl_run(struct mw_ctx *ctx, const struct mw_dnsbl_opts *o,
			 struct mw_report *report)
{
	const char *postfix_dir = o->postfix_config;
	struct run *r = calloc(1, sizeof(*r));
	enum mw_err e;
	size_t i, nips;

	if (!r)
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	r->ctx = ctx;
	r->rep = report;
	e = take_opts(r, o);
	if (e != MW_OK)
		goto out;
	for (i = 0; i < r->zones.n; i++) {
		r->lists[i] = mw_dnsbl_list_info(r->zones.v[i], &r->scratch[i]);
		if (r->lists[i]->dead)
			mw_report_note(r->rep, CHECK, "%s: %s", r->lists[i]->zone,
				       r->lists[i]->dead_note ? r->lists[i]->dead_note
							      : "the list is shut down");
	}
	r->nlists = r->zones.n;
	if (!r->addrs.n)
		discover(r, postfix_dir);
	nips = choose(r);
	if (nips == 0) {
		json_t *data = json_pack("{s:s, s:i, s:i, s:i, s:i, s:o, s:o, s:[], s:{s:i, s:i, s:i, s:i}}",
					 "resolver", r->resolver[0] ? r->resolver : "resolv.conf",
					 "timeout_ms", (json_int_t)r->timeout_ms,
					 "tries", (json_int_t)r->tries,
					 "lookups", (json_int_t)0,
					 "elapsed_ms", (json_int_t)0,
					 "lists", lists_json(r),
					 "addresses", addresses_json(r),
					 "results",
					 "summary", "listed", 0, "clean", 0, "error", 0, "unknown", 0);

		mw_report_set_data(r->rep, CHECK, data, render);
		goto out;
	}
	e = lookup(r, nips);
out:
	mw_dnsbl_addrs_free(&r->addrs);
	mw_strlist_clear(&r->zones);
	free(r);
	return e;
}

enum mw_err mw_dnsbl_opts_describe(const struct mw_dnsbl_opts *o, struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "dnsbl");
	mw_cmdline_str(&c, "--resolver", o->resolver);
	mw_cmdline_list(&c, "--ip", &o->ip);
	mw_cmdline_list(&c, "--list", &o->lists);
	mw_cmdline_num(&c, "--timeout", o->timeout_ms);
	mw_cmdline_num(&c, "--tries", o->tries);
	mw_cmdline_str(&c, "--postfix-config", o->postfix_config);
	mw_cmdline_list(&c, NULL, &o->operands);
	return c.err;
}
