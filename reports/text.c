/*
 * The text writer: what a person reads on a terminal or in the nightly
 * mail. The report holds raw bytes; every string is escaped here
 * (core/escape.h) so that no control byte from a scanned file reaches the
 * terminal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "reports/render.h"
#include "reports/writer.h"

static const char *const sev_color[MW_SEV__COUNT] = {
	MW_C_DIM,		/* info */
	MW_C_CYAN,		/* low */
	MW_C_YELLOW,		/* medium */
	MW_C_RED,		/* high */
	MW_C_BOLD_RED,		/* critical */
};

static const char *const sev_label[MW_SEV__COUNT] = {
	"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"
};

static int render_generic(FILE *out, const json_t *v, int indent);

/* Escaped copies of the strings one item prints, freed together. */
#define MAX_SHOWN 16

struct shown {
	char *s[MAX_SHOWN];
	size_t n;
};

/* The escaped form of raw (NULL for NULL), owned by sh; "?" when out of
 * memory, so that nothing unescaped is ever printed. */
static const char *show(struct shown *sh, const char *raw)
{
	char *e;

	if (!raw)
		return NULL;
	if (sh->n == MAX_SHOWN || !(e = mw_escape_str(raw)))
		return "?";
	sh->s[sh->n++] = e;
	return e;
}

/* The same for a string that is never NULL in the report. */
static const char *show_nn(struct shown *sh, const char *raw)
{
	const char *s = show(sh, raw ? raw : "");

	return s ? s : "";
}

static void shown_free(struct shown *sh)
{
	while (sh->n)
		free(sh->s[--sh->n]);
}

/* Render data (raw) with renderer, or generically: both see escaped strings. */
static int render_data(FILE *out, const json_t *data, mw_text_renderer rend,
		       int indent, int color)
{
	json_t *safe = data ? mw_json_escaped(data) : NULL;
	int rc;

	if (data && !safe)
		return fputs("(out of memory)\n", out) == EOF ? -1 : 0;
	rc = rend ? rend(out, safe, color) : render_generic(out, safe, indent);
	json_decref(safe);
	return rc;
}

/* Generic rendering of a data section: "key: value" lines, nested indented. */
static int render_generic(FILE *out, const json_t *v, int indent)
{
	const char *key;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, key, item) {
			if (json_is_object(item) || json_is_array(item)) {
				if (fprintf(out, "%*s%s:\n", indent, "", key) < 0 ||
				    render_generic(out, item, indent + 2) < 0)
					return -1;
			} else {
				if (fprintf(out, "%*s%s: ", indent, "", key) < 0 ||
				    render_generic(out, item, 0) < 0)
					return -1;
			}
		}
		return 0;
	case JSON_ARRAY:
		json_array_foreach(v, i, item) {
			if (json_is_object(item) || json_is_array(item)) {
				if (fprintf(out, "%*s-\n", indent, "") < 0 ||
				    render_generic(out, item, indent + 2) < 0)
					return -1;
			} else {
				if (fprintf(out, "%*s- ", indent, "") < 0 ||
				    render_generic(out, item, 0) < 0)
					return -1;
			}
		}
		return 0;
	case JSON_STRING:
		return fprintf(out, "%s\n", json_string_value(v)) < 0 ? -1 : 0;
	case JSON_INTEGER:
		return fprintf(out, "%" JSON_INTEGER_FORMAT "\n", json_integer_value(v)) < 0 ? -1 : 0;
	case JSON_REAL:
		return fprintf(out, "%.3f\n", json_real_value(v)) < 0 ? -1 : 0;
	case JSON_TRUE:
		return fputs("yes\n", out) == EOF ? -1 : 0;
	case JSON_FALSE:
		return fputs("no\n", out) == EOF ? -1 : 0;
	default:
		return fputs("-\n", out) == EOF ? -1 : 0;
	}
}

static int write_finding_shown(FILE *out, const struct mw_stored_finding *raw,
			       struct shown *sh, int color)
{
	const char *c = color ? sev_color[raw->severity] : "";
	const char *rs = color ? MW_C_RESET : "";
	const char *b = color ? MW_C_BOLD : "";
	const char *check = show_nn(sh, raw->check), *title = show_nn(sh, raw->title);
	const char *rule = show_nn(sh, raw->rule_id), *family = show(sh, raw->family);
	const char *path = show(sh, raw->path), *ip = show(sh, raw->ip);
	const char *list = show(sh, raw->list), *excerpt = show(sh, raw->excerpt);
	const char *owner = show(sh, raw->owner), *group = show(sh, raw->group);
	const char *fix = show(sh, raw->remediation);
	char t[32];
	size_t i;

