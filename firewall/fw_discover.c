/*
 * Building the policy: configured users plus the users web code runs as,
 * found in the PHP-FPM, Apache and nginx configuration beneath a root
 * directory. Every file is opened beneath rootfd without following
 * symbolic links (core/safefile.h) and read with a cap.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "firewall/fw_parse.h"
#include "firewall/fw_policy.h"
#include "reports/report.h"
#include "sysconf/fpm.h"

#define CHECK "firewall"

struct discover {
	struct fw_policy *p;
	struct mw_report *r;
	const char *rootname;	/* "/" or the --root directory */
	int rootfd;
	uid_t mta_uids[32];	/* never blocked */
	size_t n_mta;
	char run_user[FW_MAX_USER_NAME];	/* APACHE_RUN_USER from envvars */
	const char *kind;	/* "php-fpm", "apache", "nginx" */
	char path[MW_MAX_PATH];	/* shown path of the file being parsed */
	size_t nfiles;
	enum mw_err err;	/* first hard error (limit, memory) */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Path as the user knows it: rootname + "/etc/..." without a double slash. */
static void show_path(struct discover *d, char *dst, size_t len, const char *rel)
{
	size_t rn = strlen(d->rootname);

	while (rn > 1 && d->rootname[rn - 1] == '/')
		rn--;
	if (rn == 1 && d->rootname[0] == '/')
		snprintf(dst, len, "%s", rel);
	else
		snprintf(dst, len, "%.*s%s", (int)rn, d->rootname, rel);
}

static int is_mta_uid(const struct discover *d, uid_t uid)
{
	size_t i;

	for (i = 0; i < d->n_mta; i++)
		if (d->mta_uids[i] == uid)
			return 1;
	return 0;
}

static void on_user(void *arg, const char *raw, unsigned long line, const char *directive)
{
	struct discover *d = arg;
	char name[FW_MAX_USER_NAME], src[FW_MAX_SOURCE];
	const char *spec = raw;
	enum mw_err e;
	uid_t uid;

	if (strcmp(raw, "${APACHE_RUN_USER}") == 0) {
		if (!d->run_user[0]) {
			mw_report_note(d->r, CHECK, "%s:%lu: %s %s: APACHE_RUN_USER not set in envvars",
				       d->path, line, directive, raw);
			return;
		}
		spec = d->run_user;
	} else if (raw[0] == '$') {
		mw_report_note(d->r, CHECK, "%s:%lu: %s %s: variable not resolved",
			       d->path, line, directive, raw);
		return;
	}
	if (mw_fw_resolve_user(spec, &uid, name, sizeof(name))) {
		mw_report_note(d->r, CHECK, "%s:%lu: %s user '%s' does not exist; not blocked",
			       d->path, line, d->kind, spec);
		return;
	}
	if (uid == 0) {
		mw_report_note(d->r, CHECK, "%s:%lu: %s runs as root; root is never blocked",
			       d->path, line, d->kind);
		return;
	}
	if (is_mta_uid(d, uid)) {
		mw_report_note(d->r, CHECK, "%s:%lu: %s runs as the MTA user '%s'; not blocked",
			       d->path, line, d->kind, spec);
		return;
	}
	/* A cut source is still informative. */
	if (snprintf(src, sizeof(src), "%s %s:%lu", d->kind, d->path, line) < 0)
		src[0] = '\0';
	e = mw_fw_policy_add_uid(d->p, uid, name, src);
	if (e && !d->err) {
		d->err = e;
		mw_report_error(d->r, CHECK, d->path, line, e,
				"more than %d users to block", FW_MAX_USERS);
	}
}

static void on_problem(void *arg, unsigned long line, const char *msg)
{
	struct discover *d = arg;

	mw_report_error(d->r, CHECK, d->path, line, MW_ERR_PARSE, "%s", msg);
}

enum parser { P_FPM, P_APACHE, P_NGINX };

/* Parse the open regular file fd (closed here); d->path is set. */
static void parse_fd(struct discover *d, int fd, enum parser which)
{
	struct mw_sysconf_cb cb = { d, on_user, on_problem };
	struct mw_buf b;
	int truncated = 0;
	enum mw_err e;

	if (++d->nfiles > FW_MAX_CONF_FILES) {
		close(fd);
		if (d->nfiles == FW_MAX_CONF_FILES + 1)
			mw_report_error(d->r, CHECK, d->path, 0, MW_ERR_LIMIT,
					"more than %d web-server files; the rest is not read",
					FW_MAX_CONF_FILES);
		return;
	}
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	e = mw_read_fd_capped(fd, &b, MW_MAX_TEXT_FILE, &truncated);
	close(fd);
	if (e) {
		mw_report_error(d->r, CHECK, d->path, 0, e, "cannot read: %s", strerror(errno));
	} else {
		if (truncated)
			mw_report_error(d->r, CHECK, d->path, 0, MW_ERR_TOOBIG,
					"larger than %u bytes; only the start was read",
					MW_MAX_TEXT_FILE);
		switch (which) {
		case P_FPM: mw_fpm_parse_pool_users(b.data, b.len, &cb); break;
		case P_APACHE: mw_fw_parse_apache(b.data, b.len, &cb); break;
		case P_NGINX: mw_fw_parse_nginx(b.data, b.len, &cb); break;
		}
	}
	mw_buf_free(&b);
}

