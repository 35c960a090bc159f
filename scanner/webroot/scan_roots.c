/* The roots and exclusions of a scan run; scan_int.h. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "scanner/webroot/docroots.h"
#include "scanner/webroot/scan_int.h"

/* dst = the exclusions of a (the configuration) and b (the command). */
void mw_scan_load_exclude(struct mw_strlist *dst, const struct mw_strlist *a,
			  const struct mw_strlist *b)
{
	size_t i;

	for (i = 0; a && i < a->n; i++)
		(void)mw_strlist_add(dst, a->v[i]);
	for (i = 0; b && i < b->n; i++)
		(void)mw_strlist_add(dst, b->v[i]);
}

/* The tool's own directories are never scanned: a quarantine_dir inside a
 * web root would otherwise be re-quarantined from every run. */
void mw_scan_exclude_own_dirs(struct mw_ctx *ctx, const struct mw_strlist *roots,
			      struct mw_strlist *exclude)
{
	const char *own[2] = { ctx->cfg->quarantine_dir, ctx->cfg->state_dir };
	const char *what[2] = { "quarantine_dir", "state_dir" };
	char dir[MW_MAX_PATH];
	size_t i, j, l, rl;

	for (i = 0; i < 2; i++) {
		if (!own[i] || own[i][0] != '/')
			continue;
		l = strlen(own[i]);
		while (l > 1 && own[i][l - 1] == '/')
			l--;
		if (l >= sizeof(dir))
			continue;
		memcpy(dir, own[i], l);
		dir[l] = '\0';
		(void)mw_strlist_add(exclude, dir);
		for (j = 0; j < roots->n; j++) {
			rl = strlen(roots->v[j]);
			while (rl > 1 && roots->v[j][rl - 1] == '/')
				rl--;
			if (l > rl && strncmp(dir, roots->v[j], rl) == 0 &&
			    (dir[rl] == '/' || rl == 1))
				mw_report_note(ctx->report, CHECK, "%s %s is inside %s: "
					       "not scanned", what[i], dir, roots->v[j]);
		}
	}
}

/* cwd + "/" + p without "./" prefixes; 0 when it does not fit. */
static int absolute_root(const char *p, char *out, size_t n)
{
	char cwd[PATH_MAX];

	while (p[0] == '.' && p[1] == '/')
		for (p += 2; *p == '/'; p++)
			;
	if (strcmp(p, ".") == 0)
		p = "";
	if (!getcwd(cwd, sizeof(cwd)))
		return 0;
	return (size_t)snprintf(out, n, "%s%s%s", cwd, cwd[1] && *p ? "/" : "", p) < n;
}

/* Roots: the given paths (realpath'd: an explicit symlink root is the
 * admin's choice), else config web_roots plus auto-detected ones. */
/* 1 when path is one of roots or lies inside one. */
static int root_covered(const struct mw_strlist *roots, const char *path)
{
	size_t i, l;

	for (i = 0; i < roots->n; i++) {
		l = strlen(roots->v[i]);
		if (strncmp(path, roots->v[i], l) == 0 && (path[l] == '\0' || path[l] == '/'))
			return 1;
	}
	return 0;
}

/* A web root that is a symbolic link out of its directory (or to nothing):
 * not scanned, and a finding, so that "0 findings" never hides it. */
static void report_root_outside(struct mw_ctx *ctx, const char *path,
				const char *reason, const char *source)
{
	struct mw_finding f;
	json_t *det = json_object();

	json_object_set_new(det, "reason", mw_json_raw(reason));
	if (source)
		json_object_set_new(det, "source", json_string(source));
	memset(&f, 0, sizeof(f));
	f.check = CHECK;
	f.rule_id = "scan.docroot-symlink";
	f.cause = MW_CAUSE_WEB_MALWARE;
	f.severity = MW_SEV_MEDIUM;
	f.title = "web root is a symbolic link leading out of its directory: not scanned";
	f.path = path;
	f.remediation = "See where it points and why; if the target is a web root, "
			"scan it by name (mailwarden scan TARGET) or list it in web_roots.";
	f.details = det;
	(void)mw_report_add(ctx->report, &f);
	json_decref(det);
}

