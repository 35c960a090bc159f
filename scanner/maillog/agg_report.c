/*
 * From the aggregates to the report: the data section "logs" (documented in
 * docs/json-schema.md) with its text renderer, and the findings.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "reports/render.h"
#include "reports/report.h"
#include "reports/writer.h"
#include "scanner/maillog/agg_internal.h"

#define CHECK "logs"

/* 1 when the relative or bare script name rel names the full path. */
static int path_ends_with(const char *full, const char *rel)
{
	size_t fl = strlen(full), rl = strlen(rel);

	return rl && rl < fl && full[fl - rl - 1] == '/' && strcmp(full + fl - rl, rel) == 0;
}

static json_t *iso_or_null(int64_t t, int valid)
{
	char buf[32];

	if (!valid)
		return json_null();
	mw_format_time(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *jstr(const char *s)
{
	/* Log text may hold invalid UTF-8: raw bytes here, escaped once by
	 * the report (mw_report_set_data, details); escaping here too gave
	 * "\\x1b" for an ESC next to a byte that is not UTF-8. */
	return mw_json_raw(s);
}

static json_t *uid_json(long uid)
{
	return uid >= 0 ? json_integer(uid) : json_null();
}

static json_t *str_list(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jstr(v[i]));
	return a;
}

/*
 * A user's scripts (or working directories) most mails first, as names
 * (into *names) and as {script, messages} objects (returned): the top
 * script is the one to blame, not the first one seen.
 */
static json_t *counted_list(char *const *v, const uint32_t *cnt, size_t n,
			    const char *key, json_t **names)
{
	size_t order[ML_MAX_SCRIPTS], i, j;
	json_t *a = json_array();

	*names = json_array();
	for (i = 0; i < n && i < ML_MAX_SCRIPTS; i++) {
		for (j = i; j > 0 && cnt[order[j - 1]] < cnt[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; i < n && i < ML_MAX_SCRIPTS; i++) {
		json_array_append_new(*names, jstr(v[order[i]]));
		json_array_append_new(a, json_pack("{s:o, s:I}", key, jstr(v[order[i]]),
						   "messages", (json_int_t)cnt[order[i]]));
	}
	return a;
}

static int cmp_i64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void add_tops(struct ml_agg *a, json_t *d)
{
	struct ml_rec **v;
	json_t *arr;
	size_t n, i;

	v = mw_ml_tab_sorted(&a->senders, &n);
	arr = json_array();
	for (i = 0; i < n && i < ML_TOP; i++)
		json_array_append_new(arr, json_pack("{s:o, s:I}", "sender", jstr(v[i]->key),
						     "messages", (json_int_t)v[i]->count));
	free(v);
	json_object_set_new(d, "top_senders", arr);

	v = mw_ml_tab_sorted(&a->users, &n);
	arr = json_array();
	for (i = 0; i < n && i < ML_TOP; i++) {
		struct user_rec *u = (struct user_rec *)v[i];

		json_array_append_new(arr, json_pack("{s:o, s:o, s:b, s:I, s:I, s:I}",
			"user", jstr(u->r.key), "uid", uid_json(u->uid), "web", u->web,
			"messages", (json_int_t)u->r.count,
			"recipients", (json_int_t)u->recipients,
			"recipient_domains", (json_int_t)u->domains.n));
	}
	free(v);
	json_object_set_new(d, "top_local_users", arr);

	v = mw_ml_tab_sorted(&a->sasl, &n);
	arr = json_array();
	for (i = 0; i < n && i < ML_TOP; i++) {
		struct sasl_rec *s = (struct sasl_rec *)v[i];

		json_array_append_new(arr, json_pack("{s:o, s:I, s:I, s:I, s:I, s:I}",
			"sasl_username", jstr(s->r.key), "logins", (json_int_t)s->r.count,
			"ips", (json_int_t)s->ips.n, "failures", (json_int_t)s->failures,
			"max_ips_per_window", (json_int_t)s->max_ips_window,
			"max_networks_per_window", (json_int_t)s->max_nets_window));
	}
	free(v);
	json_object_set_new(d, "top_sasl_users", arr);

	v = mw_ml_tab_sorted(&a->ips, &n);
	arr = json_array();
	for (i = 0; i < n && i < ML_TOP; i++) {
		struct ip_rec *r = (struct ip_rec *)v[i];

		json_array_append_new(arr, json_pack("{s:o, s:I, s:I, s:I, s:I}",
			"ip", jstr(r->r.key), "messages", (json_int_t)r->messages,
			"rejects", (json_int_t)r->rejects,
			"relay_denied", (json_int_t)r->relay_denied,
			"auth_failures", (json_int_t)r->auth_failures));
	}
	free(v);
	json_object_set_new(d, "top_client_ips", arr);

	v = mw_ml_tab_sorted(&a->scripts, &n);
	arr = json_array();
	{
		/* A header's bare or relative name and the mail.log's full
		 * path of the same script count the same mails: one row. */
		size_t *into = n ? calloc(n, sizeof(*into)) : NULL, shown = 0;

		for (i = 0; into && i < n; i++) {
			struct script_rec *s = (struct script_rec *)v[i];
			size_t j;

			if (s->from_mail_log || s->r.key[0] == '/')
				continue;
			for (j = 0; j < n; j++) {
				struct script_rec *t = (struct script_rec *)v[j];

				if (j != i && t->from_mail_log && t->r.key[0] == '/' &&
				    path_ends_with(t->r.key, s->r.key) &&
				    (s->uid < 0 || t->uid < 0 || s->uid == t->uid)) {
					into[i] = j + 1;
					break;
				}
			}
		}
		for (i = 0; i < n && shown < ML_TOP; i++) {
			struct script_rec *s = (struct script_rec *)v[i];
			json_t *also;
			uint64_t count = s->r.count;
			int header = s->from_header;
			long uid = s->uid;
			size_t j;

			if (into && into[i])
				continue;	/* counted with the one it is folded into */
			also = json_array();
			for (j = 0; into && j < n; j++) {
				struct script_rec *b = (struct script_rec *)v[j];

				if (into[j] != i + 1)
					continue;
				json_array_append_new(also, jstr(b->r.key));
				if (b->r.count > count)
					count = b->r.count;
				if (uid < 0)
					uid = b->uid;	/* the header's uid: pickup's */
				header = 1;
			}
			shown++;
			json_array_append_new(arr, json_pack("{s:o, s:I, s:o, s:s, s:o}",
				"script", jstr(s->r.key), "messages", (json_int_t)count,
				"uid", uid_json(uid),
				"source", s->from_mail_log ? (header ? "both" : "php-mail-log")
							   : "x-php-originating-script",
				"also_as", also));
		}
		free(into);
	}
	free(v);
	json_object_set_new(d, "scripts", arr);

	v = mw_ml_tab_sorted(&a->bls, &n);
	arr = json_array();
	for (i = 0; i < n && i < ML_TOP; i++) {
		struct bl_rec *b = (struct bl_rec *)v[i];

		json_array_append_new(arr, json_pack("{s:o, s:o, s:I, s:s}",
			"list", jstr(b->list), "mx", jstr(b->mx),
			"rejections", (json_int_t)b->r.count, "code", b->code));
	}
	free(v);
	json_object_set_new(d, "blocklist_rejections", arr);
}

static void add_hourly(struct ml_agg *a, json_t *d)
{
	struct ml_rec **v;
	size_t n, i, k = 0;
	json_t *arr = json_array();
	struct hour_rec *peak = NULL;
	uint64_t *counts;

	v = mw_ml_tab_sorted_by_key(&a->hours, &n);
	counts = n ? malloc(n * sizeof(*counts)) : NULL;
	for (i = 0; i < n; i++) {
		struct hour_rec *h = (struct hour_rec *)v[i];

		json_array_append_new(arr, json_pack("{s:o, s:I, s:I, s:I}",
			"hour", iso_or_null(h->hour * 3600, 1),
			"messages", (json_int_t)h->r.count,
			"deferred", (json_int_t)h->deferred,
			"bounced", (json_int_t)h->bounced));
		if (h->r.count && (!peak || h->r.count > peak->r.count))
			peak = h;
		if (counts && h->r.count)
			counts[k++] = h->r.count;
	}
	json_object_set_new(d, "hourly", arr);
	if (peak && counts && k) {
		qsort(counts, k, sizeof(*counts), cmp_i64);
		json_object_set_new(d, "spike", json_pack("{s:o, s:I, s:I}",
			"hour", iso_or_null(peak->hour * 3600, 1),
			"messages", (json_int_t)peak->r.count,
			"median", (json_int_t)counts[(k - 1) / 2]));
	} else {
		json_object_set_new(d, "spike", json_null());
	}
	free(counts);
	free(v);
}

static json_t *build_data(struct ml_agg *a)
{
	json_t *d = json_object(), *src = json_array();
	size_t i;
	int have = a->first <= a->last;

	for (i = 0; i < a->nsources; i++)
		json_array_append_new(src, json_pack("{s:o, s:s, s:I, s:I, s:I}",
			"name", jstr(a->sources[i].name ? a->sources[i].name : "?"),
			"kind", a->sources[i].kind,
			"lines", (json_int_t)a->sources[i].lines,
			"bytes", (json_int_t)a->sources[i].bytes,
			"malformed", (json_int_t)a->sources[i].malformed));
	json_object_set_new(d, "sources", src);
	json_object_set_new(d, "window", json_pack("{s:o, s:o, s:o, s:o}",
		"since", iso_or_null(a->since, a->since != INT64_MIN),
		"until", iso_or_null(a->until, a->until != INT64_MAX),
		"first", iso_or_null(a->first, have), "last", iso_or_null(a->last, have)));
	json_object_set_new(d, "lines", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"total", (json_int_t)a->lines, "postfix", (json_int_t)a->postfix_lines,
		"exim", (json_int_t)a->exim_lines, "php", (json_int_t)a->php_lines,
		"other", (json_int_t)a->other_lines, "malformed", (json_int_t)a->malformed,
		"overlong", (json_int_t)a->overlong,
		"out_of_window", (json_int_t)a->out_of_window));
	json_object_set_new(d, "messages", json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"received", (json_int_t)a->received,
		"local", (json_int_t)a->local_submissions,
		"web", (json_int_t)a->web_submissions,
		"smtpd", (json_int_t)a->smtpd_submissions,
		"sasl_logins", (json_int_t)a->sasl_logins,
		"auth_failures", (json_int_t)a->auth_failures,
		"delivered", (json_int_t)a->delivered,
		"deferred", (json_int_t)a->deferred,
		"bounced", (json_int_t)a->bounced,
		"expired", (json_int_t)a->expired,
		"rejected", (json_int_t)a->rejected,
		"relay_denied", (json_int_t)a->relay_denied,
		"blocklist_rejections", (json_int_t)a->blocklist_rejections,
		"php_headers", (json_int_t)a->php_headers));
	json_object_set_new(d, "deferred_queue", json_pack("{s:I, s:I, s:I}",
		"open_at_end", (json_int_t)a->deferred_open,
		"max_open", (json_int_t)a->deferred_max_open,
		"evicted_open", (json_int_t)a->deferred_lost));
	add_tops(a, d);
	add_hourly(a, d);
	json_object_set_new(d, "truncated", json_pack("{s:I, s:I, s:I}",
		"keys_pruned", (json_int_t)(a->senders.pruned + a->users.pruned +
					    a->sasl.pruned + a->ips.pruned + a->hours.pruned +
					    a->bls.pruned + a->scripts.pruned),
		"queue_evicted", (json_int_t)a->queue_evicted,
		"sources_dropped", (json_int_t)a->sources_dropped));
	return d;
}

/* --- text renderer ------------------------------------------------------- */

#define P(...) do { if (fprintf(out, __VA_ARGS__) < 0) return -1; } while (0)

static int render_logs(FILE *out, const json_t *d, int color)
{
	const json_t *l = json_object_get(d, "lines"), *m = json_object_get(d, "messages");
	const json_t *w = json_object_get(d, "window"), *v, *sp;
	size_t i;

	(void)color;
	json_array_foreach(json_object_get(d, "sources"), i, v)
		P("  source:   %s (%s, %" JSON_INTEGER_FORMAT " lines, %" JSON_INTEGER_FORMAT
		  " malformed)\n", mw_jstr_or(v, "name", "-"), mw_jstr_or(v, "kind", "-"),
		  mw_jint(v, "lines"),
		  mw_jint(v, "malformed"));
	P("  window:   %s .. %s (lines from %s to %s)\n", mw_jstr_or(w, "since", "-"),
	  mw_jstr_or(w, "until", "-"),
	  mw_jstr_or(w, "first", "-"), mw_jstr_or(w, "last", "-"));
	P("  lines:    %" JSON_INTEGER_FORMAT " (postfix %" JSON_INTEGER_FORMAT ", exim %"
	  JSON_INTEGER_FORMAT ", php %" JSON_INTEGER_FORMAT ", other %" JSON_INTEGER_FORMAT
	  ", malformed %" JSON_INTEGER_FORMAT ", overlong %" JSON_INTEGER_FORMAT
	  ", outside window %" JSON_INTEGER_FORMAT ")\n",
	  mw_jint(l, "total"), mw_jint(l, "postfix"), mw_jint(l, "exim"), mw_jint(l, "php"),
	  mw_jint(l, "other"), mw_jint(l, "malformed"), mw_jint(l, "overlong"),
	  mw_jint(l, "out_of_window"));
	P("  messages: %" JSON_INTEGER_FORMAT " queued (%" JSON_INTEGER_FORMAT " local, %"
	  JSON_INTEGER_FORMAT " by web users, %" JSON_INTEGER_FORMAT " via SMTP, %"
	  JSON_INTEGER_FORMAT " SASL logins, %" JSON_INTEGER_FORMAT " auth failures)\n",
	  mw_jint(m, "received"), mw_jint(m, "local"), mw_jint(m, "web"), mw_jint(m, "smtpd"),
	  mw_jint(m, "sasl_logins"), mw_jint(m, "auth_failures"));
	P("  delivery: %" JSON_INTEGER_FORMAT " delivered, %" JSON_INTEGER_FORMAT " deferred, %"
	  JSON_INTEGER_FORMAT " bounced (%" JSON_INTEGER_FORMAT " blocklist rejections), %"
	  JSON_INTEGER_FORMAT " expired; %" JSON_INTEGER_FORMAT " rejected here (%"
	  JSON_INTEGER_FORMAT " relay denied)\n",
	  mw_jint(m, "delivered"), mw_jint(m, "deferred"), mw_jint(m, "bounced"),
	  mw_jint(m, "blocklist_rejections"), mw_jint(m, "expired"), mw_jint(m, "rejected"),
	  mw_jint(m, "relay_denied"));
	v = json_object_get(d, "deferred_queue");
	P("  deferred: %" JSON_INTEGER_FORMAT " messages still deferred at the end (at most %"
	  JSON_INTEGER_FORMAT ")\n", mw_jint(v, "open_at_end"), mw_jint(v, "max_open"));
	sp = json_object_get(d, "spike");
	if (json_is_object(sp))
		P("  spike:    %s with %" JSON_INTEGER_FORMAT " messages (median %" JSON_INTEGER_FORMAT
		  " per hour)\n", mw_jstr_or(sp, "hour", "-"), mw_jint(sp, "messages"),
		  mw_jint(sp, "median"));

	if (json_array_size(json_object_get(d, "top_senders"))) {
		P("\n  %-44s %9s\n", "top senders", "messages");
		json_array_foreach(json_object_get(d, "top_senders"), i, v)
			P("  %-44s %9" JSON_INTEGER_FORMAT "\n", mw_jstr_or(v, "sender", "-"),
			  mw_jint(v, "messages"));
	}
	if (json_array_size(json_object_get(d, "top_local_users"))) {
		P("\n  %-20s %7s %9s %10s %8s %4s\n", "local users", "uid", "messages",
		  "recipients", "domains", "web");
		json_array_foreach(json_object_get(d, "top_local_users"), i, v) {
			const json_t *u = json_object_get(v, "uid");
			char uid[24] = "-";

			if (json_is_integer(u))
				snprintf(uid, sizeof(uid), "%" JSON_INTEGER_FORMAT, json_integer_value(u));
			P("  %-20s %7s %9" JSON_INTEGER_FORMAT " %10" JSON_INTEGER_FORMAT " %8"
			  JSON_INTEGER_FORMAT " %4s\n", mw_jstr_or(v, "user", "-"), uid,
			  mw_jint(v, "messages"),
			  mw_jint(v, "recipients"), mw_jint(v, "recipient_domains"),
			  json_is_true(json_object_get(v, "web")) ? "yes" : "no");
		}
	}
	if (json_array_size(json_object_get(d, "top_sasl_users"))) {
		P("\n  %-32s %7s %5s %8s %12s\n", "SASL users", "logins", "IPs", "failures",
		  "max IPs/hour");
		json_array_foreach(json_object_get(d, "top_sasl_users"), i, v)
			P("  %-32s %7" JSON_INTEGER_FORMAT " %5" JSON_INTEGER_FORMAT " %8"
			  JSON_INTEGER_FORMAT " %12" JSON_INTEGER_FORMAT "\n",
			  mw_jstr_or(v, "sasl_username", "-"),
			  mw_jint(v, "logins"), mw_jint(v, "ips"), mw_jint(v, "failures"),
			  mw_jint(v, "max_ips_per_window"));
	}
	if (json_array_size(json_object_get(d, "top_client_ips"))) {
		P("\n  %-40s %8s %7s %6s %9s\n", "client IPs", "messages", "rejects", "relay",
		  "authfail");
		json_array_foreach(json_object_get(d, "top_client_ips"), i, v)
			P("  %-40s %8" JSON_INTEGER_FORMAT " %7" JSON_INTEGER_FORMAT " %6"
			  JSON_INTEGER_FORMAT " %9" JSON_INTEGER_FORMAT "\n",
			  mw_jstr_or(v, "ip", "-"),
			  mw_jint(v, "messages"), mw_jint(v, "rejects"), mw_jint(v, "relay_denied"),
			  mw_jint(v, "auth_failures"));
	}
	if (json_array_size(json_object_get(d, "scripts"))) {
		P("\n  %-56s %8s\n", "scripts", "messages");
		json_array_foreach(json_object_get(d, "scripts"), i, v) {
			const json_t *also = json_object_get(v, "also_as");

			P("  %-56s %8" JSON_INTEGER_FORMAT "%s%s\n", mw_jstr_or(v, "script", "-"),
			  mw_jint(v, "messages"), json_array_size(also) ? "  also logged as " : "",
			  json_array_size(also) ? json_string_value(json_array_get(also, 0)) : "");
		}
	}
	if (json_array_size(json_object_get(d, "blocklist_rejections"))) {
		P("\n  %-28s %-32s %6s %s\n", "blocklisted by", "remote MX", "count", "code");
		json_array_foreach(json_object_get(d, "blocklist_rejections"), i, v)
			P("  %-28s %-32s %6" JSON_INTEGER_FORMAT " %s\n",
			  mw_jstr_or(v, "list", "-"),
			  mw_jstr_or(v, "mx", "-"), mw_jint(v, "rejections"),
			  mw_jstr_or(v, "code", "-"));
	}
	if (json_array_size(json_object_get(d, "hourly"))) {
		const json_t *hr = json_object_get(d, "hourly");
		json_int_t max = 1;
		size_t n = json_array_size(hr), from = n > 48 ? n - 48 : 0;

		json_array_foreach(hr, i, v)
			if (mw_jint(v, "messages") > max)
				max = mw_jint(v, "messages");
		P("\n  hourly volume%s\n", from ? " (last 48 hours with mail)" : "");
		for (i = from; i < n; i++) {
			char bar[41];
			json_int_t len;

			v = json_array_get(hr, i);
			len = mw_jint(v, "messages") * 40 / max;
			memset(bar, '#', (size_t)len);
			bar[len] = '\0';
			P("  %s %8" JSON_INTEGER_FORMAT " %s\n", mw_jstr_or(v, "hour", "-"),
			  mw_jint(v, "messages"), bar);
		}
	}
	return 0;
}

/* --- findings ------------------------------------------------------------ */

/*
 * A script no site keeps where it sends from: under an upload, cache or
 * temp directory, or a hidden or image-like name (".x.php",
 * "logo.gif.php", "favicon.ico"). Sending mail from there is high
 * whatever the volume: mailers are dropped into such places.
 */
int mw_ml_script_is_suspicious(const char *path)
{
	static const char *const dirs[] = {
		"upload", "uploads", "cache", "tmp", "temp", "files",
	};
	static const char *const image[] = {
		".jpg", ".jpeg", ".png", ".gif", ".ico", ".bmp", ".svg", ".webp",
	};
	const char *p = path, *c;
	size_t i, n;

	while (*p) {
		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - c);
		if (!n)
			break;
		if (c[0] == '.' && !(n == 1 || (n == 2 && c[1] == '.')))
			return 1;	/* a hidden directory or file */
		if (*p == '/') {
			for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
				if (strlen(dirs[i]) == n && !strncasecmp(c, dirs[i], n))
					return 1;
			continue;
		}
		for (i = 0; i < sizeof(image) / sizeof(image[0]); i++) {
			size_t el = strlen(image[i]);
			const char *hit = c;

			while ((hit = strcasestr(hit, image[i])) && hit < c + n) {
				if (hit + el == c + n || hit[el] == '.')
					return 1;
				hit++;
			}
		}
	}
	return 0;
}