/* Report an open failure that is not "does not exist". */
static void open_failed(struct discover *d, enum mw_err e, int dir)
{
	if (e == MW_ERR_SYMLINK || (dir && errno == ELOOP))
		mw_report_note(d->r, CHECK, "%s: symbolic link, not followed", d->path);
	else if (e == MW_ERR_NOTREG || errno == ENOTDIR)
		mw_report_note(d->r, CHECK, "%s: not a %s, skipped", d->path,
			       dir ? "directory" : "regular file");
	else if (errno != ENOENT)
		mw_report_error(d->r, CHECK, d->path, 0, e, "cannot open: %s", strerror(errno));
}

/* Read one file at rel (absolute inside the root). */
static void parse_rel(struct discover *d, const char *rel, enum parser which)
{
	int fd;
	enum mw_err e;

	d->kind = which == P_FPM ? "php-fpm" : which == P_APACHE ? "apache" : "nginx";
	show_path(d, d->path, sizeof(d->path), rel);
	e = mw_open_beneath(d->rootfd, rel, 0, &fd, NULL);
	if (e) {
		open_failed(d, e, 0);
		return;
	}
	parse_fd(d, fd, which);
}

/*
 * Sorted names in the directory dirfd (not closed) that end in suffix
 * ("" = all), dot files left out. Entries are judged when opened.
 */
static enum mw_err list_dir(int dirfd, const char *suffix, struct mw_strlist *out)
{
	size_t sl = strlen(suffix), n = 0;
	struct dirent *de;
	DIR *dir;
	int fd;

	fd = dup(dirfd);
	if (fd < 0)
		return MW_ERR_IO;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return MW_ERR_IO;
	}
	while ((de = readdir(dir)) && n++ < FW_MAX_DIR_ENTRIES) {
		size_t nl = strlen(de->d_name);

		if (de->d_name[0] == '.' || nl < sl || strcmp(de->d_name + nl - sl, suffix))
			continue;
		if (mw_strlist_add(out, de->d_name)) {
			closedir(dir);
			return MW_ERR_NOMEM;
		}
	}
	closedir(dir);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_str);
	return MW_OK;
}

/* Every file ending in suffix in the directory rel, parsed with which. */
static void parse_dir(struct discover *d, const char *rel, const char *suffix,
		      enum parser which)
{
	struct mw_strlist names = { 0 };
	char shown[MW_MAX_PATH];
	enum mw_err e;
	size_t i;
	int dfd, fd;

	show_path(d, d->path, sizeof(d->path), rel);
	e = mw_open_beneath(d->rootfd, rel, 1, &dfd, NULL);
	if (e) {
		open_failed(d, e, 1);
		return;
	}
	if (list_dir(dfd, suffix, &names)) {
		mw_report_error(d->r, CHECK, d->path, 0, MW_ERR_IO, "cannot list: %s",
				strerror(errno));
		close(dfd);
		return;
	}
	snprintf(shown, sizeof(shown), "%s", d->path);
	for (i = 0; i < names.n; i++) {
		if (snprintf(d->path, sizeof(d->path), "%s/%s", shown,
			     names.v[i]) >= (int)sizeof(d->path))
			continue;
		e = mw_open_regular_at(dfd, names.v[i], &fd, NULL);
		if (e) {
			/* sites-enabled/ and conf-enabled/ hold links to the
			 * *-available/ files, which are read themselves. */
			if (e != MW_ERR_SYMLINK || which != P_APACHE)
				open_failed(d, e, 0);
			continue;
		}
		parse_fd(d, fd, which);
	}
	mw_strlist_clear(&names);
	close(dfd);
}

static void discover_fpm(struct discover *d)
{
	struct mw_strlist vers = { 0 };
	char rel[MW_MAX_PATH];
	size_t i;
	int fd;

	d->kind = "php-fpm";
	show_path(d, d->path, sizeof(d->path), "/etc/php");
	if (mw_open_beneath(d->rootfd, "/etc/php", 1, &fd, NULL))
		return;		/* no PHP at all */
	if (list_dir(fd, "", &vers) == MW_OK) {
		for (i = 0; i < vers.n; i++) {
			snprintf(rel, sizeof(rel), "/etc/php/%s/fpm/pool.d", vers.v[i]);
			parse_dir(d, rel, ".conf", P_FPM);
		}
	}
	mw_strlist_clear(&vers);
	close(fd);
}

