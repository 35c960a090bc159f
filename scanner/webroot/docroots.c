#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/webroot/docroots.h"

struct found {
	struct mw_strlist *roots, *why, *skipped, *outside, *outside_why;
	const char *sysroot;
	int oom;
};

int mw_docroot_resolve(const char *sysroot, const char *full, char *out,
		       size_t outlen, char *why, size_t whylen)
{
	char target[MW_MAX_PATH], cand[2 * MW_MAX_PATH], real[PATH_MAX],
	     base[MW_MAX_PATH], breal[PATH_MAX];
	const char *slash;
	struct stat st;
	ssize_t n;
	size_t bl, sl = strlen(sysroot);

	if (lstat(full, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	n = readlink(full, target, sizeof(target) - 1);
	if (n <= 0) {
		snprintf(why, whylen, "unreadable symbolic link");
		return -1;
	}
	target[n] = '\0';
	slash = strrchr(full, '/');
	if (!slash || slash == full)
		snprintf(base, sizeof(base), "/");
	else
		snprintf(base, sizeof(base), "%.*s", (int)(slash - full), full);
	/* under --root style sysroots an absolute target means the image's */
	if (target[0] == '/')
		snprintf(cand, sizeof(cand), "%s%s", sysroot, target);
	else
		snprintf(cand, sizeof(cand), "%s/%s", base, target);
	if (!realpath(cand, real)) {
		snprintf(why, whylen, "symbolic link to %s: %s", target, strerror(errno));
		return -1;
	}
	if (!realpath(base, breal)) {
		snprintf(why, whylen, "%s: %s", base, strerror(errno));
		return -1;
	}
	bl = strlen(breal);
	/* the target must stay in the directory holding the link (a home for
	 * public_html, the site directory for a release symlink) */
	if (strncmp(real, breal, bl) != 0 || (real[bl] != '/' && !(bl == 1 && real[0] == '/')) ||
	    (sl && strncmp(real, sysroot, sl) != 0)) {
		snprintf(why, whylen, "symbolic link to %s, outside %s", real + (sl &&
			 strncmp(real, sysroot, sl) == 0 ? sl : 0), base + sl);
		return -1;
	}
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "symbolic link to %s, not a directory", real + sl);
		return -1;
	}
	if ((size_t)snprintf(out, outlen, "%s", real) >= outlen) {
		snprintf(why, whylen, "symbolic link target too long");
		return -1;
	}
	return 1;
}

/* Add sysroot+path unless it is missing, a symlink, or already covered. */
static void add_root(struct found *f, const char *path, const char *why)
{
	char full[MW_MAX_PATH], msg[3 * MW_MAX_PATH], real[PATH_MAX],
	     reason[2 * MW_MAX_PATH], nwhy[3 * MW_MAX_PATH];
	struct stat st;
	size_t i, l;
	int r;

	if (path[0] != '/')
		return;
	snprintf(full, sizeof(full), "%s%s", f->sysroot, path);
	l = strlen(full);
	while (l > 1 && full[l - 1] == '/')
		full[--l] = '\0';
	for (i = 0; i < f->roots->n; i++)
		if (strcmp(f->roots->v[i], full) == 0)
			return;
	if (lstat(full, &st) < 0) {
		snprintf(msg, sizeof(msg), "%s: %s (%s)", full, strerror(errno), why);
		if (mw_strlist_add(f->skipped, msg))
			f->oom = 1;
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		/* resolved once, kept only inside the directory holding it;
		 * else reported (a finding), never silently dropped */
		r = mw_docroot_resolve(f->sysroot, full, real, sizeof(real), reason,
				       sizeof(reason));
		if (r < 0) {
			snprintf(msg, sizeof(msg), "%s (%s)", reason, why);
			if (mw_strlist_add(f->outside, full) || mw_strlist_add(f->outside_why, msg))
				f->oom = 1;
			return;
		}
		snprintf(nwhy, sizeof(nwhy), "%s; %s is a symbolic link to it", why, full);
		for (i = 0; i < f->roots->n; i++)
			if (strcmp(f->roots->v[i], real) == 0)
				return;
		if (f->roots->n < MW_DOCROOTS_MAX &&
		    (mw_strlist_add(f->roots, real) || mw_strlist_add(f->why, nwhy)))
			f->oom = 1;
		return;
	}
	if (!S_ISDIR(st.st_mode) || f->roots->n >= MW_DOCROOTS_MAX)
		return;
	if (mw_strlist_add(f->roots, full) || mw_strlist_add(f->why, why))
		f->oom = 1;
}

