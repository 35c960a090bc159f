#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/db.h"
#include "reports/finding_state.h"

struct mw_state {
	sqlite3 *db;
	/* observe() runs once per finding: its statements are prepared once */
	sqlite3_stmt *q_get, *q_insert, *q_update;
	int dirfd, lockfd;
	char *dir;
	int64_t now, run;
};

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE findings("
	" id TEXT PRIMARY KEY,"
	" check_name TEXT NOT NULL,"
	" rule_id TEXT NOT NULL,"
	" title TEXT NOT NULL,"
	" path TEXT,"
	" severity INTEGER NOT NULL,"
	" file_size INTEGER,"
	" file_mtime INTEGER,"
	" first_seen INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL,"
	" last_run INTEGER NOT NULL,"
	" resolved_at INTEGER,"
	" acked INTEGER NOT NULL DEFAULT 0,"
	" acked_at INTEGER);";

static void seterr(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* The state directory must be ours alone: root-only, no symlink. */
static enum mw_err check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(dir, &st) != 0) {
		if (errno != ENOENT || mkdir(dir, 0700) != 0 || lstat(dir, &st) != 0) {
			seterr(err, errlen, "%s: cannot create the state directory: %s",
			       dir, strerror(errno));
			return mw_err_from_errno(errno);
		}
	}
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "%s: state directory is %s", dir,
		       S_ISLNK(st.st_mode) ? "a symbolic link" : "not a directory");
		return MW_ERR_IO;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		seterr(err, errlen, "%s: state directory must be owned by uid %lu and not "
		       "writable by group or others (mode %04o, owner %lu)", dir,
		       (unsigned long)geteuid(), (unsigned)(st.st_mode & 07777),
		       (unsigned long)st.st_uid);
		return MW_ERR_PRIV;
	}
	return MW_OK;
}

