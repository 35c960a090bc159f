/*
 * Roundcube's webmail sessions of the account (acct_int.h): a session
 * survives the password reset, so the response ends those too.
 *
 * Where: --roundcube-config FILE, else Debian's /etc/roundcube/
 * config.inc.php and a Roundcube installed in a web root the tool knows
 * (ROOT/config/config.inc.php or ROOT/DIR/config/config.inc.php beside
 * program/include/rcmail.php). The configuration is read as data
 * (rc_conf.h), never run. A local SQLite database is read (the report:
 * the account's rows in users, its sessions with address and time) and,
 * with --respond --apply, its sessions are copied into the response
 * record and deleted in one transaction; --restore inserts the same rows
 * again (same rowid when free: a `.dump` is byte-identical). A MySQL or
 * PostgreSQL database is never connected to: the response prints the
 * statement to run.
 *
 * The database file is opened only when no component of its path is a
 * symbolic link (checked on our own fd, then SQLite opens the same inode
 * with SQLITE_OPEN_NOFOLLOW); a journal SQLite leaves behind is given
 * the database's owner, so that Roundcube can still write.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/db.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/account/rc_conf.h"
#include "scanner/account/resp.h"
#include "scanner/webroot/docroots.h"

#define RC_DEBIAN	"/etc/roundcube/config.inc.php"
#define RC_MAX_SITES	16		/* Roundcube configurations read */
#define RC_MAX_SUBDIRS	256		/* entries of a web root looked into */
#define RC_MAX_ROWS	200000		/* session rows read */
#define RC_MAX_SESSION	(1u << 20)	/* bytes of one session's vars */
#define RC_BUSY_MS	5000		/* waiting for Roundcube's own writes */

/* --- configuration ------------------------------------------------------ */

/* Read path (no symbolic link anywhere in it) into p; 1 read, 0 absent,
 * -1 unreadable. *mentions_debian: it names Debian's database include. */
static int read_php(const char *path, struct rc_php *p, int *mentions_debian)
{
	struct mw_buf b;
	int rootfd, fd, rc = -1;

	rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -1;
	if (mw_open_beneath(rootfd, path, 0, &fd, NULL) != MW_OK) {
		rc = errno == ENOENT ? 0 : -1;
		close(rootfd);
		return rc;
	}
	close(rootfd);
	mw_buf_init(&b, RC_MAX_TEXT);
	if (mw_read_fd_capped(fd, &b, RC_MAX_TEXT, NULL) == MW_OK) {
		mw_rc_php_read(p, b.data ? b.data : "", b.len);
		if (mentions_debian)
			*mentions_debian = b.data && memmem(b.data, b.len, "debian-db", 9);
		rc = 1;
	}
	close(fd);
	mw_buf_free(&b);
	return rc;
}

/*
 * The site of the configuration file path into o (a new object): config,
 * type, database, prefix, and for SQLite its file ("path"); "error" when
 * the database cannot be told. 0, or -1 when path cannot be read.
 */