	if (fprintf(out, "%s%-8s%s %s[%s]%s %s%s%s\n", c, sev_label[raw->severity], rs,
		    color ? MW_C_DIM : "", check, rs, b, title, rs) < 0)
		return -1;
	if (fprintf(out, "    rule:    %s%s%s\n", rule,
		    family ? "  family: " : "", family ? family : "") < 0)
		return -1;
	if (path) {
		if (raw->line ? fprintf(out, "    where:   %s:%lu\n", path, raw->line) < 0
			      : fprintf(out, "    where:   %s\n", path) < 0)
			return -1;
	}
	if (ip && fprintf(out, "    ip:      %s%s%s\n", ip,
			  list ? "  list: " : "", list ? list : "") < 0)
		return -1;
	if (!ip && list && fprintf(out, "    list:    %s\n", list) < 0)
		return -1;
	if (excerpt && fprintf(out, "    excerpt: %s\n", excerpt) < 0)
		return -1;
	for (i = 0; i < raw->n_log_lines; i++) {
		char *l = mw_escape_str(raw->log_lines[i]);
		int rc = fprintf(out, "    log:     %s\n", l ? l : "?");

		free(l);
		if (rc < 0)
			return -1;
	}
	if (raw->file.valid) {
		mw_format_time(raw->file.mtime, t, sizeof(t));
		if (fprintf(out, "    file:    owner %s(%lu):%s(%lu) mode %04o size %" PRId64
			    " mtime %s\n", owner ? owner : "?", (unsigned long)raw->file.uid,
			    group ? group : "?", (unsigned long)raw->file.gid,
			    (unsigned)(raw->file.mode & 07777), raw->file.size, t) < 0)
			return -1;
		if (raw->file.sha256[0] &&
		    fprintf(out, "    sha256:  %s\n", raw->file.sha256) < 0)
			return -1;
	}
	if (raw->details && json_object_size(raw->details)) {
		if (fputs("    details:\n", out) == EOF ||
		    render_data(out, raw->details, NULL, 6, color) < 0)
			return -1;
	}
	if (fix && fprintf(out, "    fix:     %s\n", fix) < 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

static int write_finding(FILE *out, const struct mw_stored_finding *f, int color)
{
	struct shown sh = { .n = 0 };
	int rc = write_finding_shown(out, f, &sh, color);

	shown_free(&sh);
	return rc;
}

static int write_text(FILE *out, struct mw_report *r, const struct mw_write_opts *o)
{
	int color = o && o->color, quiet = o && o->quiet;
	mw_text_renderer rend;
	const json_t *d;
	const char *name;
	size_t i, n;
	int s;

	if (!quiet) {
		for (i = 0; i < mw_report_nnotes(r); i++) {
			const struct mw_report_note *nt = mw_report_get_note(r, i);
			struct shown sh = { .n = 0 };
			int rc = fprintf(out, "%s: %s\n", show_nn(&sh, nt->check),
					 show_nn(&sh, nt->text));

			shown_free(&sh);
			if (rc < 0)
				return -1;
		}
		if (mw_report_nnotes(r) && fputc('\n', out) == EOF)
			return -1;
		for (i = 0; (name = mw_report_section(r, i, &d, &rend)); i++) {
			struct shown sh = { .n = 0 };
			int rc = fprintf(out, "%s== %s ==%s\n", color ? MW_C_BOLD : "",
					 show_nn(&sh, name), color ? MW_C_RESET : "");

			shown_free(&sh);
			if (rc < 0 || render_data(out, d, rend, 2, color) < 0)
				return -1;
			if (fputc('\n', out) == EOF)
				return -1;
		}
	}
	n = mw_report_nfindings(r);
	for (i = 0; i < n; i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);

		if (quiet && f->severity < MW_SEV_LOW)
			continue;
		if (write_finding(out, f, color) < 0)
			return -1;
	}
	for (i = 0; i < mw_report_nerrors(r); i++) {
		const struct mw_report_error *e = mw_report_get_error(r, i);
		struct shown sh = { .n = 0 };
		const char *path = show(&sh, e->path);
		int rc = fprintf(out, "%sERROR%s    [%s] ", color ? sev_color[MW_SEV_HIGH] : "",
				 color ? MW_C_RESET : "", show_nn(&sh, e->check)) < 0 ||
			 (path && (e->line ? fprintf(out, "%s: line %lu: ", path, e->line)
					   : fprintf(out, "%s: ", path)) < 0) ||
			 fprintf(out, "%s\n", show_nn(&sh, e->message)) < 0;

		shown_free(&sh);
		if (rc)
			return -1;
	}
	if (mw_report_incomplete(r)) {
		struct shown sh = { .n = 0 };
		int rc = fprintf(out, "INCOMPLETE: %s\n", show_nn(&sh, mw_report_incomplete(r)));

		shown_free(&sh);
		if (rc < 0)
			return -1;
	}
	if (quiet && mw_report_exit_code(r) == 0)
		return 0;
	{
		struct shown sh = { .n = 0 };
		int rc = fprintf(out, "%s%s: %zu finding%s (", mw_report_nerrors(r) ? "\n" : "",
				 show_nn(&sh, mw_report_command(r)), n, n == 1 ? "" : "s");

		shown_free(&sh);
		if (rc < 0)
			return -1;
	}
	for (s = MW_SEV__COUNT - 1; s >= 0; s--)
		if (fprintf(out, "%zu %s%s", mw_report_count_severity(r, (enum mw_severity)s),
			    mw_severity_name((enum mw_severity)s), s ? ", " : "") < 0)
			return -1;
	n = mw_report_nerrors(r);
	return fprintf(out, "), %zu error%s\n", n, n == 1 ? "" : "s") < 0 ? -1 : 0;
}

const struct mw_writer mw_writer_text = { "text", write_text };