static int exec_sql(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* One text value from a query with no parameters, into dst ("" if none).
 * Returns -1 on an SQL error (a broken or foreign file). */
static int query_text(sqlite3 *db, const char *sql, char *dst, size_t len)
{
	sqlite3_stmt *s;
	int rc;

	dst[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(dst, len, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Is db a usable state file? 1 yes, 0 empty (create the schema), -1 broken
 * or foreign (why in why).
 */
static int validate(sqlite3 *db, char *why, size_t len)
{
	char v[64];

	if (query_text(db, "PRAGMA quick_check", v, sizeof(v)) != 0) {
		snprintf(why, len, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (strcmp(v, "ok") != 0) {
		snprintf(why, len, "integrity check failed: %s", v);
		return -1;
	}
	if (query_text(db, "SELECT count(*) FROM sqlite_master", v, sizeof(v)) != 0) {
		snprintf(why, len, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (strcmp(v, "0") == 0)
		return 0;
	if (query_text(db, "SELECT value FROM meta WHERE key = 'schema'", v, sizeof(v)) != 0) {
		snprintf(why, len, "not a mailwarden state file (%s)", sqlite3_errmsg(db));
		return -1;
	}
	if (atoi(v) != MW_STATE_SCHEMA) {
		snprintf(why, len, "schema version '%s', this mailwarden uses %d", v,
			 MW_STATE_SCHEMA);
		return -1;
	}
	return 1;
}

/* Create the file root-only with O_EXCL (never reuse what someone put
 * there), then let SQLite open it without following links. */
static int open_db(struct mw_state *st, int create, char *err, size_t errlen)
{
	char path[4200];
	int fd;

	if (create) {
		fd = openat(st->dirfd, MW_STATE_DB, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0600);
		if (fd < 0) {
			seterr(err, errlen, "%s/%s: %s", st->dir, MW_STATE_DB, strerror(errno));
			return -1;
		}
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/%s", st->dir, MW_STATE_DB);
	return mw_db_open(path, 0, 0, &st->db, err, errlen) == MW_OK ? 0 : -1;
}

/*
 * Keep the unusable database as findings.db.broken-TIME; a second one in the
 * same second gets ".1", ".2", ...: never replace an earlier copy (it is
 * what someone may need to see what went wrong). Its journal goes with it.
 */
static int move_aside(struct mw_state *st, char *newname, size_t len)
{
	char j[64], jnew[200];
	int i, rc = -1;

	for (i = 0; i < MW_STATE_MAX_BROKEN; i++) {
		if (i == 0)
			snprintf(newname, len, "%s.broken-%lld", MW_STATE_DB,
				 (long long)st->now);
		else
			snprintf(newname, len, "%s.broken-%lld.%d", MW_STATE_DB,
				 (long long)st->now, i);
		rc = renameat2(st->dirfd, MW_STATE_DB, st->dirfd, newname,
			       RENAME_NOREPLACE);
		if (rc == 0 || errno != EEXIST)
			break;
	}
	if (rc != 0 && unlinkat(st->dirfd, MW_STATE_DB, 0) != 0)
		return -1;
	/* A journal left beside the broken file belongs to it, not to the
	 * fresh one. */
	snprintf(j, sizeof(j), "%s-journal", MW_STATE_DB);
	snprintf(jnew, sizeof(jnew), "%s-journal", newname);
	if (rc != 0 || renameat2(st->dirfd, j, st->dirfd, jnew, RENAME_NOREPLACE) != 0)
		unlinkat(st->dirfd, j, 0);
	return 0;
}

static int meta_set(sqlite3 *db, const char *key, long long v)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, v);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static enum mw_err fail_open(struct mw_state *st, enum mw_err e)
{
	sqlite3_finalize(st->q_get);
	sqlite3_finalize(st->q_insert);
	sqlite3_finalize(st->q_update);
	if (st->db)
		sqlite3_close(st->db);
	if (st->lockfd >= 0)
		close(st->lockfd);
	if (st->dirfd >= 0)
		close(st->dirfd);
	free(st->dir);
	free(st);
	return e;
}

enum mw_err mw_state_open(const char *dir, int64_t now, struct mw_state **out,
			  int *busy, char *note, size_t notelen,
			  char *err, size_t errlen)
{
	struct mw_state *st;
	struct stat sb;
	char why[512], v[64], moved[128];
	mode_t old;
	enum mw_err e;
	int ok, exists;

	*out = NULL;
	*busy = 0;
	note[0] = '\0';
	old = umask(077);
	e = check_dir(dir, err, errlen);
	umask(old);
	if (e)
		return e;
	st = calloc(1, sizeof(*st));
	if (!st || !(st->dir = strdup(dir))) {
		free(st);
		return MW_ERR_NOMEM;
	}
	st->now = now;
	st->lockfd = -1;
	st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->dirfd < 0) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return fail_open(st, mw_err_from_errno(errno));
	}
	st->lockfd = openat(st->dirfd, MW_STATE_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW |
			    O_CLOEXEC, 0600);
	if (st->lockfd < 0) {
		seterr(err, errlen, "%s/%s: %s", dir, MW_STATE_LOCK, strerror(errno));
		return fail_open(st, mw_err_from_errno(errno));
	}
	if (flock(st->lockfd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			*busy = 1;
		seterr(err, errlen, "%s/%s: %s", dir, MW_STATE_LOCK, *busy ?
		       "another mailwarden run holds the lock; try again when it has finished"
		       : strerror(errno));
		return fail_open(st, MW_ERR_IO);
	}
	exists = fstatat(st->dirfd, MW_STATE_DB, &sb, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && !S_ISREG(sb.st_mode)) {
		seterr(err, errlen, "%s/%s: not a regular file; remove it", dir, MW_STATE_DB);
		return fail_open(st, MW_ERR_NOTREG);
	}
	old = umask(077);
	ok = open_db(st, !exists, err, errlen) == 0 ? validate(st->db, why, sizeof(why)) : -2;
	if (ok == -1) {
		sqlite3_close(st->db);
		st->db = NULL;
		if (move_aside(st, moved, sizeof(moved)) != 0) {
			seterr(err, errlen, "%s/%s is unusable (%s) and cannot be moved aside: %s",
			       dir, MW_STATE_DB, why, strerror(errno));
			umask(old);
			return fail_open(st, MW_ERR_IO);
		}
		snprintf(note, notelen, "state file %s/%s was unusable (%s); moved to %s "
			 "and started fresh: every current finding is reported as new",
			 dir, MW_STATE_DB, why, moved);
		ok = open_db(st, 1, err, errlen) == 0 ? 0 : -2;
	}
	umask(old);
	if (ok == -2)
		return fail_open(st, MW_ERR_IO);
	if (ok == 0 && (exec_sql(st->db, schema_sql) ||
			meta_set(st->db, "schema", MW_STATE_SCHEMA) || meta_set(st->db, "run", 0))) {
		seterr(err, errlen, "%s/%s: cannot create the tables: %s", dir, MW_STATE_DB,
		       sqlite3_errmsg(st->db));
		return fail_open(st, MW_ERR_IO);
	}
	if (exec_sql(st->db, "BEGIN IMMEDIATE") ||
	    query_text(st->db, "SELECT value FROM meta WHERE key = 'run'", v, sizeof(v))) {
		seterr(err, errlen, "%s/%s: %s", dir, MW_STATE_DB, sqlite3_errmsg(st->db));
		return fail_open(st, MW_ERR_IO);
	}
	st->run = atoll(v) + 1;
	if (meta_set(st->db, "run", st->run)) {
		seterr(err, errlen, "%s/%s: %s", dir, MW_STATE_DB, sqlite3_errmsg(st->db));
		return fail_open(st, MW_ERR_IO);
	}
	*out = st;
	return MW_OK;
}

static void bind_opt_int(sqlite3_stmt *s, int i, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

static int prepare_once(sqlite3 *db, sqlite3_stmt **q, const char *sql)
{
	if (*q) {
		sqlite3_reset(*q);
		sqlite3_clear_bindings(*q);
		return 0;
	}
	return sqlite3_prepare_v2(db, sql, -1, q, NULL) == SQLITE_OK ? 0 : -1;
}

enum mw_err mw_state_observe(struct mw_state *st, const struct mw_state_item *it,
			     enum mw_state_status *status)
{
	sqlite3_stmt *s;
	int rc, found = 0, resolved = 0, acked = 0;

	if (prepare_once(st->db, &st->q_get, "SELECT resolved_at IS NOT NULL, acked "
			 "FROM findings WHERE id = ?"))
		return MW_ERR_IO;
	s = st->q_get;
	sqlite3_bind_text(s, 1, it->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		found = 1;
		resolved = sqlite3_column_int(s, 0);
		acked = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return MW_ERR_IO;
	if (!found || resolved) {
		*status = MW_STATE_NEW;
		rc = prepare_once(st->db, &st->q_insert,
			"INSERT OR REPLACE INTO findings(id, check_name, rule_id, title, path, "
			"severity, file_size, file_mtime, first_seen, last_seen, last_run, "
			"resolved_at, acked) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, "
			"NULL, 0)");
		s = st->q_insert;
	} else {
		*status = acked ? MW_STATE_ACKED : MW_STATE_SEEN;
		rc = prepare_once(st->db, &st->q_update,
			"UPDATE findings SET check_name = ?2, rule_id = ?3, title = ?4, "
			"path = ?5, severity = ?6, file_size = ?7, file_mtime = ?8, "
			"last_seen = ?9, last_run = ?10 WHERE id = ?1");
		s = st->q_update;
	}
	if (rc)
		return MW_ERR_IO;
	sqlite3_bind_text(s, 1, it->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, it->check, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, it->rule_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, it->title, -1, SQLITE_STATIC);
	if (it->path)
		sqlite3_bind_text(s, 5, it->path, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 5);
	sqlite3_bind_int(s, 6, (int)it->severity);
	bind_opt_int(s, 7, it->file_size);
	bind_opt_int(s, 8, it->file_mtime);
	sqlite3_bind_int64(s, 9, st->now);
	sqlite3_bind_int64(s, 10, st->run);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	/* SQLITE_STATIC bindings must not outlive the caller's strings. */
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? MW_OK : MW_ERR_IO;
}

/* Is a scan finding's file still there, unchanged since it was recorded? */
static int file_unchanged(const char *path, sqlite3_stmt *s)
{
	struct stat sb;

	if (sqlite3_column_type(s, 6) == SQLITE_NULL || sqlite3_column_type(s, 7) == SQLITE_NULL)
		return 0;
	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 0;
	return (int64_t)sb.st_size == sqlite3_column_int64(s, 6) &&
	       (int64_t)sb.st_mtime == sqlite3_column_int64(s, 7);
}

enum mw_err mw_state_sweep(struct mw_state *st, const char *const *ran, size_t nran,
			   mw_state_resolved_fn cb, void *arg, size_t *nresolved)
{
	sqlite3_stmt *s, *u;
	size_t i;
	int rc;

	*nresolved = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT id, check_name, rule_id, title, path, severity, "
			       "file_size, file_mtime, first_seen FROM findings "
			       "WHERE resolved_at IS NULL AND last_run < ?", -1, &s, NULL) != SQLITE_OK)
		return MW_ERR_IO;
	if (sqlite3_prepare_v2(st->db, "UPDATE findings SET resolved_at = ? WHERE id = ?",
			       -1, &u, NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return MW_ERR_IO;
	}
	sqlite3_bind_int64(s, 1, st->run);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mw_state_item it;
		const char *check = (const char *)sqlite3_column_text(s, 1);
		int in_run = 0;

		for (i = 0; check && i < nran; i++)
			in_run |= strcmp(ran[i], check) == 0;
		if (!in_run)
			continue;
		memset(&it, 0, sizeof(it));
		it.id = (const char *)sqlite3_column_text(s, 0);
		it.check = check;
		it.rule_id = (const char *)sqlite3_column_text(s, 2);
		it.title = (const char *)sqlite3_column_text(s, 3);
		it.path = (const char *)sqlite3_column_text(s, 4);
		it.severity = (enum mw_severity)sqlite3_column_int(s, 5);
		it.file_size = sqlite3_column_type(s, 6) == SQLITE_NULL ? -1 :
			       sqlite3_column_int64(s, 6);
		it.file_mtime = sqlite3_column_type(s, 7) == SQLITE_NULL ? -1 :
				sqlite3_column_int64(s, 7);
		if (!strcmp(check, "scan") && it.path && file_unchanged(it.path, s))
			continue;
		sqlite3_reset(u);
		sqlite3_bind_int64(u, 1, st->now);
		sqlite3_bind_text(u, 2, it.id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(u) != SQLITE_DONE) {
			rc = SQLITE_ERROR;
			break;
		}
		(*nresolved)++;
		if (cb)
			cb(arg, &it, sqlite3_column_int64(s, 8));
	}
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	return rc == SQLITE_DONE ? MW_OK : MW_ERR_IO;
}

static int is_hex_id(const char *id)
{
	size_t n = strlen(id), i;

	if (n < 6 || n > 16)
		return 0;
	for (i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return 1;
}

enum mw_err mw_state_ack(struct mw_state *st, const char *id, char *title,
			 size_t titlelen, char *err, size_t errlen)
{
	char full[32] = "";
	sqlite3_stmt *s;
	int rc, n = 0;

	if (!is_hex_id(id)) {
		seterr(err, errlen, "'%s' is not a finding id (6 to 16 hex digits, as shown "
		       "in the report's details.finding_id)", id);
		return MW_ERR_USAGE;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT id, title FROM findings WHERE "
			       "resolved_at IS NULL AND substr(id, 1, length(?1)) = ?1",
			       -1, &s, NULL) != SQLITE_OK)
		return MW_ERR_IO;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n++ == 0) {
			snprintf(full, sizeof(full), "%s", (const char *)sqlite3_column_text(s, 0));
			if (title)
				snprintf(title, titlelen, "%s",
					 (const char *)sqlite3_column_text(s, 1));
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return MW_ERR_IO;
	if (n == 0 && strlen(id) == MW_FINDING_HEX) {
		/* Seen by a full audit but not yet by a nightly run: remember the
		 * acknowledgement so the first nightly run stays quiet about it. */
		if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO findings(id, check_name, "
				       "rule_id, title, severity, first_seen, last_seen, last_run, "
				       "acked, acked_at) VALUES(?1, '', '', "
				       "'(acknowledged before a nightly run saw it)', 0, ?2, ?2, ?3, "
				       "1, ?2)", -1, &s, NULL) != SQLITE_OK)
			return MW_ERR_IO;
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, st->now);
		sqlite3_bind_int64(s, 3, st->run);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (title)
			snprintf(title, titlelen, "not seen by a nightly run yet; it will not be "
				 "reported when it is");
		return rc == SQLITE_DONE ? MW_OK : MW_ERR_IO;
	}
	if (n != 1) {
		if (n)
			seterr(err, errlen, "'%s' matches %d open findings; give more digits",
			       id, n);
		else
			seterr(err, errlen, "no open finding with id '%s' (ids are shown in "
			       "details.finding_id of the audit report)", id);
		return MW_ERR_USAGE;
	}
	if (sqlite3_prepare_v2(st->db, "UPDATE findings SET acked = 1, acked_at = ? WHERE id = ?",
			       -1, &s, NULL) != SQLITE_OK)
		return MW_ERR_IO;
	sqlite3_bind_int64(s, 1, st->now);
	sqlite3_bind_text(s, 2, full, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? MW_OK : MW_ERR_IO;
}

/* Is sig a word of the space-separated list? */
static int in_list(const char *list, const char *sig)
{
	size_t n = strlen(sig);
	const char *p = list;

	while ((p = strstr(p, sig))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

size_t mw_state_new_errors(struct mw_state *st, const char *const *sigs, size_t n)
{
	char *prev = NULL;
	sqlite3_stmt *s;
	struct mw_buf cur;
	size_t i, fresh = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = 'errors'", -1, &s,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			prev = strdup((const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	mw_buf_init(&cur, 1u << 20);
	for (i = 0; i < n; i++) {
		fresh += !prev || !in_list(prev, sigs[i]);
		mw_buf_printf(&cur, "%s%s", i ? " " : "", sigs[i]);
	}
	free(prev);
	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta(key, value) "
			       "VALUES('errors', ?)", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, mw_buf_str(&cur), -1, SQLITE_STATIC);
		sqlite3_step(s);
		sqlite3_finalize(s);
	}
	mw_buf_free(&cur);
	return fresh;
}

void mw_state_counts(struct mw_state *st, size_t *open, size_t *acked)
{
	sqlite3_stmt *s;

	*open = *acked = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*), coalesce(sum(acked), 0) FROM findings "
			       "WHERE resolved_at IS NULL", -1, &s, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*open = (size_t)sqlite3_column_int64(s, 0);
		*acked = (size_t)sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
}

enum mw_err mw_state_close(struct mw_state *st, int commit)
{
	enum mw_err e = MW_OK;

	if (!st)
		return MW_OK;
	if (commit && exec_sql(st->db, "COMMIT"))
		e = MW_ERR_IO;
	if (!commit || e)
		exec_sql(st->db, "ROLLBACK");
	fail_open(st, MW_OK);	/* closes the lock: the next run may start */
	return e;
}