static int site_read(const char *path, json_t *o, struct rc_dsn *d)
{
	static struct rc_php conf, deb, def;	/* 200 KiB: not on the stack */
	char dir[MW_MAX_PATH], f[MW_MAX_PATH + 32], desc[2048];
	const char *slash = strrchr(path, '/'), *dsn, *prefix;
	int debian = 0, have = -1;

	memset(&conf, 0, sizeof(conf));
	memset(&deb, 0, sizeof(deb));
	memset(&def, 0, sizeof(def));
	if (!slash || read_php(path, &conf, &debian) != 1)
		return -1;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	snprintf(f, sizeof(f), "%s/defaults.inc.php", dir);
	(void)read_php(f, &def, NULL);
	if (debian) {
		/* bookworm: debian-db.php holds dbconfig-common's variables,
		 * debian-db-roundcube.php composes the DSN from them; older
		 * releases have the variables in the latter */
		snprintf(f, sizeof(f), "%s/debian-db.php", dir);
		(void)read_php(f, &deb, NULL);
		snprintf(f, sizeof(f), "%s/debian-db-roundcube.php", dir);
		(void)read_php(f, &deb, NULL);
	}
	/* config.inc.php's own db_dsnw wins, then Debian's, then the default */
	if (!mw_rc_php_has(&conf, "config:db_dsnw") && debian && mw_rc_php_get(&deb, "dbtype")) {
		have = mw_rc_debian_dsn(&deb, d);
	} else {
		dsn = mw_rc_php_get(mw_rc_php_has(&conf, "config:db_dsnw") ? &conf : &def, "config:db_dsnw");
		have = dsn ? mw_rc_dsn_parse(dsn, d) : -1;
	}
	prefix = mw_rc_php_get(&conf, "config:db_prefix");
	if (!prefix)
		prefix = mw_rc_php_get(&def, "config:db_prefix");
	json_object_set_new(o, "config", mw_json_raw(path));
	json_object_set_new(o, "prefix", mw_json_raw(prefix ? prefix : ""));
	if (have != 0) {
		json_object_set_new(o, "type", json_string("unknown"));
		json_object_set_new(o, "error", json_string("db_dsnw is not a literal this reader "
							    "takes (or a relative SQLite path)"));
		return 0;
	}
	mw_rc_dsn_describe(d, desc, sizeof(desc));
	json_object_set_new(o, "type", json_string(d->type == RC_DB_SQLITE ? "sqlite" :
						  d->type == RC_DB_MYSQL ? "mysql" :
						  d->type == RC_DB_PGSQL ? "pgsql" : "other"));
	json_object_set_new(o, "database", mw_json_raw(desc));
	if (d->type == RC_DB_SQLITE)
		json_object_set_new(o, "path", mw_json_raw(d->path));
	if (prefix && !mw_rc_prefix_ok(prefix))
		json_object_set_new(o, "error", json_string("db_prefix is not a plain name"));
	return 0;
}

/* ROOT/config/config.inc.php of a Roundcube install at root, into list. */
static void try_install(const char *root, struct mw_strlist *list)
{
	char marker[MW_MAX_PATH + 64], conf[MW_MAX_PATH + 64];
	struct stat st;

	snprintf(marker, sizeof(marker), "%s/program/include/rcmail.php", root);
	snprintf(conf, sizeof(conf), "%s/config/config.inc.php", root);
	if (list->n < RC_MAX_SITES && lstat(marker, &st) == 0 && S_ISREG(st.st_mode) &&
	    lstat(conf, &st) == 0 && S_ISREG(st.st_mode))
		(void)mw_strlist_add(list, conf);
}

/* The web roots (configured and detected), each and its subdirectories. */
static void web_installs(const struct acct_run *a, struct mw_strlist *list)
{
	struct mw_strlist roots = { 0 }, why = { 0 }, skipped = { 0 }, out = { 0 }, owhy = { 0 };
	char sub[MW_MAX_PATH + 300];
	size_t i, k;

	for (i = 0; a->ctx->cfg && i < a->ctx->cfg->web_roots.n; i++)
		(void)mw_strlist_add(&roots, a->ctx->cfg->web_roots.v[i]);
	(void)mw_docroots_detect("", &roots, &why, &skipped, &out, &owhy);
	for (i = 0; i < roots.n && list->n < RC_MAX_SITES; i++) {
		DIR *d;
		struct dirent *e;
		int fd;

		try_install(roots.v[i], list);
		if (mw_open_dir_at(AT_FDCWD, roots.v[i], &fd) != MW_OK)
			continue;
		if (!(d = fdopendir(fd))) {
			close(fd);
			continue;
		}
		for (k = 0; (e = readdir(d)) && k < RC_MAX_SUBDIRS; k++) {
			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", roots.v[i], e->d_name);
			try_install(sub, list);
		}
		closedir(d);
	}
	mw_strlist_clear(&roots);
	mw_strlist_clear(&why);
	mw_strlist_clear(&skipped);
	mw_strlist_clear(&out);
	mw_strlist_clear(&owhy);
}

/* --- SQLite --------------------------------------------------------------- */

