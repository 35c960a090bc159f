/*
 * `mailwarden quarantine` (quarantine.h, mw_quarantine_run), and the notes
 * on repaired index entries that the scan shares.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ctx.h"
#include "reports/report.h"
#include "scanner/webroot/quarantine.h"

#define CHECK "quarantine"

static int render_list(FILE *out, const json_t *data, int color)
{
	const json_t *items = json_object_get(data, "items"), *it;
	size_t i;

	(void)color;
	if (json_array_size(items) == 0)
		return fprintf(out, "  (empty)\n") < 0 ? -1 : 0;
	if (fprintf(out, "  %-5s %-20s %-11s %-16s %s\n", "ID", "QUARANTINED", "STATE",
		    "SHA256", "PATH (RULES)") < 0)
		return -1;
	json_array_foreach(items, i, it) {
		if (fprintf(out, "  %-5" JSON_INTEGER_FORMAT " %-20s %-11s %-16.16s %s (%s)\n",
			    json_integer_value(json_object_get(it, "id")),
			    json_string_value(json_object_get(it, "quarantined_at")),
			    json_string_value(json_object_get(it, "state")),
			    json_string_value(json_object_get(it, "sha256")),
			    json_string_value(json_object_get(it, "path")),
			    json_string_value(json_object_get(it, "rules"))) < 0)
			return -1;
	}
	return 0;
}

void mw_quarantine_report_repairs(struct mw_report *r, const char *check,
				  const struct mw_quarantine *q, const char *dir)
{
	const struct mw_strlist *l = mw_quarantine_notes(q);
	size_t i;

	for (i = 0; i < l->n; i++)
		mw_report_note(r, check, "quarantine: %s", l->v[i]);
	l = mw_quarantine_problems(q);
	for (i = 0; i < l->n; i++)
		mw_report_error(r, check, dir, 0, MW_ERR_IO, "%s", l->v[i]);
}

static json_t *item_json(const struct mw_quarantine_item *it)
{
	char when[32], mode[8];
	struct tm tm;
	time_t t = (time_t)it->when;
	json_t *o = json_object();

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(mode, sizeof(mode), "%04o", (unsigned)it->mode & 07777);
	json_object_set_new(o, "id", json_integer(it->id));
	json_object_set_new(o, "path", mw_json_raw(it->path));
	json_object_set_new(o, "state", mw_json_raw(it->state));
	json_object_set_new(o, "sha256", mw_json_raw(it->sha256));
	json_object_set_new(o, "sha256_bytes", it->hashed ?
			    json_integer((json_int_t)it->hashed) : json_null());
	json_object_set_new(o, "rules", mw_json_raw(it->rules));
	json_object_set_new(o, "uid", json_integer(it->uid));
	json_object_set_new(o, "gid", json_integer(it->gid));
	json_object_set_new(o, "mode", json_string(mode));
	json_object_set_new(o, "size", json_integer(it->size));
	json_object_set_new(o, "mtime_ns", json_integer(it->mtime_ns));
	json_object_set_new(o, "quarantined_at", json_string(when));
	return o;
}

enum mw_err mw_quarantine_run(struct mw_ctx *ctx, const struct mw_quarantine_opts *o,
			      struct mw_report *report)
{
	struct mw_quarantine *q;
	struct mw_quarantine_item *items;
	char err[1024];
	enum mw_err e;
	long long id = o->id;
	size_t n, i;
	json_t *data, *arr;

	e = mw_quarantine_open(ctx->cfg->quarantine_dir, &q, err, sizeof(err));
	if (e)
		return mw_fail(ctx, e, "%s", err);
	mw_quarantine_report_repairs(report, CHECK, q, ctx->cfg->quarantine_dir);
	if (o->verb == MW_QUARANTINE_LIST) {
		e = mw_quarantine_list(q, &items, &n);
		if (!e) {
			data = json_object();
			arr = json_array();
			for (i = 0; i < n; i++)
				json_array_append_new(arr, item_json(&items[i]));
			json_object_set_new(data, "dir", mw_json_raw(ctx->cfg->quarantine_dir));
			json_object_set_new(data, "items", arr);
			mw_report_set_data(report, CHECK, data, render_list);
			mw_quarantine_items_free(items, n);
		}
	} else if (o->verb == MW_QUARANTINE_RESTORE) {
		e = mw_quarantine_restore(q, id, err, sizeof(err));
		if (e)
			mw_report_error(report, CHECK, NULL, 0, e, "restore %lld: %s",
					id, err);
		else
			mw_report_note(report, CHECK, "restored id %lld", id);
		e = MW_OK;
	} else {
		e = mw_quarantine_purge(q, id, err, sizeof(err));
		if (e)
			mw_report_error(report, CHECK, NULL, 0, e, "purge %lld: %s",
					id, err);
		else
			mw_report_note(report, CHECK, "purged id %lld", id);
		e = MW_OK;
	}
	mw_quarantine_close(q);
	if (e)
		return mw_fail(ctx, e, "cannot read the quarantine index");
	return MW_OK;
}
