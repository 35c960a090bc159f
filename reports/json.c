#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/version.h"
#include "reports/writer.h"

/*
 * A report string as JSON: escaped (core/escape.h: control bytes and
 * invalid UTF-8 as \n, \xNN, a backslash doubled; docs/json-schema.md),
 * then encoded by jansson. null for NULL.
 */
static json_t *str_or_null(const char *s)
{
	char *e;
	json_t *j;

	if (!s)
		return json_null();
	e = mw_escape_str(s);
	j = e ? json_string(e) : NULL;
	free(e);
	return j;
}

/* Data and details: every string and key escaped. */
static json_t *escaped_or_null(const json_t *v)
{
	return v ? mw_json_escaped(v) : json_null();
}

json_t *mw_finding_to_json(const struct mw_stored_finding *f)
{
	json_t *o = json_object(), *ev = json_object(), *lines, *file;
	char mode[16], t[32];
	size_t i;

	if (!o || !ev) {
		json_decref(o);
		json_decref(ev);
		return NULL;
	}
	json_object_set_new(o, "check", str_or_null(f->check));
	json_object_set_new(o, "rule_id", str_or_null(f->rule_id));
	json_object_set_new(o, "severity", json_string(mw_severity_name(f->severity)));
	json_object_set_new(o, "title", str_or_null(f->title));
	json_object_set_new(o, "family", str_or_null(f->family));
	json_object_set_new(ev, "path", str_or_null(f->path));
	json_object_set_new(ev, "line", f->line ? json_integer((json_int_t)f->line) : json_null());
	json_object_set_new(ev, "ip", str_or_null(f->ip));
	json_object_set_new(ev, "list", str_or_null(f->list));
	if (f->n_log_lines) {
		lines = json_array();
		for (i = 0; i < f->n_log_lines; i++)
			json_array_append_new(lines, str_or_null(f->log_lines[i]));
		json_object_set_new(ev, "log_lines", lines);
	} else {
		json_object_set_new(ev, "log_lines", json_null());
	}
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "excerpt", str_or_null(f->excerpt));
	json_object_set_new(o, "remediation", str_or_null(f->remediation));
	if (f->file.valid) {
		file = json_object();
		json_object_set_new(file, "sha256",
				    f->file.sha256[0] ? json_string(f->file.sha256) : json_null());
		json_object_set_new(file, "uid", json_integer(f->file.uid));
		json_object_set_new(file, "gid", json_integer(f->file.gid));
		json_object_set_new(file, "owner", str_or_null(f->owner));
		json_object_set_new(file, "group", str_or_null(f->group));
		snprintf(mode, sizeof(mode), "%04o", (unsigned)(f->file.mode & 07777));
		json_object_set_new(file, "mode", json_string(mode));
		mw_format_time(f->file.mtime, t, sizeof(t));
		json_object_set_new(file, "mtime", json_string(t));
		json_object_set_new(file, "size", json_integer(f->file.size));
		json_object_set_new(o, "file", file);
	} else {
		json_object_set_new(o, "file", json_null());
	}
	json_object_set_new(o, "details", escaped_or_null(f->details));
	return o;
}

static json_t *summary_json(struct mw_report *r)
{
	json_t *s = json_object(), *by = json_object();
	int i;

	for (i = MW_SEV__COUNT - 1; i >= 0; i--)
		json_object_set_new(by, mw_severity_name((enum mw_severity)i),
				    json_integer((json_int_t)mw_report_count_severity(r, (enum mw_severity)i)));
	json_object_set_new(s, "findings", json_integer((json_int_t)mw_report_nfindings(r)));
	json_object_set_new(s, "by_severity", by);
	json_object_set_new(s, "errors", json_integer((json_int_t)mw_report_nerrors(r)));
	{
		enum mw_severity min;
		size_t hidden = mw_report_hidden(r, &min);

		if (min > MW_SEV_INFO) {
			json_object_set_new(s, "min_severity", json_string(mw_severity_name(min)));
			json_object_set_new(s, "hidden", json_integer((json_int_t)hidden));
		}
	}
	return s;
}

static json_t *error_json(const struct mw_report_error *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "check", str_or_null(e->check));
	json_object_set_new(o, "path", str_or_null(e->path));
	json_object_set_new(o, "line", e->line ? json_integer((json_int_t)e->line) : json_null());
	json_object_set_new(o, "code", json_string(mw_strerror(e->code)));
	json_object_set_new(o, "message", str_or_null(e->message));
	return o;
}

static json_t *note_json(const struct mw_report_note *n)
{
	json_t *o = json_object();

	json_object_set_new(o, "check", str_or_null(n->check));
	json_object_set_new(o, "text", str_or_null(n->text));
	return o;
}