/*
 * Open the SQLite file path (rw: for writing) when no component of it is
 * a symbolic link; *st gets the file's owner for fix_owner. NULL (why
 * filled) when it cannot.
 */
static sqlite3 *db_open(const char *path, int rw, struct stat *st, char *why, size_t wl)
{
	sqlite3 *db = NULL;
	struct stat now;
	int rootfd, fd = -1;

	rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || mw_open_beneath(rootfd, path, 0, &fd, st) != MW_OK) {
		snprintf(why, wl, "%s: %s (no symbolic links followed)", path, strerror(errno));
		if (rootfd >= 0)
			close(rootfd);
		return NULL;
	}
	close(rootfd);
	if (mw_db_open(path, rw ? 0 : MW_DB_READONLY, RC_BUSY_MS, &db, why, wl) != MW_OK) {
		close(fd);
		return NULL;
	}
	/* the file SQLite opened is the one checked beneath "/" */
	if (stat(path, &now) != 0 || now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
		snprintf(why, wl, "%s: replaced while opening", path);
		sqlite3_close(db);
		close(fd);
		return NULL;
	}
	close(fd);
	return db;
}

/* A journal or WAL file SQLite made as root, given to the database's
 * owner: Roundcube runs as the web user and must open it too. */
static void fix_owner(const char *path, const struct stat *st)
{
	static const char *const ext[] = { "-journal", "-wal", "-shm" };
	char f[MW_MAX_PATH + 16];
	struct stat js;
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s%s", path, ext[i]);
		if (lstat(f, &js) == 0 && S_ISREG(js.st_mode) &&
		    (js.st_uid != st->st_uid || js.st_gid != st->st_gid) &&
		    fchownat(AT_FDCWD, f, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) != 0)
			continue;	/* gone meanwhile: SQLite removed it */
	}
}

/* "prefix" + "name", quoted as an SQL identifier, into out. */
static void table(const char *prefix, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "\"%s%s\"", prefix, name);
}

static void hex(const unsigned char *p, size_t n, struct mw_buf *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		char two[2] = { d[p[i] >> 4], d[p[i] & 15] };

		(void)mw_buf_append(out, two, 2);
	}
}

/* Column i of the row as {"name", "t", "hex"|"v"}: what restore binds. */
static json_t *column_json(sqlite3_stmt *s, int i)
{
	struct mw_buf b;
	json_t *c;
	char num[64];
	int t = sqlite3_column_type(s, i);

	c = json_pack("{s:o}", "name", mw_json_raw(sqlite3_column_name(s, i)));
	switch (t) {
	case SQLITE_INTEGER:
		json_object_set_new(c, "t", json_string("int"));
		json_object_set_new(c, "v", json_integer(sqlite3_column_int64(s, i)));
		break;
	case SQLITE_FLOAT:
		snprintf(num, sizeof(num), "%.17g", sqlite3_column_double(s, i));
		json_object_set_new(c, "t", json_string("real"));
		json_object_set_new(c, "v", json_string(num));
		break;
	case SQLITE_NULL:
		json_object_set_new(c, "t", json_string("null"));
		break;
	default:
		mw_buf_init(&b, (size_t)sqlite3_column_bytes(s, i) * 2 + 16);
		hex(t == SQLITE_BLOB ? sqlite3_column_blob(s, i) : sqlite3_column_text(s, i),
		    (size_t)sqlite3_column_bytes(s, i), &b);
		json_object_set_new(c, "t", json_string(t == SQLITE_BLOB ? "blob" : "text"));
		json_object_set_new(c, "hex", json_stringn(b.data ? b.data : "", b.len));
		mw_buf_free(&b);
	}
	return c;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	return t ? t : "";
}

/*
 * The account's sessions in the session table: each into seen ({ip,
 * changed}) and, when rows is given, whole (rowid and every column) into
 * rows. *unparsed counts the sessions that could not be read. 0, or -1
 * with why.
 */
