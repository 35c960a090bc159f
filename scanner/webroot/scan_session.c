/* The scan one file at a time, for the watch; scan.h has the contract. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/webroot/walk.h"
#include "scanner/webroot/scan_int.h"

struct mw_scan_session {
	struct scan s;
	struct scan_env env;
	void *ts;		/* the one thread's scan_ts */
};

/* The scan reaches its report through the context: point it at report
 * for one call and put the caller's back afterwards. */
#define WITH_REPORT(ctx, report, stmt) do {				\
	struct mw_report *saved_ = (ctx)->report;			\
	(ctx)->report = (report);					\
	stmt;								\
	(ctx)->report = saved_;						\
} while (0)

enum mw_err mw_scan_session_open(struct mw_ctx *ctx, const struct mw_scan_opts *o,
				 struct mw_report *report,
				 struct mw_scan_session **out)
{
	struct mw_scan_session *ss = calloc(1, sizeof(*ss));
	struct mw_scan_opts io = *o;
	json_t *data = json_object();
	enum mw_err e;

	*out = NULL;
	if (!ss || !data) {
		free(ss);
		json_decref(data);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	io.incremental = 1;
	WITH_REPORT(ctx, report, e = mw_scan_begin(ctx, &io, &ss->s, &ss->env, data));
	json_decref(data);
	if (e) {
		free(ss);
		return e;
	}
	ss->s.silent_cached = 1;
	ss->ts = mw_scan_walk_ops.thread_init(&ss->s);
	if (!ss->ts) {
		WITH_REPORT(ctx, report, mw_scan_end(ctx, &ss->s, &ss->env));
		free(ss);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	*out = ss;
	return MW_OK;
}

const struct mw_strlist *mw_scan_session_roots(const struct mw_scan_session *ss)
{
	return &ss->env.roots;
}

int mw_scan_session_excluded(const struct mw_scan_session *ss, const char *path)
{
	return mw_walk_is_excluded(&ss->env.exclude, path);
}

int mw_scan_session_file(struct mw_scan_session *ss, struct mw_report *report,
			 int dirfd, const char *name, const char *path)
{
	struct mw_walk_file wf;
	struct stat dst;
	unsigned long before = ss->s.candidates + ss->s.not_candidates +
			       ss->s.unreadable;

	if (fstat(dirfd, &dst) < 0)
		return 0;
	memset(&wf, 0, sizeof(wf));
	wf.dirfd = dirfd;
	wf.name = name;
	wf.path = path;
	wf.dir_dev = dst.st_dev;
	/* the per-file error cap is a run's; a watch's run is one file */
	ss->s.errors_reported = 0;
	WITH_REPORT(ss->s.ctx, report, mw_scan_walk_ops.file(&ss->s, ss->ts, &wf));
	return ss->s.candidates + ss->s.not_candidates + ss->s.unreadable != before;
}

enum mw_err mw_scan_session_rescan(struct mw_scan_session *ss, struct mw_report *report,
				   const char *const *paths, size_t n,
				   unsigned long *files)
{
	struct mw_walk_opts wo;
	struct mw_walk_stats ws;
	enum mw_err e;

	memset(&wo, 0, sizeof(wo));
	wo.exclude = &ss->env.exclude;
	wo.cross_filesystems = ss->s.cross_fs;
	wo.threads = ss->env.threads;
	memset(&ws, 0, sizeof(ws));
	ss->s.errors_reported = 0;
	json_array_clear(ss->s.symlinks);
	if (!n) {
		paths = (const char *const *)ss->env.roots.v;
		n = ss->env.roots.n;
	}
	WITH_REPORT(ss->s.ctx, report, e = mw_walk(paths, n, &wo, &mw_scan_walk_ops,
						   &ss->s, &ws));
	if (e)
		mw_report_error(report, "scan", NULL, 0, e, "walk failed: %s", mw_strerror(e));
	*files = ws.files;
	return e;
}

void mw_scan_session_spare(struct mw_scan_session *ss, const char *path)
{
	struct qitem **pp = &ss->s.qlist, *q;

	while ((q = *pp)) {
		if (strcmp(q->path, path) != 0) {
			pp = &q->next;
			continue;
		}
		*pp = q->next;
		free(q->path);
		free(q->sha256);
		free(q->rules);
		free(q);
	}
}

void mw_scan_session_commit(struct mw_scan_session *ss, struct mw_report *report)
{
	char err[1024];

	if (ss->s.qlist)
		WITH_REPORT(ss->s.ctx, report, (void)mw_scan_run_quarantine(&ss->s));
	if (mw_cache_sync(ss->s.cache, err, sizeof(err)))
		mw_report_error(report, "scan", ss->s.ctx->cfg->state_dir, 0, MW_ERR_IO,
				"%s", err);
}

void mw_scan_session_close(struct mw_scan_session *ss, struct mw_report *report)
{
	if (!ss)
		return;
	mw_scan_session_commit(ss, report);
	mw_scan_walk_ops.thread_fini(&ss->s, ss->ts);
	WITH_REPORT(ss->s.ctx, report, mw_scan_end(ss->s.ctx, &ss->s, &ss->env));
	free(ss);
}