static void header_json(json_t *o, struct mw_report *r, const char *host)
{
	char t[32], hn[256];
	json_t *tool = json_object();

	json_object_set_new(o, "schema", json_string(MW_REPORT_SCHEMA));
	json_object_set_new(tool, "name", json_string("mailwarden"));
	json_object_set_new(tool, "version", json_string(MW_VERSION));
	json_object_set_new(o, "tool", tool);
	json_object_set_new(o, "command", str_or_null(mw_report_command(r)));
	if (!host) {
		if (gethostname(hn, sizeof(hn)) != 0)
			hn[0] = '\0';
		hn[sizeof(hn) - 1] = '\0';
		host = hn;
	}
	json_object_set_new(o, "host", str_or_null(host));
	mw_format_time(mw_report_started(r), t, sizeof(t));
	json_object_set_new(o, "started", json_string(t));
	mw_format_time(mw_report_finished(r), t, sizeof(t));
	json_object_set_new(o, "finished", json_string(t));
	json_object_set_new(o, "exit_code", json_integer(mw_report_exit_code(r)));
	json_object_set_new(o, "incomplete", str_or_null(mw_report_incomplete(r)));
}

json_t *mw_report_to_json(struct mw_report *r, const char *host)
{
	json_t *o = json_object(), *arr, *data;
	const json_t *d;
	const char *name;
	size_t i;

	header_json(o, r, host);
	json_object_set_new(o, "summary", summary_json(r));
	arr = json_array();
	for (i = 0; i < mw_report_nnotes(r); i++)
		json_array_append_new(arr, note_json(mw_report_get_note(r, i)));
	json_object_set_new(o, "notes", arr);
	arr = json_array();
	for (i = 0; i < mw_report_nfindings(r); i++)
		json_array_append_new(arr, mw_finding_to_json(mw_report_finding(r, i)));
	json_object_set_new(o, "findings", arr);
	arr = json_array();
	for (i = 0; i < mw_report_nerrors(r); i++)
		json_array_append_new(arr, error_json(mw_report_get_error(r, i)));
	json_object_set_new(o, "errors", arr);
	data = json_object();
	for (i = 0; (name = mw_report_section(r, i, &d, NULL)); i++) {
		char *k = mw_escape_str(name);

		if (k)
			json_object_set_new(data, k, escaped_or_null(d));
		free(k);
	}
	json_object_set_new(o, "data", data);
	return o;
}

static int dump_line(FILE *out, json_t *o, size_t flags)
{
	int rc = o ? json_dumpf(o, out, flags) : -1;

	json_decref(o);
	if (rc != 0 || fputc('\n', out) == EOF)
		return -1;
	return 0;
}

static int write_json(FILE *out, struct mw_report *r, const struct mw_write_opts *o)
{
	return dump_line(out, mw_report_to_json(r, o ? o->host : NULL), JSON_INDENT(2));
}

static json_t *typed(const char *type, json_t *o)
{
	json_t *t = json_object();

	json_object_set_new(t, "type", json_string(type));
	json_object_update(t, o);
	json_decref(o);
	return t;
}

int mw_report_write_items(FILE *out, struct mw_report *r)
{
	const size_t fl = JSON_COMPACT;
	size_t i;

	for (i = 0; i < mw_report_nnotes(r); i++)
		if (dump_line(out, typed("note", note_json(mw_report_get_note(r, i))), fl))
			return -1;
	for (i = 0; i < mw_report_nfindings(r); i++)
		if (dump_line(out, mw_report_jsonl_line(r, mw_report_finding(r, i), NULL), fl))
			return -1;
	for (i = 0; i < mw_report_nerrors(r); i++)
		if (dump_line(out, typed("error", error_json(mw_report_get_error(r, i))), fl))
			return -1;
	return 0;
}

static int write_jsonl(FILE *out, struct mw_report *r, const struct mw_write_opts *o)
{
	const size_t fl = JSON_COMPACT;
	const json_t *d;
	const char *name;
	size_t i;

	if (mw_report_write_items(out, r))
		return -1;
	for (i = 0; (name = mw_report_section(r, i, &d, NULL)); i++) {
		json_t *x = json_object();

		json_object_set_new(x, "check", str_or_null(name));
		json_object_set_new(x, "data", escaped_or_null(d));
		if (dump_line(out, typed("data", x), fl))
			return -1;
	}
	return dump_line(out, mw_report_jsonl_line(r, NULL, o ? o->host : NULL), fl);
}

json_t *mw_report_jsonl_line(struct mw_report *r, const struct mw_stored_finding *f,
			     const char *host)
{
	json_t *sum;

	if (f)
		return typed("finding", mw_finding_to_json(f));
	sum = json_object();
	header_json(sum, r, host);
	json_object_set_new(sum, "summary", summary_json(r));
	return typed("summary", sum);
}

const struct mw_writer mw_writer_json = { "json", write_json };
const struct mw_writer mw_writer_jsonl = { "jsonl", write_jsonl };