static int any_suspicious(char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (mw_ml_script_is_suspicious(v[i]))
			return 1;
	return 0;
}

static enum mw_severity volume_severity(uint64_t messages, uint64_t domains)
{
	if (messages >= ML_WEB_HIGH_MESSAGES || domains >= ML_WEB_HIGH_DOMAINS)
		return MW_SEV_HIGH;
	if (messages >= ML_WEB_MEDIUM_MESSAGES || domains >= ML_WEB_MEDIUM_DOMAINS)
		return MW_SEV_MEDIUM;
	return MW_SEV_INFO;
}

/* What a logs finding is about, by the identity its details name. */
static enum mw_cause logs_cause(const json_t *d)
{
	if (json_is_string(json_object_get(d, "sasl_username")))
		return MW_CAUSE_SASL;
	if (json_is_string(json_object_get(d, "list")))
		return MW_CAUSE_REJECTIONS;
	if (json_object_get(d, "scripts") || json_object_get(d, "cwds") ||
	    json_object_get(d, "uid") || json_is_string(json_object_get(d, "user")))
		return MW_CAUSE_LOCAL_SENDER;
	return MW_CAUSE_NONE;
}

static void add_finding(struct mw_ctx *ctx, struct mw_finding *f,
			const struct ml_samples *s, json_t *details)
{
	f->check = CHECK;
	f->cause = details ? logs_cause(details) : MW_CAUSE_NONE;
	f->log_lines = (const char *const *)s->line;
	f->n_log_lines = s->n;
	f->details = details;
	(void)mw_report_add(ctx->report, f);
	json_decref(details);
}