static int sessions(sqlite3 *db, const char *prefix, const char *user, json_t *seen,
		    json_t *rows, long *unparsed, char *why, size_t wl)
{
	char sql[200], t[80];
	sqlite3_stmt *s = NULL;
	int i, ncol, vars = -1, ip = -1, changed = -1, rc;
	long n = 0;

	table(prefix, "session", t, sizeof(t));
	snprintf(sql, sizeof(sql), "SELECT rowid, * FROM %s", t);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(why, wl, "%s", sqlite3_errmsg(db));
		return -1;
	}
	ncol = sqlite3_column_count(s);
	for (i = 1; i < ncol; i++) {
		const char *c = sqlite3_column_name(s, i);

		vars = strcmp(c, "vars") == 0 ? i : vars;
		ip = strcmp(c, "ip") == 0 ? i : ip;
		changed = strcmp(c, "changed") == 0 ? i : changed;
	}
	if (vars < 0) {
		snprintf(why, wl, "%s has no column vars: not Roundcube's", t);
		sqlite3_finalize(s);
		return -1;
	}
	*unparsed = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n++ < RC_MAX_ROWS) {
		int len = sqlite3_column_bytes(s, vars), m;
		json_t *row;

		m = (size_t)len > RC_MAX_SESSION ? -1 :
		    mw_rc_session_is_user(col_text(s, vars), (size_t)len, user);
		if (m < 0)
			++*unparsed;
		if (m != 1)
			continue;
		json_array_append_new(seen, json_pack("{s:o, s:o}",
				"ip", mw_json_raw(ip > 0 ? col_text(s, ip) : ""),
				"changed", mw_json_raw(changed > 0 ? col_text(s, changed) : "")));
		if (!rows)
			continue;
		row = json_pack("{s:I, s:[]}", "rowid", (json_int_t)sqlite3_column_int64(s, 0),
				"cols");
		for (i = 1; i < ncol; i++)
			json_array_append_new(json_object_get(row, "cols"), column_json(s, i));
		json_array_append_new(rows, row);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW) {
		snprintf(why, wl, "more than %d sessions: the rest not read", RC_MAX_ROWS);
		return -1;
	}
	if (rc != SQLITE_DONE) {
		snprintf(why, wl, "%s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* The account's rows of the users table into out. */
static void users(sqlite3 *db, const char *prefix, const char *user, json_t *out)
{
	char sql[300], t[80];
	sqlite3_stmt *s = NULL;

	table(prefix, "users", t, sizeof(t));
	snprintf(sql, sizeof(sql), "SELECT user_id, username, mail_host, last_login FROM %s "
		 "WHERE lower(username) = lower(?1) ORDER BY user_id", t);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(out, json_pack("{s:I, s:o, s:o, s:o}", "user_id",
				(json_int_t)sqlite3_column_int64(s, 0), "username",
				mw_json_raw(col_text(s, 1)), "mail_host", mw_json_raw(col_text(s, 2)),
				"last_login", mw_json_raw(col_text(s, 3))));
	sqlite3_finalize(s);
}

/* The report's view of one SQLite site (o from site_read). */
static void sqlite_report(struct acct_run *a, json_t *o)
{
	const char *path = acct_jstr(o, "path"), *prefix = acct_jstr(o, "prefix");
	json_t *u = json_array(), *seen = json_array();
	char why[600];
	struct stat st;
	sqlite3 *db;
	long unparsed = 0;

	json_object_set_new(o, "users", u);
	json_object_set_new(o, "sessions", seen);
	if (json_object_get(o, "error"))
		return;
	if (!(db = db_open(path, 0, &st, why, sizeof(why)))) {
		/* a database not made yet is no Roundcube in use; one that
		 * cannot be read leaves the report incomplete */
		json_object_set_new(o, "error", mw_json_raw(why));
		if (lstat(path, &st) == 0 || errno != ENOENT)
			mw_report_error(a->r, CHECK, path, 0, MW_ERR_IO, "roundcube: %s", why);
		return;
	}
	users(db, prefix, a->o->user, u);
	if (sessions(db, prefix, a->o->user, seen, NULL, &unparsed, why, sizeof(why)) != 0) {
		json_object_set_new(o, "error", mw_json_raw(why));
		mw_report_error(a->r, CHECK, path, 0, MW_ERR_IO, "roundcube: %s", why);
	}
	json_object_set_new(o, "unparsed", json_integer(unparsed));
	sqlite3_close(db);
	fix_owner(path, &st);
}

json_t *mw_acct_roundcube_read(struct acct_run *a)
{
	struct mw_strlist list = { 0 };
	json_t *sites = json_array(), *o;
	struct rc_dsn d;
	struct stat st;
	dev_t devs[RC_MAX_SITES];
	ino_t inos[RC_MAX_SITES];
	size_t i, k, n = 0;

	if (a->o->root)
		return sites;	/* a mounted image: no live webmail */
	if (a->o->roundcube_config) {
		(void)mw_strlist_add(&list, a->o->roundcube_config);
	} else {
		(void)mw_strlist_add(&list, RC_DEBIAN);
		web_installs(a, &list);
	}
	for (i = 0; i < list.n; i++) {
		int dup = 0;

		/* Debian's web root links back to /etc/roundcube: once */
		if (stat(list.v[i], &st) != 0) {
			if (a->o->roundcube_config)
				mw_report_error(a->r, CHECK, list.v[i], 0, MW_ERR_IO, "roundcube: %s: %s",
						list.v[i], strerror(errno));
			continue;
		}
		for (k = 0; k < n; k++)
			dup |= devs[k] == st.st_dev && inos[k] == st.st_ino;
		if (dup || n == RC_MAX_SITES)
			continue;
		devs[n] = st.st_dev;
		inos[n++] = st.st_ino;
		o = json_object();
		if (site_read(list.v[i], o, &d) != 0) {
			/* one named on the command line must be read; one found
			 * through a link in a web root is only noted */
			if (a->o->roundcube_config)
				mw_report_error(a->r, CHECK, list.v[i], 0, MW_ERR_IO, "roundcube: "
						"cannot read %s without following a link", list.v[i]);
			else
				mw_report_note(a->r, CHECK, "roundcube: %s not read: a symbolic "
					       "link on its path", list.v[i]);
			json_decref(o);
			continue;
		}
		if (d.type == RC_DB_SQLITE && !json_object_get(o, "error"))
			sqlite_report(a, o);
		json_array_append_new(sites, o);
	}
	mw_strlist_clear(&list);
	return sites;
}

/* --- the response ------------------------------------------------------- */

/* One transaction: the sessions of the account, into the record, then
 * deleted. */
static void sqlite_end(struct resp *p, const json_t *o)
{
	const char *path = acct_jstr(o, "path"), *prefix = acct_jstr(o, "prefix");
	json_t *rows = json_array(), *seen = json_array(), *st, *r;
	char why[600], what[MW_MAX_PATH + 200], t[80], sql[200];
	sqlite3_stmt *del = NULL;
	struct stat fst;
	sqlite3 *db;
	long unparsed = 0;
	size_t i, n = json_array_size(json_object_get(o, "sessions"));

	snprintf(what, sizeof(what), "delete the %zu Roundcube session%s of %s in %s (kept in the "
		 "response record)", n, n == 1 ? "" : "s", p->a->o->user, path);
	if (n == 0 || !p->apply) {
		mw_acct_step_out(p, "roundcube", what, n ? "planned" : "already done");
		goto out;
	}
	if (!(db = db_open(path, 1, &fst, why, sizeof(why)))) {
		mw_acct_fail(p, "roundcube", what, why);
		goto out;
	}
	table(prefix, "session", t, sizeof(t));
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE rowid = ?1", t);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sessions(db, prefix, p->a->o->user, seen, rows, &unparsed, why, sizeof(why)) != 0 ||
	    sqlite3_prepare_v2(db, sql, -1, &del, NULL) != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s", sqlite3_errmsg(db));
		mw_acct_fail(p, "roundcube", what, why);
		goto close;
	}
	st = mw_acct_record_begin(p, json_pack("{s:s, s:s, s:s, s:O}", "step", "roundcube",
					    "path", path, "prefix", prefix, "rows", rows));
	if (!st) {
		mw_acct_fail(p, "roundcube", what, "cannot write the response record: nothing changed");
		goto close;
	}
	json_array_foreach(rows, i, r) {
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, json_integer_value(json_object_get(r, "rowid")));
		if (sqlite3_step(del) != SQLITE_DONE)
			break;
	}
	if (i < json_array_size(rows) || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s: nothing deleted", sqlite3_errmsg(db));
		mw_acct_fail(p, "roundcube", what, why);
		mw_acct_record_done(p, st, "failed");
		goto close;
	}
	mw_acct_record_done(p, st, "done");
	mw_acct_step_out(p, "roundcube", what, "done");
close:
	sqlite3_finalize(del);
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	fix_owner(path, &fst);
out:
	json_decref(rows);
	json_decref(seen);
}

