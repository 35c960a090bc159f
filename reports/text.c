#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "reports/writer.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

static const char *const sev_color[MW_SEV__COUNT] = {
	"\033[2m",		/* info: dim */
	"\033[36m",		/* low: cyan */
	"\033[33m",		/* medium: yellow */
	"\033[31m",		/* high: red */
	"\033[1;31m",		/* critical: bold red */
};

static const char *const sev_label[MW_SEV__COUNT] = {
	"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"
};

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

static int write_finding(FILE *out, const struct mw_stored_finding *f, int color)
{
	const char *c = color ? sev_color[f->severity] : "";
	const char *rs = color ? C_RESET : "";
	const char *b = color ? C_BOLD : "";
	char t[32];
	size_t i;

	if (fprintf(out, "%s%-8s%s %s[%s]%s %s%s%s\n", c, sev_label[f->severity], rs,
		    color ? C_DIM : "", f->check, rs, b, f->title, rs) < 0)
		return -1;
	if (fprintf(out, "    rule:    %s%s%s\n", f->rule_id,
		    f->family ? "  family: " : "", f->family ? f->family : "") < 0)
		return -1;
	if (f->path) {
		if (f->line ? fprintf(out, "    where:   %s:%lu\n", f->path, f->line) < 0
			    : fprintf(out, "    where:   %s\n", f->path) < 0)
			return -1;
	}
	if (f->ip && fprintf(out, "    ip:      %s%s%s\n", f->ip,
			     f->list ? "  list: " : "", f->list ? f->list : "") < 0)
		return -1;
	if (!f->ip && f->list && fprintf(out, "    list:    %s\n", f->list) < 0)
		return -1;
	if (f->excerpt && fprintf(out, "    excerpt: %s\n", f->excerpt) < 0)
		return -1;
	for (i = 0; i < f->n_log_lines; i++)
		if (fprintf(out, "    log:     %s\n", f->log_lines[i]) < 0)
			return -1;
	if (f->file.valid) {
		mw_format_time(f->file.mtime, t, sizeof(t));
		if (fprintf(out, "    file:    owner %s(%lu):%s(%lu) mode %04o size %" PRId64
			    " mtime %s\n", f->owner ? f->owner : "?", (unsigned long)f->file.uid,
			    f->group ? f->group : "?", (unsigned long)f->file.gid,
			    (unsigned)(f->file.mode & 07777), f->file.size, t) < 0)
			return -1;
		if (f->file.sha256[0] &&
		    fprintf(out, "    sha256:  %s\n", f->file.sha256) < 0)
			return -1;
	}
	if (f->details && json_object_size(f->details)) {
		if (fputs("    details:\n", out) == EOF ||
		    render_generic(out, f->details, 6) < 0)
			return -1;
	}
	if (f->remediation && fprintf(out, "    fix:     %s\n", f->remediation) < 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
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

			if (fprintf(out, "%s: %s\n", nt->check, nt->text) < 0)
				return -1;
		}
		if (mw_report_nnotes(r) && fputc('\n', out) == EOF)
			return -1;
		for (i = 0; (name = mw_report_section(r, i, &d, &rend)); i++) {
			if (fprintf(out, "%s== %s ==%s\n", color ? C_BOLD : "", name,
				    color ? C_RESET : "") < 0)
				return -1;
			if ((rend ? rend(out, d, color) : render_generic(out, d, 2)) < 0)
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

		if (fprintf(out, "%sERROR%s    [%s] ", color ? sev_color[MW_SEV_HIGH] : "",
			    color ? C_RESET : "", e->check) < 0)
			return -1;
		if (e->path && (e->line ? fprintf(out, "%s: line %lu: ", e->path, e->line)
					: fprintf(out, "%s: ", e->path)) < 0)
			return -1;
		if (fprintf(out, "%s\n", e->message) < 0)
			return -1;
	}
	if (mw_report_incomplete(r) &&
	    fprintf(out, "INCOMPLETE: %s\n", mw_report_incomplete(r)) < 0)
		return -1;
	if (quiet && mw_report_exit_code(r) == 0)
		return 0;
	if (fprintf(out, "%s%s: %zu finding%s (", mw_report_nerrors(r) ? "\n" : "",
		    mw_report_command(r), n, n == 1 ? "" : "s") < 0)
		return -1;
	for (s = MW_SEV__COUNT - 1; s >= 0; s--)
		if (fprintf(out, "%zu %s%s", mw_report_count_severity(r, (enum mw_severity)s),
			    mw_severity_name((enum mw_severity)s), s ? ", " : "") < 0)
			return -1;
	n = mw_report_nerrors(r);
	return fprintf(out, "), %zu error%s\n", n, n == 1 ? "" : "s") < 0 ? -1 : 0;
}

const struct mw_writer mw_writer_text = { "text", write_text };
