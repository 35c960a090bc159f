/*
 * Text rendering of data.audit: the verdict, the headline and the plan come
 * first because that is what the admin acts on; then which checks ran, the
 * correlations and the findings grouped by cause (the findings themselves
 * follow in the report's own finding list).
 */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "reports/render.h"

static int render_plan(FILE *out, const json_t *plan, const char *b, const char *rs)
{
	const json_t *step, *v;
	size_t i, j;

	if (!json_array_size(plan))
		return fputs("remediation plan: nothing to do\n", out) == EOF ? -1 : 0;
	if (fprintf(out, "%sremediation plan:%s\n", b, rs) < 0)
		return -1;
	json_array_foreach(plan, i, step) {
		if (fprintf(out, "  %s%" JSON_INTEGER_FORMAT ". %s%s\n", b,
			    json_integer_value(json_object_get(step, "step")),
			    mw_jstr(step, "title"), rs) < 0)
			return -1;
		json_array_foreach(json_object_get(step, "actions"), j, v)
			if (fprintf(out, "     - %s\n", json_string_value(v)) < 0)
				return -1;
		json_array_foreach(json_object_get(step, "commands"), j, v)
			if (fprintf(out, "       $ %s\n", json_string_value(v)) < 0)
				return -1;
	}
	return 0;
}

int mw_audit_render_text(FILE *out, const json_t *data, int color)
{
	const char *b = color ? MW_C_BOLD : "", *rs = color ? MW_C_RESET : "";
	const char *verdict = mw_jstr(data, "verdict");
	const json_t *v, *w, *nightly;
	size_t i, j;

	if (fprintf(out, "  verdict:  %s%s%s\n", color ? (strcmp(verdict, "clean") ?
				MW_C_BOLD_RED : MW_C_GREEN) : "", verdict, rs) < 0 ||
	    fprintf(out, "  headline: %s%s%s\n\n", b, mw_jstr(data, "headline"), rs) < 0)
		return -1;
	if (render_plan(out, json_object_get(data, "plan"), b, rs) < 0)
		return -1;
	nightly = json_object_get(data, "nightly");
	if (json_is_object(nightly) &&
	    fprintf(out, "\nnightly: %" JSON_INTEGER_FORMAT " new, %" JSON_INTEGER_FORMAT
		    " still present, %" JSON_INTEGER_FORMAT " acknowledged, %"
		    JSON_INTEGER_FORMAT " resolved (state %s)\n",
		    json_integer_value(json_object_get(nightly, "new")),
		    json_integer_value(json_object_get(nightly, "seen")),
		    json_integer_value(json_object_get(nightly, "acknowledged")),
		    json_integer_value(json_object_get(nightly, "resolved")),
		    mw_jstr(nightly, "state")) < 0)
		return -1;
	if (fputs("\nchecks:\n", out) == EOF)
		return -1;
	json_array_foreach(json_object_get(data, "checks"), i, v) {
		const char *st = mw_jstr(v, "status");

		if (fprintf(out, "  %-11s %-16s %3" JSON_INTEGER_FORMAT " finding(s) %6.2fs  %s\n",
			    mw_jstr(v, "name"), st,
			    json_integer_value(json_object_get(v, "findings")),
			    json_real_value(json_object_get(v, "seconds")),
			    mw_jstr(v, "argv")) < 0)
			return -1;
		if (json_is_string(json_object_get(v, "error")) &&
		    fprintf(out, "              %s\n", mw_jstr(v, "error")) < 0)
			return -1;
	}
	if (json_array_size(json_object_get(data, "correlations"))) {
		if (fputs("\ncorrelated evidence:\n", out) == EOF)
			return -1;
		json_array_foreach(json_object_get(data, "correlations"), i, v) {
			if (fprintf(out, "  [%s] %s\n", mw_jstr(v, "finding_id"), mw_jstr(v, "title")) < 0)
				return -1;
			json_array_foreach(json_object_get(v, "evidence"), j, w)
				if (fprintf(out, "      %s [%s]: %s\n", mw_jstr(w, "check"),
					    mw_jstr(w, "finding_id"), mw_jstr(w, "title")) < 0)
					return -1;
		}
	}
	if (json_array_size(json_object_get(data, "causes"))) {
		if (fputs("\nfindings by cause:\n", out) == EOF)
			return -1;
		json_array_foreach(json_object_get(data, "causes"), i, v) {
			if (fprintf(out, "  %s (%" JSON_INTEGER_FORMAT ", up to %s)\n",
				    mw_jstr(v, "title"), json_integer_value(json_object_get(v, "count")),
				    mw_jstr(v, "severity")) < 0)
				return -1;
			json_array_foreach(json_object_get(v, "findings"), j, w)
				if (fprintf(out, "    [%s] %-8s %s\n", mw_jstr(w, "finding_id"),
					    mw_jstr(w, "severity"), mw_jstr(w, "title")) < 0)
					return -1;
		}
	}
	return 0;
}