static void web_user_findings(struct ml_agg *a, struct mw_ctx *ctx)
{
	struct ml_rec **v;
	size_t n, i, k = 0;

	v = mw_ml_tab_sorted(&a->users, &n);
	for (i = 0; i < n && k < ML_MAX_FINDINGS_PER_KIND; i++) {
		struct user_rec *u = (struct user_rec *)v[i];
		struct mw_finding f;
		char title[256], uid[32] = "";
		json_t *d, *sc, *cc, *scripts, *cwds;

		if (!u->web || !u->r.count)
			continue;
		k++;
		if (u->uid >= 0)
			snprintf(uid, sizeof(uid), " (uid %ld)", u->uid);
		snprintf(title, sizeof(title),
			 "%llu message%s submitted locally by web user %.64s%s to %u recipient domain%s",
			 (unsigned long long)u->r.count, u->r.count == 1 ? "" : "s", u->r.key, uid,
			 u->domains.n, u->domains.n == 1 ? "" : "s");
		sc = counted_list(u->scripts, u->script_count, u->nscripts, "script",
				  &scripts);
		cc = counted_list(u->cwds, u->cwd_count, u->ncwds, "cwd", &cwds);
		d = json_pack("{s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o}",
			      "uid", uid_json(u->uid), "user", jstr(u->r.key),
			      "messages", (json_int_t)u->r.count,
			      "recipients", (json_int_t)u->recipients,
			      "recipient_domains", (json_int_t)u->domains.n,
			      "scripts", scripts, "cwds", cwds,
			      "script_counts", sc, "cwd_counts", cc);
		memset(&f, 0, sizeof(f));
		f.rule_id = "logs.web-user-mail";
		f.severity = volume_severity(u->r.count, u->domains.n);
		if (any_suspicious(u->scripts, u->nscripts) || any_suspicious(u->cwds, u->ncwds)) {
			f.severity = MW_SEV_HIGH;
			json_object_set_new(d, "suspicious_location", json_true());
		}
		f.title = title;
		f.path = json_string_value(json_array_get(cwds, 0));	/* the top one */
		f.remediation = "Find the sending script (scripts/cwds, `mailwarden scan`), "
				"quarantine it, and keep web users away from SMTP "
				"(`mailwarden firewall --apply`; PHP: disable mail() or "
				"set mail.add_x_header and mail.log).";
		add_finding(ctx, &f, &u->samples, d);
	}
	free(v);
}

