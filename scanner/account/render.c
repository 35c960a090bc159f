/*
 * Text of the "account" data section (acct_int.h). Strings arrive escaped
 * by the report.
 */
#include <stdio.h>
#include <time.h>

#include "scanner/account/acct_int.h"

#define TEXT_ADDRS 40	/* addresses printed; JSON has them all */

static const char *s(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static long long n(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

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
		n(l, "logins"), n(l, "failures"),
		(long long)json_array_size(json_object_get(l, "addresses")),
		json_array_size(json_object_get(l, "addresses")) == 1 ? "" : "es",
		n(l, "networks"), n(l, "networks") == 1 ? "" : "s", n(l, "networks_in_a_day"),
		n(l, "sent"));
	json_array_foreach(json_object_get(l, "addresses"), i, a) {
		if (i == TEXT_ADDRS) {
			fprintf(out, "    ... %zu more (JSON has all)\n",
				json_array_size(json_object_get(l, "addresses")) - i);
			break;
		}
		fprintf(out, "    %-39s %-18s %5lld ok %4lld failed  %s .. %s ", s(a, "ip"),
			s(a, "network"), n(a, "logins"), n(a, "failures"),
			when(a, "first", f, sizeof(f)), when(a, "last", t, sizeof(t)));
		json_array_foreach(json_object_get(a, "protocols"), k, p)
			fprintf(out, "%s%s", k ? "," : "", json_string_value(p));
		fputc('\n', out);
	}
}

int acct_render(FILE *out, const json_t *d, int color)
{
	const json_t *v, *r = json_object_get(d, "response");
	size_t i;

	(void)color;
	fprintf(out, "account %s\n", s(d, "user"));
	if (json_object_get(d, "logins"))
		render_logins(out, json_object_get(d, "logins"));
	json_array_foreach(json_object_get(d, "forwarders"), i, v)
		fprintf(out, "  forward (%s): %s -> %s%s  %s:%lld\n", s(v, "source"), s(v, "kind"),
			s(v, "destination"), json_is_true(json_object_get(v, "external")) ? " (external)" : "",
			s(v, "path"), n(v, "line"));
	json_array_foreach(json_object_get(d, "sieve"), i, v)
		fprintf(out, "  sieve script \"%s\"%s%s%s\n", s(v, "name"),
			json_is_true(json_object_get(v, "active")) ? " (active)" : "",
			json_is_true(json_object_get(v, "external")) ? ": sends mail off the host" : "",
			json_is_true(json_object_get(v, "hides")) ? " and hides it" : "");
	json_array_foreach(json_object_get(d, "files"), i, v) {
		char m[32];

		fprintf(out, "  %s last changed %s%s\n", s(v, "path"), when(v, "mtime", m, sizeof(m)),
			json_is_true(json_object_get(v, "after_new_network"))
				? ", after the first login from a new network" : "");
	}
	if ((v = json_object_get(d, "recipients")) && n(v, "recipients")) {
		const json_t *x;

		fprintf(out, "  recipients of its SMTP AUTH mail: %lld in %lld message%s, %lld domain%s:",
			n(v, "recipients"), n(v, "messages"), n(v, "messages") == 1 ? "" : "s",
			n(v, "domains"), n(v, "domains") == 1 ? "" : "s");
		json_array_foreach(json_object_get(v, "top"), i, x)
			fprintf(out, "%s %s %lld", i ? "," : "", s(x, "domain"), n(x, "recipients"));
		fputc('\n', out);
	}
	if (json_is_integer(json_object_get(d, "queued")))
		fprintf(out, "  queued mail sent as the account: %lld\n", n(d, "queued"));
	json_array_foreach(json_object_get(d, "roundcube"), i, v) {
		const json_t *x;
		size_t k;

		fprintf(out, "  roundcube %s: %s", s(v, "config"),
			json_is_string(json_object_get(v, "database")) ? s(v, "database") : s(v, "type"));
		if (json_is_array(json_object_get(v, "sessions")))
			fprintf(out, ", %zu session%s of the account",
				json_array_size(json_object_get(v, "sessions")),
				json_array_size(json_object_get(v, "sessions")) == 1 ? "" : "s");
		if (json_is_string(json_object_get(v, "error")))
			fprintf(out, " (%s)", s(v, "error"));
		fputc('\n', out);
		json_array_foreach(json_object_get(v, "sessions"), k, x)
			fprintf(out, "    webmail session from %s, last active %s\n", s(x, "ip"),
				s(x, "changed"));
	}
	if (json_object_get(d, "verdict")) {
		fprintf(out, "  verdict: %s\n", s(d, "verdict"));
		json_array_foreach(json_object_get(d, "evidence"), i, v)
			fprintf(out, "    - %s\n", json_string_value(v));
	}
	if (json_is_object(r)) {
		fprintf(out, "  %s (%s)%s%s\n", s(r, "mode"),
			json_is_true(json_object_get(r, "applied")) ? "applied"
								  : "plan only: nothing changed, --apply does it",
			json_is_string(json_object_get(r, "record")) ? ", record " : "", s(r, "record"));
		json_array_foreach(json_object_get(r, "steps"), i, v)
			fprintf(out, "    [%s] %s: %s\n", s(v, "status"), s(v, "step"), s(v, "what"));
		json_array_foreach(json_object_get(r, "manual"), i, v)
			fprintf(out, "    [by hand] %s\n", json_string_value(v));
	}
	return ferror(out) ? -1 : 0;
}
