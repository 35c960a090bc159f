/*
 * The logs check (maillog.h, mw_logs_run): pick the sources (files given,
 * the config's files, or journald plus the usual log files), stream them
 * through the aggregator, report.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "core/progress.h"
#include "core/safefile.h"
#include "reports/report.h"
#include "scanner/maillog/maillog.h"
#include "sysconf/fpm.h"

#define CHECK "logs"
#define MAX_FOUND_LOGS 512	/* rotated files read from one directory */

struct found {
	char name[256];
	char display[MW_MAX_PATH];
	int dirfd;
	int64_t mtime;
};

static int digits_only(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/*
 * "base", "base.N", "base.N.gz", "base-YYYYMMDD", "base-YYYYMMDD.gz",
 * "base.gz": the active log and what logrotate leaves.
 */
static int rotated_name(const char *name, const char *base)
{
	size_t bl = strlen(base);
	char rest[64];
	size_t rl;

	if (strncmp(name, base, bl) != 0)
		return 0;
	name += bl;
	if (!*name)
		return 1;
	if (*name != '.' && *name != '-')
		return 0;
	name++;
	rl = strlen(name);
	if (rl >= sizeof(rest))
		return 0;
	memcpy(rest, name, rl + 1);
	if (rl > 3 && strcmp(rest + rl - 3, ".gz") == 0)
		rest[rl - 3] = '\0';
	else if (strcmp(rest, "gz") == 0)
		return 1;
	return digits_only(rest);
}

static int cmp_found(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	/* Same mtime: mail.log.2 before mail.log.1 before mail.log. */
	return -strcmp(x->name, y->name);
}

static void find_in_dir(struct mw_ctx *ctx, int rootfd, const char *dir,
			const char *const *bases, struct found **v, size_t *n,
			int *fds, size_t *nfds, int64_t since)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int dfd, lfd;
	size_t k;

	if (mw_open_beneath(rootfd, dir, 1, &dfd, NULL) != MW_OK)
		return;
	lfd = dup(dfd);
	d = lfd >= 0 ? fdopendir(lfd) : NULL;
	if (!d) {
		if (lfd >= 0)
			close(lfd);
		close(dfd);
		return;
	}
	fds[(*nfds)++] = dfd;
	while ((de = readdir(d))) {
		int hit = 0;
		struct found *f;

		for (k = 0; bases[k]; k++)
			hit |= rotated_name(de->d_name, bases[k]);
		if (!hit || strlen(de->d_name) >= sizeof((*v)->name))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		/* A rotated file last written before the window holds nothing in it. */
		if (since != INT64_MIN && (int64_t)st.st_mtime < since)
			continue;
		if (*n >= MAX_FOUND_LOGS) {
			mw_report_note(ctx->report, CHECK, "more than %d log files in /%s; the rest skipped",
				       MAX_FOUND_LOGS, dir);
			break;
		}
		f = &(*v)[(*n)++];
		snprintf(f->name, sizeof(f->name), "%s", de->d_name);
		snprintf(f->display, sizeof(f->display), "/%s/%s", dir, de->d_name);
		f->dirfd = dfd;
		f->mtime = (int64_t)st.st_mtime;
	}
	closedir(d);
}


int mw_ml_parse_when(const char *s, int64_t now, int64_t *out)
{
	char *end;
	long long v;
	struct tm tm;
	time_t t;
	const char *rest;

	if (!s || !*s)
		return -1;
	if (strcmp(s, "all") == 0 || strcmp(s, "0") == 0) {
		*out = INT64_MIN;
		return 0;
	}
	if (strcmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		t = (time_t)now;
		if (!localtime_r(&t, &tm))
			return -1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		if (s[0] == 'y')
			tm.tm_mday--;
		tm.tm_isdst = -1;
		*out = (int64_t)mktime(&tm);
		return 0;
	}
	if (s[0] >= '0' && s[0] <= '9' && !strchr(s, '-')) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || v < 0 || v > 100000000LL || end == s || end[0] == '\0' || end[1])
			return -1;
		switch (*end) {
		case 's': break;
		case 'm': v *= 60; break;
		case 'h': v *= 3600; break;
		case 'd': v *= 86400; break;
		case 'w': v *= 7 * 86400; break;
		default: return -1;
		}
		*out = now - v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	rest = strptime(s, "%Y-%m-%d", &tm);
	if (!rest)
		return -1;
	if (*rest == 'T' || *rest == ' ') {
		const char *r2 = strptime(rest + 1, "%H:%M:%S", &tm);

		if (!r2)
			r2 = strptime(rest + 1, "%H:%M", &tm);
		rest = r2;
		if (!rest)
			return -1;
	}
	if (*rest)
		return -1;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* The logs check, or with fn the sources only, each line handed to fn
 * (mw_ml_logs_feed). */