/*
 * The uid a mail.log path sent as: mail.log has none, but the header
 * X-PHP-Originating-Script of the same mails ("33:x.php", the uid from
 * pickup) names the script's base name with it. -1 when no header row
 * matches, or when rows with different uids do.
 */
static long uid_from_header(struct ml_rec **v, size_t n, const struct script_rec *s)
{
	long uid = -1;

	for (size_t j = 0; j < n; j++) {
		const struct script_rec *t = (const struct script_rec *)v[j];

		if (t == s || t->from_mail_log || t->r.key[0] == '/' || t->uid < 0 ||
		    !path_ends_with(s->r.key, t->r.key))
			continue;
		if (uid >= 0 && uid != t->uid)
			return -1;
		uid = t->uid;
	}
	return uid;
}

/* The name the logs gave uid (pickup's user), NULL when none. */
static const char *user_of_uid(struct ml_agg *a, long uid)
{
	struct ml_rec **v;
	const char *name = NULL;
	size_t n;

	if (uid < 0 || !(v = mw_ml_tab_sorted(&a->users, &n)))
		return NULL;
	for (size_t i = 0; i < n && !name; i++)
		if (((struct user_rec *)v[i])->uid == uid)
			name = v[i]->key;
	free(v);
	return name;
}

static void script_findings(struct ml_agg *a, struct mw_ctx *ctx)
{
	struct ml_rec **v;
	size_t n, i, k = 0;

	v = mw_ml_tab_sorted(&a->scripts, &n);
	for (i = 0; i < n && k < ML_MAX_FINDINGS_PER_KIND; i++) {
		struct script_rec *s = (struct script_rec *)v[i];
		struct mw_finding f;
		char title[256];
		char *one[1];
		const char *user;
		json_t *d;
		long uid;

		if (!s->from_mail_log)
			continue;
		k++;
		one[0] = s->r.key;
		uid = s->uid >= 0 ? s->uid : uid_from_header(v, n, s);
		user = user_of_uid(a, uid);
		if (user)
			snprintf(title, sizeof(title), "PHP script %.160s sent %llu message%s as "
				 "%.64s (PHP mail.log)", s->r.key, (unsigned long long)s->r.count,
				 s->r.count == 1 ? "" : "s", user);
		else
			snprintf(title, sizeof(title), "PHP script %.160s sent %llu message%s "
				 "(PHP mail.log)", s->r.key, (unsigned long long)s->r.count,
				 s->r.count == 1 ? "" : "s");
		d = json_pack("{s:o, s:o, s:I, s:I, s:I, s:o, s:[]}",
			      "uid", uid_json(uid), "user", user ? jstr(user) : json_null(),
			      "messages", (json_int_t)s->r.count,
			      "recipients", (json_int_t)s->recipients,
			      "recipient_domains", (json_int_t)s->domains.n,
			      "scripts", str_list(one, 1), "cwds");
		memset(&f, 0, sizeof(f));
		f.rule_id = "logs.php-mail-script";
		f.severity = volume_severity(s->r.count, s->domains.n);
		if (mw_ml_script_is_suspicious(s->r.key)) {
			f.severity = MW_SEV_HIGH;
			json_object_set_new(d, "suspicious_location", json_true());
		}
		f.title = title;
		f.path = s->r.key;
		f.remediation = "Check the script (`mailwarden scan PATH`); if it is a mailer, "
				"quarantine it and find how it was uploaded.";
		add_finding(ctx, &f, &s->samples, d);
	}
	free(v);
}