static void discover_apache(struct discover *d)
{
	struct mw_buf b;
	int fd;

	show_path(d, d->path, sizeof(d->path), "/etc/apache2/envvars");
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_open_beneath(d->rootfd, "/etc/apache2/envvars", 0, &fd, NULL) == MW_OK) {
		if (mw_read_fd_capped(fd, &b, MW_MAX_TEXT_FILE, NULL) == MW_OK &&
		    !mw_fw_parse_apache_envvars(b.data, b.len, "APACHE_RUN_USER",
					     d->run_user, sizeof(d->run_user)))
			d->run_user[0] = '\0';
		close(fd);
	}
	mw_buf_free(&b);
	parse_rel(d, "/etc/apache2/apache2.conf", P_APACHE);
	parse_dir(d, "/etc/apache2/conf-available", ".conf", P_APACHE);
	parse_dir(d, "/etc/apache2/conf-enabled", "", P_APACHE);
	parse_dir(d, "/etc/apache2/sites-available", "", P_APACHE);
	parse_dir(d, "/etc/apache2/sites-enabled", "", P_APACHE);
}

/* Every user in list must exist; the error names the key. */
static enum mw_err check_users(const struct mw_strlist *l, const char *key,
			       char *err, size_t errlen)
{
	uid_t uid;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (mw_fw_resolve_user(l->v[i], &uid, NULL, 0)) {
			snprintf(err, errlen, "%s: unknown user '%s' (no such user on this host)",
				 key, l->v[i]);
			return MW_ERR_CONFIG;
		}
	}
	return MW_OK;
}

/*
 * Add the users of a configuration list. With never (deny-list), root and
 * the MTA users are left out with a note: blocking them would stop mail.
 */
static enum mw_err add_list(struct fw_policy *p, const struct mw_strlist *l,
			    const char *key, const struct discover *never,
			    struct mw_report *r)
{
	char name[FW_MAX_USER_NAME], src[FW_MAX_SOURCE];
	enum mw_err e;
	uid_t uid;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (mw_fw_resolve_user(l->v[i], &uid, name, sizeof(name)))
			continue;	/* checked before */
		if (never && uid == 0) {
			mw_report_note(r, CHECK, "%s: root is never blocked", key);
			continue;
		}
		if (never && is_mta_uid(never, uid)) {
			mw_report_note(r, CHECK, "%s: '%s' is an MTA user (mta_users); never blocked",
				       key, l->v[i]);
			continue;
		}
		snprintf(src, sizeof(src), "config %s", key);
		e = mw_fw_policy_add_uid(p, uid, name, src);
		if (e)
			return e;
	}
	return MW_OK;
}

enum mw_err mw_fw_policy_build(struct fw_policy *p, const struct mw_config *cfg,
			    int rootfd, const char *rootname, struct mw_report *r,
			    char *err, size_t errlen)
{
	struct discover d;
	char name[FW_MAX_USER_NAME];
	enum mw_err e;
	uid_t uid;
	size_t i;

	mw_fw_policy_init(p, cfg->fw_mode);
	p->allow_loopback = cfg->fw_allow_loopback;
	e = mw_fw_policy_set_ports(p, &cfg->fw_ports, err, errlen);
	if (!e)
		e = check_users(&cfg->web_users, "[general] web_users", err, errlen);
	if (!e)
		e = check_users(&cfg->fw_block_users, "[firewall] block_users", err, errlen);
	if (!e)
		e = check_users(&cfg->fw_allow_users, "[firewall] allow_users", err, errlen);
	if (e)
		return e;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.r = r;
	d.rootfd = rootfd;
	d.rootname = rootname;
	for (i = 0; i < cfg->fw_mta_users.n; i++) {
		if (mw_fw_resolve_user(cfg->fw_mta_users.v[i], &uid, name, sizeof(name)))
			continue;
		if (d.n_mta < sizeof(d.mta_uids) / sizeof(d.mta_uids[0]))
			d.mta_uids[d.n_mta++] = uid;
		if (p->mode == MW_FW_ALLOW_LIST) {
			e = mw_fw_policy_add_uid(p, uid, name, "mta");
			if (e)
				return e;
		}
	}

	if (p->mode == MW_FW_ALLOW_LIST) {
		if (cfg->fw_allow_root) {
			e = mw_fw_policy_add_uid(p, 0, "root", "config [firewall] allow_root");
			if (e)
				return e;
		}
		return add_list(p, &cfg->fw_allow_users, "[firewall] allow_users", NULL, r);
	}

	if (mw_fw_resolve_user("www-data", &uid, name, sizeof(name)) == 0) {
		e = mw_fw_policy_add_uid(p, uid, name, "default");
		if (e)
			return e;
	} else {
		mw_report_note(r, CHECK, "user www-data does not exist");
	}
	e = add_list(p, &cfg->web_users, "[general] web_users", &d, r);
	if (!e)
		e = add_list(p, &cfg->fw_block_users, "[firewall] block_users", &d, r);
	if (e)
		return e;
	discover_fpm(&d);
	discover_apache(&d);
	parse_rel(&d, "/etc/nginx/nginx.conf", P_NGINX);
	if (d.err == MW_ERR_NOMEM)
		return d.err;
	return MW_OK;
}