static enum mw_err logs_run(struct mw_ctx *ctx, const struct mw_logs_opts *o,
			    ml_line_fn fn, void *fn_arg)
{
	const char *since_s = o->since, *until_s = o->until, *jdir = o->journal_dir;
	const char *root = o->root ? o->root : "/";
	static const char *const var_log[] = { "mail.log", "maillog", NULL };
	static const char *const exim_log[] = { "mainlog", NULL };
	int want_journal = o->journal || jdir, rootfd = -1, sources = 0, fds[4];
	int64_t now = (int64_t)time(NULL), since = INT64_MIN, until = INT64_MAX;
	struct mw_strlist web = { 0 };
	struct ml_agg_opts ao;
	struct ml_agg *a;
	struct found *found = NULL;
	size_t nfound = 0, nfds = 0, i;
	enum mw_err e = MW_OK;
	int files_given;

	files_given = o->nfiles > 0;
	/* Explicit files are read whole unless a window is asked for; journald
	 * and the files found take the configured window (default 7d). */
	if (!since_s && !files_given && ctx->cfg && ctx->cfg->logs_since)
		since_s = ctx->cfg->logs_since;
	if (since_s && mw_ml_parse_when(since_s, now, &since) != 0)
		return mw_usage(ctx, "bad --since value '%s'", since_s);
	if (until_s && (mw_ml_parse_when(until_s, now, &until) != 0 || until == INT64_MIN))
		return mw_usage(ctx, "bad --until value '%s'", until_s);
	if (since != INT64_MIN && until < since)
		return mw_usage(ctx, "--until is before --since");

	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return mw_fail(ctx, mw_err_from_errno(errno), "%s: %s", root, strerror(errno));

	mw_strlist_add(&web, "www-data");
	if (ctx->cfg)
		for (i = 0; i < ctx->cfg->web_users.n; i++)
			if (!mw_strlist_contains(&web, ctx->cfg->web_users.v[i], 0))
				mw_strlist_add(&web, ctx->cfg->web_users.v[i]);
	mw_sysconf_fpm_pool_users(rootfd, &web);

	memset(&ao, 0, sizeof(ao));
	ao.web_users = &web;
	ao.since = since;
	ao.until = until;
	ao.on_line = fn;
	ao.on_line_arg = fn_arg;
	a = mw_ml_agg_new(&ao);
	if (!a) {
		close(rootfd);
		mw_strlist_clear(&web);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}

	if (!files_given && !want_journal && !(ctx->cfg && ctx->cfg->log_files.n))
		want_journal = 2;	/* implicit: use it when there is one */
	if (want_journal) {
		mw_progress(ctx, "logs: reading the journal");
		e = mw_ml_read_journal(a, ctx, jdir, since, until);
		if (e == MW_OK)
			sources++;
		else if (want_journal == 1)
			mw_report_error(ctx->report, CHECK, jdir ? jdir : "journald", 0, e,
					"cannot open the journal");
		else
			mw_report_note(ctx->report, CHECK, "no systemd journal to read");
		e = MW_OK;
	}
	if (files_given) {
		for (i = 0; i < o->nfiles; i++) {
			mw_progress(ctx, "logs: %s", o->files[i]);
			if (mw_ml_read_file(a, ctx, AT_FDCWD, o->files[i], o->files[i]) == MW_OK)
				sources++;
		}
	} else if (ctx->cfg && ctx->cfg->log_files.n) {
		for (i = 0; i < ctx->cfg->log_files.n; i++) {
			mw_progress(ctx, "logs: %s", ctx->cfg->log_files.v[i]);
			if (mw_ml_read_file(a, ctx, AT_FDCWD, ctx->cfg->log_files.v[i],
					 ctx->cfg->log_files.v[i]) == MW_OK)
				sources++;
		}
	} else if (want_journal != 1) {
		found = calloc(MAX_FOUND_LOGS, sizeof(*found));
		if (!found) {
			e = mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
			goto out;
		}
		find_in_dir(ctx, rootfd, "var/log", var_log, &found, &nfound, fds, &nfds, since);
		find_in_dir(ctx, rootfd, "var/log/exim4", exim_log, &found, &nfound, fds, &nfds, since);
		qsort(found, nfound, sizeof(*found), cmp_found);
		for (i = 0; i < nfound; i++) {
			mw_progress(ctx, "logs: %s", found[i].display);
			if (mw_ml_read_file(a, ctx, found[i].dirfd, found[i].name,
					 found[i].display) == MW_OK)
				sources++;
		}
	}
	mw_progress_done(ctx);
	if (!sources && !mw_report_nerrors(ctx->report))
		mw_report_error(ctx->report, CHECK, NULL, 0, MW_ERR_IO,
				"no mail log found (no journal, no /var/log/mail.log*, "
				"/var/log/maillog*, /var/log/exim4/mainlog*)");
	e = fn ? MW_OK : mw_ml_agg_report(a, ctx);
out:
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	free(found);
	mw_ml_agg_free(a);
	mw_strlist_clear(&web);
	close(rootfd);
	return e;
}

enum mw_err mw_logs_run(struct mw_ctx *ctx, const struct mw_logs_opts *o,
			struct mw_report *report)
{
	struct mw_report *saved = ctx->report;
	enum mw_err e;

	ctx->report = report;
	e = logs_run(ctx, o, NULL, NULL);
	ctx->report = saved;
	return e;
}

enum mw_err mw_ml_logs_feed(struct mw_ctx *ctx, const struct mw_logs_opts *o,
			 ml_line_fn fn, void *arg)
{
	return logs_run(ctx, o, fn, arg);
}

enum mw_err mw_logs_opts_describe(const struct mw_logs_opts *o, struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "logs");
	mw_cmdline_str(&c, "--since", o->since);
	mw_cmdline_str(&c, "--until", o->until);
	mw_cmdline_str(&c, "--journal-dir", o->journal_dir);
	mw_cmdline_flag(&c, "--journal", o->journal && !o->journal_dir);
	mw_cmdline_str(&c, "--root", o->root);
	mw_cmdline_strs(&c, NULL, o->files, o->nfiles);
	return c.err;
}
