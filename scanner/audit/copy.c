/*
 * Moving content from the report the checks wrote (raw) into the report the
 * user sees. The nightly mode shows only new findings, and every finding
 * gets its stable id in details.finding_id; the report API has no removal,
 * so the audit copies what it keeps. Stored strings are escaped: unescape
 * before handing them back to mw_report_* (which escape again).
 */
#include <stdlib.h>
#include <string.h>

#include "core/unescape.h"
#include "scanner/audit/audit.h"

json_t *mw_audit_json_unescaped(const json_t *v)
{
	json_t *out, *item, *c;
	const char *key;
	size_t i, len;
	char *s, *k;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = mw_unescape_dup(json_string_value(v), json_string_length(v), &len);
		out = s ? json_stringn_nocheck(s, len) : NULL;
		free(s);
		return out;
	case JSON_ARRAY:
		out = json_array();
		json_array_foreach(v, i, item) {
			c = mw_audit_json_unescaped(item);
			if (!out || !c || json_array_append_new(out, c)) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	case JSON_OBJECT:
		out = json_object();
		json_object_foreach((json_t *)v, key, item) {
			k = mw_unescape_str(key);
			c = mw_audit_json_unescaped(item);
			if (!out || !k || !c || json_object_set_new_nocheck(out, k, c)) {
				free(k);
				json_decref(out);
				return NULL;
			}
			free(k);
		}
		return out;
	default:
		return json_deep_copy(v);
	}
}

enum mw_err mw_audit_copy_finding(struct mw_report *dst,
				  const struct mw_stored_finding *f, json_t *extra)
{
	char *check = mw_unescape_str(f->check), *rule = mw_unescape_str(f->rule_id);
	char *title = mw_unescape_str(f->title), *family = mw_unescape_str(f->family);
	char *path = mw_unescape_str(f->path), *ip = mw_unescape_str(f->ip);
	char *list = mw_unescape_str(f->list), *excerpt = mw_unescape_str(f->excerpt);
	char *rem = mw_unescape_str(f->remediation);
	char **lines = f->n_log_lines ? calloc(f->n_log_lines, sizeof(char *)) : NULL;
	json_t *details = f->details ? mw_audit_json_unescaped(f->details) : NULL;
	struct mw_finding nf;
	enum mw_err e = MW_ERR_NOMEM;
	size_t i, nl = 0;

	if (f->n_log_lines && !lines)
		goto out;
	for (nl = 0; nl < f->n_log_lines; nl++)
		if (!(lines[nl] = mw_unescape_str(f->log_lines[nl])))
			goto out;
	if (extra) {
		if (!details)
			details = json_object();
		if (!details || !json_is_object(details) || json_object_update(details, extra))
			goto out;
	}
	if (!check || !rule || !title || (f->family && !family) || (f->path && !path) ||
	    (f->ip && !ip) || (f->list && !list) || (f->excerpt && !excerpt) ||
	    (f->remediation && !rem) || (f->details && !details))
		goto out;
	memset(&nf, 0, sizeof(nf));
	nf.check = check;
	nf.rule_id = rule;
	nf.severity = f->severity;
	nf.title = title;
	nf.family = family;
	nf.path = path;
	nf.line = f->line;
	nf.ip = ip;
	nf.list = list;
	nf.log_lines = (const char *const *)lines;
	nf.n_log_lines = f->n_log_lines;
	nf.excerpt = excerpt;
	nf.remediation = rem;
	nf.file = f->file;
	nf.details = details;
	e = mw_report_add(dst, &nf);
out:
	for (i = 0; i < nl; i++)
		free(lines[i]);
	free(lines);
	free(check);
	free(rule);
	free(title);
	free(family);
	free(path);
	free(ip);
	free(list);
	free(excerpt);
	free(rem);
	json_decref(details);
	json_decref(extra);
	return e;
}

void mw_audit_copy_rest(struct mw_report *dst, const struct mw_report *src)
{
	mw_text_renderer rend;
	const json_t *data;
	const char *name;
	size_t i;
	char *a, *b, *c;

	for (i = 0; i < mw_report_nnotes(src); i++) {
		const struct mw_report_note *n = mw_report_get_note(src, i);

		a = mw_unescape_str(n->check);
		b = mw_unescape_str(n->text);
		if (a && b)
			mw_report_note(dst, a, "%s", b);
		free(a);
		free(b);
	}
	for (i = 0; i < mw_report_nerrors(src); i++) {
		const struct mw_report_error *e = mw_report_get_error(src, i);

		a = mw_unescape_str(e->check);
		b = mw_unescape_str(e->path);
		c = mw_unescape_str(e->message);
		/* Never lose an error: fall back to the escaped text. */
		mw_report_error(dst, a ? a : "audit", b, e->line, e->code, "%s",
				c ? c : e->message);
		free(a);
		free(b);
		free(c);
	}
	for (i = 0; (name = mw_report_section(src, i, &data, &rend)); i++) {
		a = mw_unescape_str(name);
		if (a)
			mw_report_set_data(dst, a, mw_audit_json_unescaped(data), rend);
		free(a);
	}
	if (mw_report_incomplete(src)) {
		a = mw_unescape_str(mw_report_incomplete(src));
		mw_report_set_incomplete(dst, a ? a : "incomplete");
		free(a);
	}
}
