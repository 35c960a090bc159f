/*
 * `mailwarden watch [options] [PATH...]`: the command line into a struct
 * mw_watch_opts (scanner/watch/watch.h), and the stream of findings: one
 * line each, flushed at once, in text or JSON lines.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "core/escape.h"
#include "reports/writer.h"
#include "scanner/watch/watch.h"

struct stream {
	struct mw_ctx *ctx;
};

/* "TIME LEVEL ..." for people and journald: findings on stdout, notes and
 * errors on stderr; every string escaped once, here. */
static int emit_text(struct mw_report *r)
{
	char t[32], *a, *b, *c;
	size_t i;

	mw_format_time((int64_t)time(NULL), t, sizeof(t));
	for (i = 0; i < mw_report_nnotes(r); i++) {
		a = mw_escape_str(mw_report_get_note(r, i)->text);
		fprintf(stderr, "%s note: %s\n", t, a ? a : "?");
		free(a);
	}
	for (i = 0; i < mw_report_nfindings(r); i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);
		const char *id = json_string_value(json_object_get(f->details, "finding_id"));

		a = mw_escape_str(f->path ? f->path : "");
		b = mw_escape_str(f->title ? f->title : "");
		c = mw_escape_str(f->rule_id ? f->rule_id : "");
		printf("%s %s %s %s:%lu %s [%s]\n", t, mw_severity_name(f->severity),
		       c ? c : "?", a ? a : "?", f->line, b ? b : "?", id ? id : "");
		free(a);
		free(b);
		free(c);
	}
	for (i = 0; i < mw_report_nerrors(r); i++) {
		const struct mw_report_error *e = mw_report_get_error(r, i);

		a = mw_escape_str(e->path ? e->path : "");
		b = mw_escape_str(e->message ? e->message : "");
		fprintf(stderr, "%s error: %s%s%s\n", t, a ? a : "", e->path ? ": " : "",
			b ? b : "?");
		free(a);
		free(b);
	}
	return 0;
}

static int emit(void *arg, struct mw_report *r)
{
	struct stream *s = arg;

	if (s->ctx->format == MW_FMT_JSONL ? mw_report_write_items(stdout, r) :
	    emit_text(r))
		return -1;
	fflush(stderr);
	return fflush(stdout) == EOF || ferror(stdout) ? -1 : 0;
}

enum mw_err mw_cmd_watch(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quarantine", no_argument, NULL, 'q' },
		{ "exclude", required_argument, NULL, 'e' },
		{ "signatures", required_argument, NULL, 's' },
		{ "max-rate", required_argument, NULL, 'r' },
		{ "no-initial-scan", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct mw_watch_opts o;
	struct stream s = { ctx };
	unsigned long v;
	enum mw_err e = MW_OK;
	char *end;
	int c;

	memset(&o, 0, sizeof(o));
	if (ctx->format == MW_FMT_JSON)
		return mw_usage(ctx, "watch streams: use --format text or jsonl");
	optind = 0;
	opterr = 0;
	while (!e && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'q') {
			o.quarantine = 1;
		} else if (c == 'n') {
			o.no_initial_scan = 1;
		} else if (c == 's') {
			o.signatures = optarg;
		} else if (c == 'e') {
			if (mw_strlist_add(&o.exclude, optarg))
				e = mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
		} else if (c == 'r') {
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > 1000000)
				e = mw_usage(ctx, "--max-rate takes 1..1000000 files per second");
			o.max_rate = (unsigned)v;
		} else {
			e = mw_usage(ctx, "unknown option or missing value: %s", argv[optind - 1]);
		}
	}
	for (; !e && optind < argc; optind++)
		if (mw_strlist_add(&o.roots, argv[optind]))
			e = mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	if (!e) {
		o.explicit_roots = o.roots.n > 0;
		o.min_severity = ctx->min_severity;
		o.sink.emit = emit;
		o.sink.arg = &s;
		/* the stream is the output; at the end the CLI adds only errors */
		if (ctx->format == MW_FMT_TEXT)
			ctx->own_output = 1;
		e = mw_watch_run(ctx, &o, ctx->report);
	}
	mw_strlist_clear(&o.roots);
	mw_strlist_clear(&o.exclude);
	return e;
}
