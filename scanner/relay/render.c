/* Text rendering of data.relay: one block per probe with a table of the
 * 16 variants, then the relay-relevant MTA settings. Strings arrive
 * escaped by the report. */
#include <stdio.h>
#include <string.h>

#include "reports/render.h"
#include "scanner/relay/relay.h"

static int render_probe(FILE *out, const json_t *p, int color)
{
	const json_t *v, *g = json_object_get(p, "greeting");
	const json_t *tb = json_object_get(p, "trusted_by");
	size_t i;

	if (fprintf(out, "  target %s", mw_jstr(p, "target")) < 0)
		return -1;
	if (json_object_get(p, "server_name") &&
	    fprintf(out, "  server %s, %s, STARTTLS %s, XCLIENT %s",
		    mw_jstr(p, "server_name"), mw_jstr(p, "hello"),
		    json_is_true(json_object_get(p, "starttls_offered")) ? "offered" : "not offered",
		    json_is_true(json_object_get(p, "xclient_offered")) ? "offered" : "not offered") < 0)
		return -1;
	if (fputc('\n', out) == EOF)
		return -1;
	if (!g) {
		/* never got as far as a greeting: nothing else to show */
		return fprintf(out, "  problem: %s\n", json_is_string(json_object_get(p, "stopped")) ?
			       mw_jstr(p, "stopped") : mw_jstr(p, "error")) < 0 ? -1 : 0;
	}
	if (fprintf(out, "  greeting %lld %s\n", mw_jint(g, "code"), mw_jstr(g, "text")) < 0)
		return -1;
	/* the viewpoint and the evidence it was decided from */
	if (strcmp(mw_jstr(p, "viewpoint"), "untrusted") == 0) {
		if (fprintf(out, "  viewpoint: untrusted client %s (%s)\n",
			    mw_jstr(p, "client_address"), mw_jstr(p, "viewpoint_reason")) < 0)
			return -1;
	} else if (strcmp(mw_jstr(p, "viewpoint"), "trusted") == 0) {
		if (fprintf(out, "  viewpoint: TRUSTED client %s, in %s via %s — %s\n",
			    mw_jstr(p, "client_address"), mw_jstr(p, "trust_list"),
			    json_string_value(json_array_get(tb, 0)),
			    json_is_true(json_object_get(p, "trusts_everyone")) ?
			    "an entry that trusts every address" :
			    "the result says nothing about strangers") < 0)
			return -1;
	} else if (fprintf(out, "  viewpoint: unknown, client %s (%s)\n",
			   mw_jstr(p, "client_address"), mw_jstr(p, "viewpoint_reason")) < 0) {
		return -1;
	}
	if (fprintf(out, "  result: %s%lld/%lld relayed%s, %lld refused, %lld errors in %lld ms\n",
		    color && mw_jint(p, "relayed") ? MW_C_RED : "", mw_jint(p, "relayed"),
		    mw_jint(p, "tested"),
		    color && mw_jint(p, "relayed") ? MW_C_RESET : "", mw_jint(p, "refused"),
		    mw_jint(p, "errors"), mw_jint(p, "elapsed_ms")) < 0)
		return -1;
	if (json_is_string(json_object_get(p, "verdict")) &&
	    fprintf(out, "  verdict: %s\n", mw_jstr(p, "verdict")) < 0)
		return -1;
	if (mw_jint(p, "retried") && fprintf(out, "  the server closed the session %lld time%s; "
					 "those variants were retried on %lld sessions\n",
					 mw_jint(p, "retried"),
					 mw_jint(p, "retried") == 1 ? "" : "s",
					 mw_jint(p, "sessions")) < 0)
		return -1;
	if (json_is_string(json_object_get(p, "error")) &&
	    fprintf(out, "  problem: %s\n", mw_jstr(p, "error")) < 0)
		return -1;
	if (json_is_string(json_object_get(p, "stopped")) &&
	    fprintf(out, "  problem: %s\n", mw_jstr(p, "stopped")) < 0)
		return -1;
	if (!json_array_size(json_object_get(p, "variants")))
		return 0;
	if (fprintf(out, "  %2s  %-8s %-34s %-44s %s\n", "#", "verdict", "MAIL FROM",
		    "RCPT TO", "reply") < 0)
		return -1;
	json_array_foreach(json_object_get(p, "variants"), i, v) {
		char from[300], to[300];
		const char *verdict = mw_jstr(v, "verdict");
		const char *c = !color ? "" : strcmp(verdict, "relayed") == 0 ? MW_C_RED :
				strcmp(verdict, "refused") == 0 ? MW_C_GREEN : MW_C_DIM;
		const json_t *code = json_object_get(v, "code");
		int at;

		snprintf(from, sizeof(from), "<%s>", mw_jstr(v, "mail_from"));
		snprintf(to, sizeof(to), "<%s>", mw_jstr(v, "rcpt_to"));
		if (fprintf(out, "  %2lld  %s%-8s%s %-34s %-44s ", mw_jint(v, "n"), c, verdict,
			    color ? MW_C_RESET : "", from, to) < 0)
			return -1;
		if (json_is_integer(code) && fprintf(out, "%lld ", mw_jint(v, "code")) < 0)
			return -1;
		at = strcmp(mw_jstr(v, "stage"), "RCPT") != 0 && strcmp(verdict, "error") != 0;
		if (fprintf(out, "%s%s%s%s\n", mw_jstr(v, "text"), at ? " (at " : "",
			    at ? mw_jstr(v, "stage") : "", at ? ")" : "") < 0)
			return -1;
	}
	return 0;
}

static int render_settings(FILE *out, const char *title, const json_t *o)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return 0;
	if (fprintf(out, "  %s:\n", title) < 0)
		return -1;
	json_object_foreach((json_t *)o, k, v) {
		if (json_is_string(v) && fprintf(out, "    %s = %s\n", k, json_string_value(v)) < 0)
			return -1;
		if (json_is_boolean(v) &&
		    fprintf(out, "    %s: %s\n", k, json_is_true(v) ? "yes" : "no") < 0)
			return -1;
		if (json_is_array(v) && strcmp(k, "smtpd_services") == 0) {
			const json_t *s;
			size_t i;

			json_array_foreach(v, i, s) {
				const char *ok;
				json_t *ov;

				if (fprintf(out, "    smtpd service %s/%s", mw_jstr(s, "service"),
					    mw_jstr(s, "type")) < 0)
					return -1;
				json_object_foreach(json_object_get(s, "overrides"), ok, ov)
					if (fprintf(out, " -o %s=%s", ok, json_string_value(ov)) < 0)
						return -1;
				if (fputc('\n', out) == EOF)
					return -1;
			}
		}
	}
	return 0;
}

int mw_relay_render(FILE *out, const json_t *data, int color)
{
	const json_t *p;
	size_t i;

	json_array_foreach(json_object_get(data, "probes"), i, p) {
		if (i && fputc('\n', out) == EOF)
			return -1;
		if (render_probe(out, p, color) < 0)
			return -1;
	}
	if (render_settings(out, "postfix", json_object_get(data, "postfix")) < 0)
		return -1;
	return render_settings(out, "exim", json_object_get(data, "exim"));
}