static void sasl_findings(struct ml_agg *a, struct mw_ctx *ctx)
{
	struct ml_rec **v;
	size_t n, i, j, k = 0;

	v = mw_ml_tab_sorted(&a->sasl, &n);
	for (i = 0; i < n && k < ML_MAX_FINDINGS_PER_KIND; i++) {
		struct sasl_rec *s = (struct sasl_rec *)v[i];
		int many = s->max_ips_window >= ML_SASL_MANY_IPS ||
			   s->max_nets_window >= ML_SASL_MANY_NETS;
		struct mw_finding f;
		char title[256];
		json_t *d, *ex;

		if (!many && !s->stuff_failures)
			continue;
		k++;
		ex = json_array();
		for (j = 0; j < s->nexample; j++)
			json_array_append_new(ex, jstr(s->example[j]));
		d = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
			      "sasl_username", jstr(s->r.key), "ips", (json_int_t)s->ips.n,
			      "logins", (json_int_t)s->r.count, "failures", (json_int_t)s->failures,
			      "max_ips_per_window", (json_int_t)s->max_ips_window,
			      "max_networks_per_window", (json_int_t)s->max_nets_window,
			      "window_seconds", json_integer(ML_SASL_WINDOW),
			      "example_ips", ex,
			      "first", iso_or_null(s->first, s->first != 0));
		memset(&f, 0, sizeof(f));
		f.severity = MW_SEV_HIGH;
		f.title = title;
		if (s->stuff_failures) {
			json_object_set_new(d, "failures_before_success",
					    json_integer((json_int_t)s->stuff_failures));
			json_object_set_new(d, "success_ip", jstr(s->stuff_ip));
			json_object_set_new(d, "success_time", iso_or_null(s->stuff_time, 1));
			f.rule_id = "logs.sasl-stuffing";
			f.ip = s->stuff_ip;
			snprintf(title, sizeof(title),
				 "SASL login %.64s succeeded from %.47s after %llu failed attempts",
				 s->r.key, s->stuff_ip, (unsigned long long)s->stuff_failures);
		} else {
			f.rule_id = "logs.sasl-many-ips";
			snprintf(title, sizeof(title),
				 "SASL user %.64s logged in from %u addresses in %u networks within an hour",
				 s->r.key, s->max_ips_window, s->max_nets_window);
		}
		f.remediation = "Treat the mailbox as compromised: change its password, end its "
				"sessions, check it for forwarders and filter rules "
				"(`mailwarden forwarders`), and rate-limit or block SMTP AUTH "
				"from the addresses seen.";
		add_finding(ctx, &f, &s->samples, d);
	}
	free(v);
}

