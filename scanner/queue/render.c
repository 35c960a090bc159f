/*
 * The "queue" data section: totals, deferral reasons by class, the
 * submitter groups, and the action (what was or would be done, with every
 * id). mw_queue_data builds it from the parsed queue; mw_queue_render
 * prints it in text mode. Strings arrive at the renderer escaped by the
 * report.
 */
#include <stdio.h>
#include <string.h>

#include "reports/render.h"
#include "reports/report.h"
#include "scanner/queue/queue_impl.h"

#define TEXT_ROWS 10	/* rows per group in text; JSON has QMAX_GROUP_ROWS */

static json_t *jraw(const char *s)
{
	return s ? mw_json_raw(s) : json_null();
}

static json_int_t age(int64_t now, int64_t t)
{
	return t && now > t ? (json_int_t)(now - t) : 0;
}

static json_t *group_row(const struct qgroup *q, enum qgroup_kind k, int64_t now,
			 const struct qlist *l)
{
	json_t *row, *rs = json_object();
	int c;

	for (c = QR_BLOCKLIST; c < QR__COUNT; c++)
		if (q->reasons[c])
			json_object_set_new(rs, mw_qreason_name((enum qreason)c),
					    json_integer((json_int_t)q->reasons[c]));
	row = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:o}", "key", jraw(q->key),
			"messages", (json_int_t)q->count, "bytes", (json_int_t)q->bytes,
			"oldest_age_s", age(now, q->oldest), "newest_age_s", age(now, q->newest),
			"bounces", (json_int_t)q->bounces, "reasons", rs);
	if (row && k == QG_UID) {
		size_t i;

		json_object_set_new(row, "uid", json_integer(q->uid));
		for (i = 0; i < l->n; i++)
			if (l->m[i].uid == q->uid && l->m[i].user) {
				json_object_set_new(row, "user", jraw(l->m[i].user));
				break;
			}
	}
	return row;
}

json_t *mw_queue_data(const struct qlist *l, const struct qgroups *g,
		      const char *mta, int64_t now)
{
	json_t *d, *queues = json_object(), *reasons = json_array();
	json_t *groups = json_object(), *counts = json_object();
	size_t i;
	int k;

	for (k = 0; k < QN__COUNT; k++)
		if (g->by_queue[k])
			json_object_set_new(queues, mw_qname_str((enum qname)k),
					    json_integer((json_int_t)g->by_queue[k]));
	for (k = QR_BLOCKLIST; k < QR__COUNT; k++)
		if (g->reasons[k])
			json_array_append_new(reasons, json_pack(
				"{s:s, s:I, s:o}", "class", mw_qreason_name((enum qreason)k),
				"messages", (json_int_t)g->reasons[k],
				"example", jraw(g->reason_example[k])));
	for (k = 0; k < QG__COUNT; k++) {
		json_t *rows = json_array();

		for (i = 0; i < g->n[k] && i < QMAX_GROUP_ROWS; i++)
			json_array_append_new(rows, group_row(&g->g[k][i], (enum qgroup_kind)k,
							      now, l));
		json_object_set_new(groups, mw_qgroup_kind_name((enum qgroup_kind)k), rows);
		json_object_set_new(counts, mw_qgroup_kind_name((enum qgroup_kind)k),
				    json_integer((json_int_t)g->n[k]));
	}
	d = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}",
		      "mta", mta, "messages", (json_int_t)g->total, "bytes", (json_int_t)g->bytes,
		      "oldest_age_s", age(now, g->oldest), "held", (json_int_t)g->held,
		      "bounces", (json_int_t)g->bounces, "inspected", (json_int_t)g->inspected,
		      "queues", queues, "reasons", reasons, "groups", groups,
		      "group_counts", counts);
	return d;
}

/* --- text ---------------------------------------------------------------- */

