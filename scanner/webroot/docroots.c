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
#include "sysconf/ini.h"
#include "sysconf/webconf.h"

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

/* One configuration file being read for roots. */
struct conf {
	struct found *f;
	const char *file, *kind;
	char user[256];		/* php-fpm: the file's pool user, "" if none */
};

/*
 * A root named in a configuration: value[0..n) as a C string in val;
 * 0 when empty, too long, holding a NUL or a variable ($document_root,
 * ${APACHE_ROOT}) that cannot be resolved here.
 */
static int root_value(const char *v, size_t n, char *val, size_t vlen)
{
	if (!v || !n || n >= vlen || memchr(v, '\0', n) || memchr(v, '$', n))
		return 0;
	memcpy(val, v, n);
	val[n] = '\0';
	return 1;
}

static void add_conf_root(struct conf *c, const char *key, const char *v, size_t n,
			  unsigned long line)
{
	char val[MW_MAX_PATH], why[2 * MW_MAX_PATH + 512];

	if (!root_value(v, n, val, sizeof(val)))
		return;
	snprintf(why, sizeof(why), "%s: %s in %s line %lu%s%s", c->kind, key,
		 c->file + strlen(c->f->sysroot), line, c->user[0] ? ", pool user " : "",
		 c->user);
	add_root(c->f, val, why);
}

static void on_web_root(void *arg, const char *name, const char *v, size_t n,
			unsigned long line, unsigned depth)
{
	(void)depth;
	add_conf_root(arg, name, v, n, line);
}

/* php-fpm: the last "user" of the file names the pool user of its chdirs. */
static int on_fpm_user(void *arg, const struct mw_ini_entry *e)
{
	struct conf *c = arg;

	if (strcasecmp(e->key, "user") == 0 && !strchr(e->value, '$') && e->value[0])
		snprintf(c->user, sizeof(c->user), "%.200s", e->value);
	return 0;
}

static int on_fpm_chdir(void *arg, const struct mw_ini_entry *e)
{
	if (strcasecmp(e->key, "chdir") == 0)
		add_conf_root(arg, "chdir", e->value, e->value_len, e->line);
	return 0;
}

/* Read one configuration file of kind ("apache", "nginx", "php-fpm"). */
static void scan_conf(struct found *f, const char *file, const char *kind)
{
	static const char *const apache_roots[] = { "DocumentRoot", NULL };
	static const char *const nginx_roots[] = { "root", NULL };
	struct conf c = { f, file, kind, "" };
	const struct mw_webconf_cb wcb = { &c, on_web_root, NULL };
	struct mw_buf b;
	const char *t;
	int trunc;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_read_file_at(AT_FDCWD, file, &b, MW_MAX_TEXT_FILE, &trunc, NULL)) {
		mw_buf_free(&b);
		return;
	}
	t = b.data ? b.data : "";
	if (strcmp(kind, "apache") == 0) {
		mw_apache_conf_parse(t, b.len, apache_roots, &wcb);
	} else if (strcmp(kind, "nginx") == 0) {
		mw_nginx_conf_parse(t, b.len, nginx_roots, &wcb);
	} else {
		mw_ini_parse(t, b.len, on_fpm_user, NULL, &c);
		mw_ini_parse(t, b.len, on_fpm_chdir, NULL, &c);
	}
	mw_buf_free(&b);
}

static void scan_glob(struct found *f, const char *pattern, const char *kind)
{
	char pat[MW_MAX_PATH];
	glob_t g;
	size_t i;

	snprintf(pat, sizeof(pat), "%s%s", f->sysroot, pattern);
	if (glob(pat, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		scan_conf(f, g.gl_pathv[i], kind);
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

	scan_glob(&f, "/etc/apache2/sites-enabled/*", "apache");
	scan_glob(&f, "/etc/nginx/sites-enabled/*", "nginx");
	scan_glob(&f, "/etc/nginx/conf.d/*.conf", "nginx");
	scan_glob(&f, "/etc/php/*/fpm/pool.d/*.conf", "php-fpm");
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