void mw_acct_roundcube_end(struct resp *p)
{
	json_t *o, *m = json_object_get(p->out, "manual");
	struct mw_buf sql;
	char line[4096];
	size_t i;
	int any = 0;

	json_array_foreach(p->a->roundcube, i, o) {
		const char *type = acct_jstr(o, "type");

		any = 1;
		if (json_object_get(o, "error")) {
			snprintf(line, sizeof(line), "end %s's Roundcube sessions by hand (%s: %s)",
				 p->a->o->user, acct_jstr(o, "config"), acct_jstr(o, "error"));
			json_array_append_new(m, mw_json_raw(line));
			continue;
		}
		if (strcmp(type, "sqlite") == 0) {
			sqlite_end(p, o);
			continue;
		}
		mw_buf_init(&sql, 8192);
		if (mw_rc_manual_sql(strcmp(type, "mysql") == 0 ? RC_DB_MYSQL :
				  strcmp(type, "pgsql") == 0 ? RC_DB_PGSQL : RC_DB_OTHER,
				  acct_jstr(o, "prefix"), p->a->o->user, &sql) == 0) {
			/* never connected to: the administrator runs it */
			snprintf(line, sizeof(line), "Roundcube keeps its sessions in %s (%s): "
				 "mailwarden does not connect to it; run there: %s",
				 acct_jstr(o, "database"), acct_jstr(o, "config"), mw_buf_str(&sql));
			mw_acct_step_out(p, "roundcube", line, "by hand");
			json_array_append_new(m, mw_json_raw(line));
		} else {
			snprintf(line, sizeof(line), "end %s's Roundcube sessions by hand (%s: a %s "
				 "database)", p->a->o->user, acct_jstr(o, "config"), type);
			json_array_append_new(m, mw_json_raw(line));
		}
		mw_buf_free(&sql);
	}
	if (!any)
		json_array_append_new(m, json_string("end the webmail sessions too, if a webmail "
						     "other than a Roundcube found here keeps its own: "
						     "a stolen webmail session survives the password reset"));
}