/* Value after a directive: first word, quotes removed, ';' cut (nginx). */
static int directive(const char *line, size_t n, const char *key, char *val,
		     size_t vlen)
{
	size_t kl = strlen(key), i = 0, s;
	char q = 0;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (n - i <= kl || strncasecmp(line + i, key, kl) != 0 ||
	    (line[i + kl] != ' ' && line[i + kl] != '\t' && line[i + kl] != '='))
		return 0;
	i += kl;
	while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '='))
		i++;
	if (i < n && (line[i] == '"' || line[i] == '\''))
		q = line[i++];
	s = i;
	while (i < n && (q ? line[i] != q : (line[i] != ' ' && line[i] != '\t' &&
					      line[i] != ';' && line[i] != '#')))
		i++;
	if (i == s || i - s >= vlen)
		return 0;
	memcpy(val, line + s, i - s);
	val[i - s] = '\0';
	/* nginx/apache variables cannot be resolved here */
	return strchr(val, '$') == NULL;
}

static void scan_conf(struct found *f, const char *file, const char *kind,
		      const char *key, const char *userkey)
{
	char val[MW_MAX_PATH], why[2 * MW_MAX_PATH + 512], user[256] = "";
	struct mw_lines it;
	struct mw_buf b;
	const char *l;
	size_t n;
	int trunc;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_read_file_at(AT_FDCWD, file, &b, MW_MAX_TEXT_FILE, &trunc, NULL)) {
		mw_buf_free(&b);
		return;
	}
	if (userkey) {
		mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
		while (mw_lines_next(&it, &l, &n, NULL))
			if (directive(l, n, userkey, val, sizeof(val)))
				snprintf(user, sizeof(user), "%.200s", val);
	}
	mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
	while (mw_lines_next(&it, &l, &n, NULL)) {
		if (!directive(l, n, key, val, sizeof(val)))
			continue;
		snprintf(why, sizeof(why), "%s: %s in %s line %lu%s%s", kind, key,
			 file + strlen(f->sysroot), it.lineno, user[0] ? ", pool user " : "",
			 user);
		add_root(f, val, why);
	}
	mw_buf_free(&b);
}

static void scan_glob(struct found *f, const char *pattern, const char *kind,
		      const char *key, const char *userkey)
{
	char pat[MW_MAX_PATH];
	glob_t g;
	size_t i;

	snprintf(pat, sizeof(pat), "%s%s", f->sysroot, pattern);
	if (glob(pat, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		scan_conf(f, g.gl_pathv[i], kind, key, userkey);
	globfree(&g);
}

/* Drop roots inside another root: the walk covers them. */
static void fold_nested(struct found *f)
{
	size_t i, j, l;

	for (i = 0; i < f->roots->n; i++) {
		for (j = 0; j < f->roots->n; j++) {
			if (i == j)
				continue;
			l = strlen(f->roots->v[j]);
			if (strncmp(f->roots->v[i], f->roots->v[j], l) == 0 &&
			    f->roots->v[i][l] == '/') {
				free(f->roots->v[i]);
				free(f->why->v[i]);
				memmove(&f->roots->v[i], &f->roots->v[i + 1],
					(f->roots->n - i - 1) * sizeof(char *));
				memmove(&f->why->v[i], &f->why->v[i + 1],
					(f->why->n - i - 1) * sizeof(char *));
				f->roots->n--;
				f->why->n--;
				i--;
				break;
			}
		}
	}
}

enum mw_err mw_docroots_detect(const char *sysroot, struct mw_strlist *roots,
			       struct mw_strlist *why, struct mw_strlist *skipped,
			       struct mw_strlist *outside, struct mw_strlist *outside_why)
{
	struct found f = { roots, why, skipped, outside, outside_why,
			   sysroot ? sysroot : "", 0 };
	char pat[MW_MAX_PATH];
	glob_t g;
	size_t i;

	scan_glob(&f, "/etc/apache2/sites-enabled/*", "apache", "DocumentRoot", NULL);
	scan_glob(&f, "/etc/nginx/sites-enabled/*", "nginx", "root", NULL);
	scan_glob(&f, "/etc/nginx/conf.d/*.conf", "nginx", "root", NULL);
	scan_glob(&f, "/etc/php/*/fpm/pool.d/*.conf", "php-fpm", "chdir", "user");
	{
		struct stat st;

		snprintf(pat, sizeof(pat), "%s/var/www", f.sysroot);
		if (lstat(pat, &st) == 0)
			add_root(&f, "/var/www", "common layout: /var/www");
		snprintf(pat, sizeof(pat), "%s/srv/www", f.sysroot);
		if (lstat(pat, &st) == 0)
			add_root(&f, "/srv/www", "common layout: /srv/www");
	}
	snprintf(pat, sizeof(pat), "%s/home/*/public_html", f.sysroot);
	if (glob(pat, GLOB_NOSORT, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			add_root(&f, g.gl_pathv[i] + strlen(f.sysroot),
				 "common layout: /home/*/public_html");
		globfree(&g);
	}
	fold_nested(&f);
	return f.oom ? MW_ERR_NOMEM : MW_OK;
}