/* The roots of this run into roots, each with its source in jroots: the
 * paths given, or else the configured web roots, the document roots the
 * web servers name and the host's crontab and FPM pool directories.
 * What is skipped is a note in ctx->report, a root leading out of its
 * directory a finding. Returns 0. */
int mw_scan_collect_roots(struct mw_ctx *ctx, const struct mw_scan_opts *o,
			  struct mw_strlist *roots, json_t *jroots)
{
	struct mw_strlist why = { 0 }, skipped = { 0 }, det = { 0 }, out = { 0 },
			  out_why = { 0 };
	char real[PATH_MAX], absroot[PATH_MAX];
	size_t i;
	json_t *r;

	if (o->explicit_roots) {
		/* Given paths, even none (an empty --files-from): never the
		 * detected roots. Only a symlink typed on the command line is
		 * followed; one in a list (find's output) is not. */
		for (i = 0; i < o->roots.n; i++) {
			const char *p = o->roots.v[i];
			int listed = i >= o->noperands;
			struct stat st;

			/* relative: made absolute, so that findings name the file
			 * and the quarantine (which resolves from "/") finds it */
			if (p[0] != '/' && absolute_root(p, absroot, sizeof(absroot)))
				p = absroot;
			if (!listed && lstat(p, &st) == 0 && S_ISLNK(st.st_mode) &&
			    realpath(p, real)) {
				mw_report_note(ctx->report, CHECK, "root %s is a symbolic link "
					       "to %s: scanning the target", p, real);
				p = real;
			}
			(void)mw_strlist_add(roots, p);
			r = json_object();
			json_object_set_new(r, "path", mw_json_raw(p));
			json_object_set_new(r, "source", json_string(listed ? "--files-from" :
								      "command line"));
			json_array_append_new(jroots, r);
		}
		return 0;
	}
	for (i = 0; i < ctx->cfg->web_roots.n; i++) {
		const char *p = ctx->cfg->web_roots.v[i];
		char reason[2 * MW_MAX_PATH];
		int rr = mw_docroot_resolve("", p, real, sizeof(real), reason,
					    sizeof(reason));

		if (rr < 0) {
			report_root_outside(ctx, p, reason, "config web_roots");
			continue;
		}
		if (rr > 0) {
			mw_report_note(ctx->report, CHECK, "web root %s is a symbolic link "
				       "to %s: scanning the target", p, real);
			p = real;
		}
		(void)mw_strlist_add(roots, p);
		mw_report_note(ctx->report, CHECK, "document root %s (config web_roots)", p);
		r = json_object();
		json_object_set_new(r, "path", mw_json_raw(p));
		json_object_set_new(r, "source", json_string("config web_roots"));
		json_array_append_new(jroots, r);
	}
	(void)mw_docroots_detect("", &det, &why, &skipped, &out, &out_why);
	for (i = 0; i < det.n; i++) {
		const char *w = why.v[i];

		if (root_covered(roots, det.v[i]))
			continue;
		(void)mw_strlist_add(roots, det.v[i]);
		mw_report_note(ctx->report, CHECK, "document root %s (%s)", det.v[i], w);
		r = json_object();
		json_object_set_new(r, "path", mw_json_raw(det.v[i]));
		json_object_set_new(r, "source", mw_json_raw(w));
		json_array_append_new(jroots, r);
	}
	/* crontab spools and FPM pool directories: configuration tampering */
	mw_strlist_clear(&det);
	mw_tamper_host_dirs(&det);
	for (i = 0; i < det.n; i++) {
		if (root_covered(roots, det.v[i]))
			continue;
		(void)mw_strlist_add(roots, det.v[i]);
		r = json_object();
		json_object_set_new(r, "path", mw_json_raw(det.v[i]));
		json_object_set_new(r, "source", json_string("host configuration"));
		json_array_append_new(jroots, r);
	}
	for (i = 0; i < skipped.n; i++)
		mw_report_note(ctx->report, CHECK, "not scanned: %s", skipped.v[i]);
	for (i = 0; i < out.n; i++)
		report_root_outside(ctx, out.v[i], out_why.v[i], NULL);
	mw_strlist_clear(&det);
	mw_strlist_clear(&why);
	mw_strlist_clear(&skipped);
	mw_strlist_clear(&out);
	mw_strlist_clear(&out_why);
	return 0;
}