/* "3d4h", "12m", "40s" */
static void fmt_age(char *b, size_t n, long long s)
{
	if (s >= 86400)
		snprintf(b, n, "%lldd%lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(b, n, "%lldh%lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(b, n, "%lldm", s / 60);
	else
		snprintf(b, n, "%llds", s);
}

static int render_groups(FILE *out, const json_t *data)
{
	static const char *const kinds[] = { "uid", "user", "script", "sasl", "client",
					     "sender", "recipient_domain" };
	const json_t *groups = json_object_get(data, "groups");
	const json_t *counts = json_object_get(data, "group_counts");
	size_t k, i;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const json_t *rows = json_object_get(groups, kinds[k]), *row;
		size_t shown = json_array_size(rows);

		if (shown > TEXT_ROWS)
			shown = TEXT_ROWS;

		if (!shown)
			continue;
		if (fprintf(out, "  by %s:\n", kinds[k]) < 0)
			return -1;
		json_array_foreach(rows, i, row) {
			char a[32];

			if (i == shown)
				break;
			fmt_age(a, sizeof(a), mw_jint(row, "oldest_age_s"));
			if (fprintf(out, "    %7lld  %-40s oldest %s%s%s%s\n",
				    mw_jint(row, "messages"), mw_jstr(row, "key"), a,
				    json_object_get(row, "user") ? " (" : "",
				    json_object_get(row, "user") ? mw_jstr(row, "user") : "",
				    json_object_get(row, "user") ? ")" : "") < 0)
				return -1;
		}
		if ((long long)shown < mw_jint(counts, kinds[k]) &&
		    fprintf(out, "    ... %lld more\n",
			    mw_jint(counts, kinds[k]) - (long long)shown) < 0)
			return -1;
	}
	return 0;
}

static int render_action(FILE *out, const json_t *a)
{
	const json_t *ids = json_object_get(a, "ids"), *v;
	size_t i;

	if (!a)
		return 0;
	if (fprintf(out, "  %s %s %lld message%s selected by %s%s%s\n",
		    json_is_true(json_object_get(a, "applied")) ? "done:" : "would",
		    mw_jstr(a, "action"), mw_jint(a, "messages"),
		    mw_jint(a, "messages") == 1 ? "" : "s",
		    mw_jstr(a, "selector"), json_object_get(a, "command") ? ", with " : "",
		    mw_jstr(a, "command")) < 0)
		return -1;
	if (json_object_get(a, "refused") &&
	    fprintf(out, "  refused: %s\n", mw_jstr(a, "refused")) < 0)
		return -1;
	if (json_object_get(a, "journal") &&
	    fprintf(out, "  journal: %s\n", mw_jstr(a, "journal")) < 0)
		return -1;
	json_array_foreach(ids, i, v) {
		if (fprintf(out, "%s%s", i % 6 == 0 ? "    " : " ", json_string_value(v)) < 0)
			return -1;
		if ((i % 6 == 5 || i + 1 == json_array_size(ids)) && fputc('\n', out) == EOF)
			return -1;
	}
	if (!json_is_true(json_object_get(a, "applied")) && !json_object_get(a, "refused") &&
	    mw_jint(a, "messages") > 0 && fprintf(out, "  (dry run: add --apply to do it)\n") < 0)
		return -1;
	return 0;
}

int mw_queue_render(FILE *out, const json_t *data, int color)
{
	const json_t *qs = json_object_get(data, "queues"), *v;
	const json_t *reasons = json_object_get(data, "reasons");
	const char *k;
	char a[32];
	size_t i;

	(void)color;
	fmt_age(a, sizeof(a), mw_jint(data, "oldest_age_s"));
	if (fprintf(out, "  %s queue: %lld message%s, %lld bytes, oldest %s; %lld held, "
		    "%lld bounces; submitter read for %lld\n", mw_jstr(data, "mta"),
		    mw_jint(data, "messages"), mw_jint(data, "messages") == 1 ? "" : "s",
		    mw_jint(data, "bytes"), a, mw_jint(data, "held"), mw_jint(data, "bounces"),
		    mw_jint(data, "inspected")) < 0)
		return -1;
	if (json_object_size(qs)) {
		if (fputs("  queues:", out) == EOF)
			return -1;
		json_object_foreach((json_t *)qs, k, v)
			if (fprintf(out, " %s %lld", k, (long long)json_integer_value(v)) < 0)
				return -1;
		if (fputc('\n', out) == EOF)
			return -1;
	}
	json_array_foreach(reasons, i, v)
		if (fprintf(out, "  deferred (%s): %lld, e.g. %s\n", mw_jstr(v, "class"),
			    mw_jint(v, "messages"), mw_jstr(v, "example")) < 0)
			return -1;
	if (render_groups(out, data) < 0)
		return -1;
	return render_action(out, json_object_get(data, "action"));
}