/*
 * One finding per list: a spam run meets hundreds of MXes, and the person
 * reading wants to know which lists, how often, and where. details.mx is
 * the MX that refused most; details.mxes lists up to ten.
 */
static void blocklist_findings(struct ml_agg *a, struct mw_ctx *ctx)
{
	struct ml_rec **v;
	size_t n, i, j, k = 0;
	char *done = NULL;

	v = mw_ml_tab_sorted(&a->bls, &n);
	if (n)
		done = calloc(n, 1);
	for (i = 0; done && i < n && k < ML_MAX_FINDINGS_PER_KIND; i++) {
		struct bl_rec *b = (struct bl_rec *)v[i];
		struct ml_samples ev = { { NULL }, 0 };
		uint64_t total = 0, nmx = 0;
		int64_t first = b->first, last = b->last;
		struct mw_finding f;
		char title[256];
		json_t *d, *mxes;

		if (done[i])
			continue;
		k++;
		mxes = json_array();
		for (j = i; j < n; j++) {
			struct bl_rec *o = (struct bl_rec *)v[j];
			unsigned s;

			if (done[j] || strcmp(o->list, b->list) != 0)
				continue;
			done[j] = 1;
			total += o->r.count;
			if (nmx++ < 10)
				json_array_append_new(mxes, json_pack("{s:o, s:I, s:s}", "mx", jstr(o->mx),
					"rejections", (json_int_t)o->r.count, "code", o->code));
			if (o->first < first)
				first = o->first;
			if (o->last > last)
				last = o->last;
			for (s = 0; s < o->samples.n && ev.n < ML_MAX_SAMPLES; s++)
				ev.line[ev.n++] = o->samples.line[s];
		}
		snprintf(title, sizeof(title),
			 "%llu message%s refused by %llu remote MX%s: we are listed on %.80s",
			 (unsigned long long)total, total == 1 ? "" : "s",
			 (unsigned long long)nmx, nmx == 1 ? "" : "es", b->list);
		d = json_pack("{s:o, s:o, s:I, s:I, s:s, s:o, s:o, s:o}",
			      "list", jstr(b->list), "mx", jstr(b->mx),
			      "rejections", (json_int_t)total, "mx_count", (json_int_t)nmx,
			      "code", b->code, "mxes", mxes,
			      "first", iso_or_null(first, 1), "last", iso_or_null(last, 1));
		memset(&f, 0, sizeof(f));
		f.rule_id = "logs.blocklisted";
		f.severity = MW_SEV_HIGH;
		f.title = title;
		f.list = b->list;
		f.remediation = "Stop the source of the spam first (web-user and SASL findings), "
				"then check the listing (`mailwarden dnsbl`) and request delisting.";
		add_finding(ctx, &f, &ev, d);
	}
	free(done);
	free(v);
}