/* Bytes of a "hex" string back into b. -1 when it is not hex. */
static int unhex(const char *h, struct mw_buf *b)
{
	size_t i, n = strlen(h);

	if (n % 2)
		return -1;
	for (i = 0; i < n; i += 2) {
		char c[3] = { h[i], h[i + 1], 0 }, *end;
		char v = (char)strtoul(c, &end, 16);

		if (*end || mw_buf_putc(b, v))
			return -1;
	}
	return 0;
}

/* Bind the recorded column c as parameter k of s. */
static int bind_col(sqlite3_stmt *s, int k, const json_t *c, struct mw_buf *b)
{
	const char *t = acct_jstr(c, "t");

	if (strcmp(t, "int") == 0)
		return sqlite3_bind_int64(s, k, json_integer_value(json_object_get(c, "v")));
	if (strcmp(t, "real") == 0)
		return sqlite3_bind_double(s, k, strtod(acct_jstr(c, "v"), NULL));
	if (strcmp(t, "null") == 0)
		return sqlite3_bind_null(s, k);
	b->len = 0;
	if (unhex(acct_jstr(c, "hex"), b) != 0)
		return SQLITE_MISUSE;
	return strcmp(t, "blob") == 0
		       ? sqlite3_bind_blob(s, k, b->data ? b->data : "", (int)b->len, SQLITE_TRANSIENT)
		       : sqlite3_bind_text(s, k, b->data ? b->data : "", (int)b->len, SQLITE_TRANSIENT);
}

