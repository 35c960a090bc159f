/*
 * Text of the "account" data section (acct_int.h). Strings arrive escaped
 * by the report.
 */
#include <stdio.h>
#include <time.h>

#include "reports/render.h"
#include "scanner/account/acct_int.h"

#define TEXT_ADDRS 40	/* addresses printed; JSON has them all */

static const char *when(const json_t *o, const char *k, char *buf, size_t cap)
{
	const json_t *v = json_object_get(o, k);
	time_t t;
	struct tm tm;

	if (!json_is_integer(v))
		return "-";
	t = (time_t)json_integer_value(v);
	if (!gmtime_r(&t, &tm) || !strftime(buf, cap, "%Y-%m-%d %H:%M", &tm))
		return "?";
	return buf;
}

static void render_logins(FILE *out, const json_t *l)
{
	const json_t *a, *p;
	char f[32], t[32];
	size_t i, k;

	fprintf(out, "  logins: %lld, failed: %lld, from %lld address%s in %lld network%s "
		"(at most %lld within a day); sent with SMTP AUTH: %lld\n",
		mw_jint(l, "logins"), mw_jint(l, "failures"),
		(long long)json_array_size(json_object_get(l, "addresses")),
		json_array_size(json_object_get(l, "addresses")) == 1 ? "" : "es",
		mw_jint(l, "networks"), mw_jint(l, "networks") == 1 ? "" : "s",
		mw_jint(l, "networks_in_a_day"),
		mw_jint(l, "sent"));
	json_array_foreach(json_object_get(l, "addresses"), i, a) {
		if (i == TEXT_ADDRS) {
			fprintf(out, "    ... %zu more (JSON has all)\n",
				json_array_size(json_object_get(l, "addresses")) - i);
			break;
		}
		fprintf(out, "    %-39s %-18s %5lld ok %4lld failed  %s .. %s ", mw_jstr(a, "ip"),
			mw_jstr(a, "network"), mw_jint(a, "logins"), mw_jint(a, "failures"),
			when(a, "first", f, sizeof(f)), when(a, "last", t, sizeof(t)));
		json_array_foreach(json_object_get(a, "protocols"), k, p)
			fprintf(out, "%s%s", k ? "," : "", json_string_value(p));
		fputc('\n', out);
	}
}

int mw_acct_render(FILE *out, const json_t *d, int color)
{
	const json_t *v, *r = json_object_get(d, "response");
	size_t i;

	(void)color;
	fprintf(out, "account %s\n", mw_jstr(d, "user"));
	if (json_object_get(d, "logins"))
		render_logins(out, json_object_get(d, "logins"));
	json_array_foreach(json_object_get(d, "forwarders"), i, v)
		fprintf(out, "  forward (%s): %s -> %s%s  %s:%lld\n", mw_jstr(v, "source"),
			mw_jstr(v, "kind"),
			mw_jstr(v, "destination"),
			json_is_true(json_object_get(v, "external")) ? " (external)" : "",
			mw_jstr(v, "path"), mw_jint(v, "line"));
	json_array_foreach(json_object_get(d, "sieve"), i, v)
		fprintf(out, "  sieve script \"%s\"%s%s%s\n", mw_jstr(v, "name"),
			json_is_true(json_object_get(v, "active")) ? " (active)" : "",
			json_is_true(json_object_get(v, "external")) ? ": sends mail off the host" : "",
			json_is_true(json_object_get(v, "hides")) ? " and hides it" : "");
	json_array_foreach(json_object_get(d, "files"), i, v) {
		char m[32];

		fprintf(out, "  %s last changed %s%s\n", mw_jstr(v, "path"),
			when(v, "mtime", m, sizeof(m)),
			json_is_true(json_object_get(v, "after_new_network"))
				? ", after the first login from a new network" : "");
	}
	if ((v = json_object_get(d, "recipients")) && mw_jint(v, "recipients")) {
		const json_t *x;

		fprintf(out, "  recipients of its SMTP AUTH mail: %lld in %lld message%s, %lld domain%s:",
			mw_jint(v, "recipients"), mw_jint(v, "messages"),
			mw_jint(v, "messages") == 1 ? "" : "s",
			mw_jint(v, "domains"), mw_jint(v, "domains") == 1 ? "" : "s");
		json_array_foreach(json_object_get(v, "top"), i, x)
			fprintf(out, "%s %s %lld", i ? "," : "", mw_jstr(x, "domain"),
				mw_jint(x, "recipients"));
		fputc('\n', out);
	}
	if (json_is_integer(json_object_get(d, "queued")))
		fprintf(out, "  queued mail sent as the account: %lld\n", mw_jint(d, "queued"));
	json_array_foreach(json_object_get(d, "roundcube"), i, v) {
		const json_t *x;
		size_t k;

		fprintf(out, "  roundcube %s: %s", mw_jstr(v, "config"),
			mw_jstr(v, json_is_string(json_object_get(v, "database")) ? "database"
											 : "type"));
		if (json_is_array(json_object_get(v, "sessions")))
			fprintf(out, ", %zu session%s of the account",
				json_array_size(json_object_get(v, "sessions")),
				json_array_size(json_object_get(v, "sessions")) == 1 ? "" : "s");
		if (json_is_string(json_object_get(v, "error")))
			fprintf(out, " (%s)", mw_jstr(v, "error"));
		fputc('\n', out);
		json_array_foreach(json_object_get(v, "sessions"), k, x)
			fprintf(out, "    webmail session from %s, last active %s\n",
				mw_jstr(x, "ip"),
				mw_jstr(x, "changed"));
	}
	if (json_object_get(d, "verdict")) {
		fprintf(out, "  verdict: %s\n", mw_jstr(d, "verdict"));
		json_array_foreach(json_object_get(d, "evidence"), i, v)
			fprintf(out, "    - %s\n", json_string_value(v));
	}
	if (json_is_object(r)) {
		fprintf(out, "  %s (%s)%s%s\n", mw_jstr(r, "mode"),
			json_is_true(json_object_get(r, "applied")) ? "applied"
								  : "plan only: nothing changed, --apply does it",
			json_is_string(json_object_get(r, "record")) ? ", record " : "",
			mw_jstr(r, "record"));
		json_array_foreach(json_object_get(r, "steps"), i, v)
			fprintf(out, "    [%s] %s: %s\n", mw_jstr(v, "status"), mw_jstr(v, "step"),
				mw_jstr(v, "what"));
		json_array_foreach(json_object_get(r, "manual"), i, v)
			fprintf(out, "    [by hand] %s\n", json_string_value(v));
	}
	return ferror(out) ? -1 : 0;
}