static void relay_finding(struct ml_agg *a, struct mw_ctx *ctx)
{
	struct ml_rec **v;
	size_t n, i, nips = 0;
	struct mw_finding f;
	char title[200];
	json_t *top, *d;
	const char *top_ip = NULL;

	if (!a->relay_denied)
		return;
	v = mw_ml_tab_sorted(&a->ips, &n);
	top = json_array();
	for (i = 0; i < n; i++) {
		struct ip_rec *r = (struct ip_rec *)v[i];

		if (!r->relay_denied)
			continue;
		if (!top_ip)
			top_ip = r->r.key;
		if (nips++ < 10)
			json_array_append_new(top, json_pack("{s:o, s:I}", "ip", jstr(r->r.key),
							     "attempts", (json_int_t)r->relay_denied));
	}
	snprintf(title, sizeof(title), "%llu relay attempt%s refused (Relay access denied) from %zu address%s",
		 (unsigned long long)a->relay_denied, a->relay_denied == 1 ? "" : "s",
		 nips, nips == 1 ? "" : "es");
	d = json_pack("{s:I, s:I, s:o}", "attempts", (json_int_t)a->relay_denied,
		      "ips", (json_int_t)nips, "top_ips", top);
	memset(&f, 0, sizeof(f));
	f.rule_id = "logs.relay-denied";
	f.severity = a->relay_denied >= ML_RELAY_LOW_ATTEMPTS ? MW_SEV_LOW : MW_SEV_INFO;
	f.title = title;
	f.ip = top_ip;
	f.remediation = "Refused attempts are probes; nothing to fix if `mailwarden relay` "
			"confirms the server is no open relay.";
	add_finding(ctx, &f, &a->relay_samples, d);
	free(v);
}