/* Insert the recorded row r into table t: with its rowid when that is
 * free. 1 inserted, 0 its session id is taken (kept as it is), -1 error. */
static int insert_row(sqlite3 *db, const char *t, const json_t *r, struct mw_buf *b)
{
	const json_t *cols = json_object_get(r, "cols"), *c;
	struct mw_buf sql;
	sqlite3_stmt *s = NULL;
	size_t i;
	int rc = -1, with_rowid;

	for (with_rowid = 1; with_rowid >= 0 && rc < 0; with_rowid--) {
		mw_buf_init(&sql, 4096);
		(void)mw_buf_printf(&sql, "INSERT INTO %s (%s", t, with_rowid ? "rowid" : "");
		json_array_foreach(cols, i, c) {
			const char *name = acct_jstr(c, "name");

			if (!mw_rc_prefix_ok(name))	/* a plain column name */
				goto out;
			(void)mw_buf_printf(&sql, "%s\"%s\"", i || with_rowid ? ", " : "", name);
		}
		(void)mw_buf_puts(&sql, ") VALUES (");
		for (i = 0; i < json_array_size(cols) + (size_t)with_rowid; i++)
			(void)mw_buf_printf(&sql, "%s?", i ? ", " : "");
		(void)mw_buf_puts(&sql, ")");
		if (sqlite3_prepare_v2(db, mw_buf_str(&sql), -1, &s, NULL) != SQLITE_OK)
			goto out;
		if (with_rowid)
			sqlite3_bind_int64(s, 1, json_integer_value(json_object_get(r, "rowid")));
		json_array_foreach(cols, i, c)
			if (bind_col(s, (int)i + 1 + with_rowid, c, b) != SQLITE_OK)
				goto out;
		rc = sqlite3_step(s) == SQLITE_DONE ? 1 : -1;
		if (rc < 0 && sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY &&
		    !with_rowid)
			rc = 0;
		sqlite3_finalize(s);
		s = NULL;
		mw_buf_free(&sql);
	}
	return rc;
out:
	sqlite3_finalize(s);
	mw_buf_free(&sql);
	return -1;
}

int mw_acct_roundcube_restore(struct resp *p, json_t *st, char *what, size_t wl)
{
	const char *path = acct_jstr(st, "path"), *prefix = acct_jstr(st, "prefix");
	json_t *rows = json_object_get(st, "rows"), *r;
	char why[600], t[80];
	struct mw_buf b;
	struct stat fst;
	sqlite3 *db;
	size_t i, taken = 0;
	int rc = -1;

	snprintf(what, wl, "put the %zu Roundcube session%s of %s back into %s", json_array_size(rows),
		 json_array_size(rows) == 1 ? "" : "s", p->a->o->user, path);
	if (!p->apply)
		return 0;
	if (!mw_rc_prefix_ok(prefix) || !(db = db_open(path, 1, &fst, why, sizeof(why)))) {
		snprintf(what, wl, "Roundcube sessions: %s", mw_rc_prefix_ok(prefix) ? why : "bad prefix");
		return -1;
	}
	table(prefix, "session", t, sizeof(t));
	mw_buf_init(&b, 2 * RC_MAX_SESSION);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		rc = 0;
		json_array_foreach(rows, i, r) {
			int k = insert_row(db, t, r, &b);

			if (k < 0) {
				rc = -1;
				break;
			}
			taken += k == 0;
		}
	}
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
	if (rc != 0)
		snprintf(what, wl, "put the Roundcube sessions back into %s: %s (nothing changed)",
			 path, sqlite3_errmsg(db));
	else if (taken)
		mw_report_note(p->a->r, CHECK, "%zu Roundcube session id%s taken again since the "
			       "response: kept as %s now", taken, taken == 1 ? "" : "s",
			       taken == 1 ? "it is" : "they are");
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	fix_owner(path, &fst);
	mw_buf_free(&b);
	return rc;
}