static void deferred_finding(struct ml_agg *a, struct mw_ctx *ctx)
{
	struct mw_finding f;
	struct ml_samples none = { { NULL }, 0 };
	char title[160];

	if (a->deferred_open < ML_DEFERRED_GROWTH)
		return;
	snprintf(title, sizeof(title), "deferred queue grew to %llu messages still waiting at the end of the log",
		 (unsigned long long)a->deferred_open);
	memset(&f, 0, sizeof(f));
	f.rule_id = "logs.deferred-growth";
	f.severity = MW_SEV_MEDIUM;
	f.title = title;
	f.remediation = "Look at `postqueue -p` / `exim -bp`: a queue of spam or of mail "
			"refused because of a listing; remove the spam, fix the cause.";
	add_finding(ctx, &f, &none, json_pack("{s:I, s:I, s:I}",
		"open_at_end", (json_int_t)a->deferred_open,
		"max_open", (json_int_t)a->deferred_max_open,
		"deferred", (json_int_t)a->deferred));
}

/* Look up the uids of the users named in the logs (at most ML_MAX_USERS). */
static void resolve_uids(struct ml_agg *a)
{
	size_t i;

	if (!a->users.slot)
		return;
	for (i = 0; i <= a->users.mask; i++) {
		struct user_rec *u = (struct user_rec *)a->users.slot[i];

		if (u && u->uid_pending) {
			u->uid = mw_ml_agg_name_uid(a, u->r.key);
			u->uid_pending = 0;
		}
	}
}

/*
 * Evidence left out by --since/--until is said, never silently dropped:
 * a note with the count and the age of the newest line; when nothing at
 * all was in the window, an info finding too (so that "no cause found" is
 * read with it).
 */
static void window_report(struct ml_agg *a, struct mw_ctx *ctx)
{
	char since[32] = "", until[32] = "", window[80], age[64] = "";
	int64_t now = (int64_t)time(NULL);
	int none_in = a->first > a->last;

	if (!a->out_of_window)
		return;
	if (a->since != INT64_MIN)
		mw_format_time(a->since, since, sizeof(since));
	if (a->until != INT64_MAX)
		mw_format_time(a->until, until, sizeof(until));
	snprintf(window, sizeof(window), "%s%s%s%s", since[0] ? "since " : "", since,
		 since[0] && until[0] ? " " : "", until[0] ? "until " : "");
	if (until[0])
		snprintf(window + strlen(window), sizeof(window) - strlen(window), "%s", until);
	if (a->newest_seen != INT64_MIN) {
		int64_t d = (now - a->newest_seen) / 86400;

		if (d >= 1)
			snprintf(age, sizeof(age), "; the newest line is %lld day%s old",
				 (long long)d, d == 1 ? "" : "s");
		else {
			char t[32];

			mw_format_time(a->newest_seen, t, sizeof(t));
			snprintf(age, sizeof(age), "; the newest line is from %s", t);
		}
	}
	mw_report_note(ctx->report, CHECK, "%llu line%s outside the window %s%s",
		       (unsigned long long)a->out_of_window, a->out_of_window == 1 ? "" : "s",
		       window, age);
	if (none_in) {
		struct mw_finding f;
		char title[256];

		snprintf(title, sizeof(title), "No log line in the window %s: %llu line%s "
			 "outside it%s", window, (unsigned long long)a->out_of_window,
			 a->out_of_window == 1 ? "" : "s", age);
		memset(&f, 0, sizeof(f));
		f.check = CHECK;
		f.rule_id = "logs.outside-window";
		f.severity = MW_SEV_INFO;
		f.title = title;
		f.remediation = "Widen the window (--since 30d, --since all) to see what "
				"these lines say; nothing in them was looked at.";
		(void)mw_report_add(ctx->report, &f);
	}
}

enum mw_err mw_ml_agg_report(struct ml_agg *a, struct mw_ctx *ctx)
{
	json_t *d;

	resolve_uids(a);
	d = build_data(a);

	if (!d)
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	mw_ml_agg_providers_report(a, ctx, d);
	mw_report_set_data(ctx->report, CHECK, d, render_logs);
	if (a->malformed && a->malformed_first_source)
		mw_report_note(ctx->report, CHECK, "%llu malformed line%s skipped (first: %s line %lu)",
			       (unsigned long long)a->malformed, a->malformed == 1 ? "" : "s",
			       a->malformed_first_source, a->malformed_first_line);
	window_report(a, ctx);
	web_user_findings(a, ctx);
	script_findings(a, ctx);
	sasl_findings(a, ctx);
	blocklist_findings(a, ctx);
	relay_finding(a, ctx);
	deferred_finding(a, ctx);
	return MW_OK;
}
