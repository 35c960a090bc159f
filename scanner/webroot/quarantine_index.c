#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/db.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "scanner/webroot/quarantine.h"
#include "scanner/webroot/quarantine_impl.h"
#include "scanner/webroot/quarantine_meta.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" path TEXT NOT NULL, uid INTEGER, gid INTEGER, mode INTEGER,"
	" atime_ns INTEGER, mtime_ns INTEGER, size INTEGER, sha256 TEXT,"
	" rules TEXT, quarantined_at INTEGER, state TEXT NOT NULL,"
	" hashed INTEGER NOT NULL DEFAULT 0);";

static void add_msg(struct mw_strlist *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_msg(struct mw_strlist *l, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)mw_strlist_add(l, msg);
}

/* mkdir -p; the last component 0700. */
static int mkdir_p(const char *dir)
{
	char tmp[MW_MAX_PATH];
	size_t i, l = strlen(dir);

	if (l == 0 || l >= sizeof(tmp))
		return -1;
	memcpy(tmp, dir, l + 1);
	for (i = 1; i < l; i++) {
		if (tmp[i] != '/')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		tmp[i] = '/';
	}
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* "<digits>.<ext>" -> id, else 0. */
static long long id_of_name(const char *name, const char *ext)
{
	char *end;
	long long id;

	if (name[0] < '1' || name[0] > '9')
		return 0;
	errno = 0;
	id = strtoll(name, &end, 10);
	if (errno || *end != '.' || strcmp(end + 1, ext) != 0)
		return 0;
	return id;
}

/* ------------------------------------------------------------------ */
/* Index: check, rebuild, recover                                      */

struct row {
	char *path, *sha256, *rules, *state;
	int64_t size;
	uint64_t hashed;
};

static void row_clear(struct row *r)
{
	free(r->path);
	free(r->sha256);
	free(r->rules);
	free(r->state);
	memset(r, 0, sizeof(*r));
}

char *mw_q_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return strdup(t ? (const char *)t : "");
}

static int load_row(struct mw_quarantine *q, long long id, struct row *r)
{
	sqlite3_stmt *st;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (sqlite3_prepare_v2(q->db, "SELECT path, sha256, rules, state, size, hashed"
			       " FROM items WHERE id=?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->path = mw_q_col_dup(st, 0);
		r->sha256 = mw_q_col_dup(st, 1);
		r->rules = mw_q_col_dup(st, 2);
		r->state = mw_q_col_dup(st, 3);
		r->size = sqlite3_column_int64(st, 4);
		r->hashed = (uint64_t)sqlite3_column_int64(st, 5);
		rc = r->path && r->sha256 && r->rules && r->state ? 0 : -1;
	}
	sqlite3_finalize(st);
	if (rc)
		row_clear(r);
	return rc;
}

/* Drop the record and everything of it in the directory. */
void mw_q_forget(struct mw_quarantine *q, long long id, int unlink_copy)
{
	char name[64];

	if (unlink_copy) {
		mw_q_name(name, sizeof(name), id, "q");
		(void)unlinkat(q->dfd, name, 0);
	}
	mw_q_name(name, sizeof(name), id, "meta");
	(void)unlinkat(q->dfd, name, 0);
	(void)fsync(q->dfd);
	(void)mw_q_delete_row(q, id);
}

/*
 * A record left "moving": finish it when a complete copy is in quarantine
 * and the original is gone (or differs: our copy is the evidence); roll it
 * back when the original is still there with the recorded bytes.
 */
static void recover_one(struct mw_quarantine *q, long long id)
{
	char name[64], base[NAME_MAX + 1];
	struct row r;
	struct stat ost, qst;
	int qfd = -1, pfd = -1, ofd = -1, complete = 0, orig = 0, orig_same = 0;

	if (load_row(q, id, &r) < 0)
		return;
	mw_q_name(name, sizeof(name), id, "q");
	qfd = openat(q->dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (qfd >= 0)
		complete = mw_q_copy_matches(qfd, r.sha256, r.hashed, r.size);
	if (mw_q_open_parent(q, r.path, &pfd, base, sizeof(base)) == MW_OK &&
	    fstatat(pfd, base, &ost, AT_SYMLINK_NOFOLLOW) == 0) {
		orig = 1;
		if (S_ISREG(ost.st_mode) &&
		    mw_open_regular_at(pfd, base, &ofd, &ost) == MW_OK) {
			orig_same = mw_q_copy_matches(ofd, r.sha256, r.hashed, r.size) &&
				    !(qfd >= 0 && fstat(qfd, &qst) == 0 &&
				      qst.st_dev == ost.st_dev && qst.st_ino == ost.st_ino);
			close(ofd);
		}
	}
	if (complete && !orig_same) {
		if (mw_q_lock_down(qfd) < 0 || mw_q_set_state(q, id, "quarantined") < 0) {
			add_msg(&q->problems, "id %lld (%s): interrupted quarantine "
				"could not be finished: %s", id, r.path,
				sqlite3_errmsg(q->db));
		} else {
			add_msg(&q->notes, "finished the interrupted quarantine of %s "
				"as id %lld", r.path, id);
			if (orig)
				add_msg(&q->notes, "id %lld: %s exists again (another "
					"file): kept the quarantined copy", id, r.path);
		}
	} else if (orig_same || (orig && !complete)) {
		mw_q_forget(q, id, 1);
		add_msg(&q->notes, "rolled back the interrupted quarantine of %s "
			"(id %lld): the file is still in place", r.path, id);
	} else {
		mw_q_set_state(q, id, "damaged");
		add_msg(&q->problems, "id %lld (%s): interrupted quarantine left "
			"neither the original nor a complete copy", id, r.path);
	}
	if (qfd >= 0)
		close(qfd);
	if (pfd >= 0)
		close(pfd);
	row_clear(&r);
}

/* Ids of the records in state, after `after`, at most 256. */
static size_t ids_in_state(struct mw_quarantine *q, const char *state, long long after,
			   long long ids[256])
{
	sqlite3_stmt *st;
	size_t n = 0;

	if (sqlite3_prepare_v2(q->db, "SELECT id FROM items WHERE state=? AND id>?"
			       " ORDER BY id LIMIT 256", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	while (n < 256 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void recover_moving(struct mw_quarantine *q)
{
	long long ids[256], last = 0;
	size_t n, i;

	do {
		n = ids_in_state(q, "moving", last, ids);
		for (i = 0; i < n; i++)
			recover_one(q, ids[i]);
		if (n)
			last = ids[n - 1];
	} while (n == 256);
}

/*
 * A record left "restoring": finished when the original path holds the
 * recorded bytes again (the stored copy and .meta go), rolled back when the
 * stored copy is still whole (locked down again: a restore on the same
 * filesystem gives it back its owner and mode before the rename).
 */
static void recover_restore(struct mw_quarantine *q, long long id)
{
	char name[64], mname[64], base[NAME_MAX + 1];
	struct row r;
	struct stat st;
	int pfd = -1, fd = -1, qfd, back = 0;

	if (load_row(q, id, &r) < 0)
		return;
	mw_q_name(name, sizeof(name), id, "q");
	mw_q_name(mname, sizeof(mname), id, "meta");
	if (mw_q_open_parent(q, r.path, &pfd, base, sizeof(base)) == MW_OK &&
	    mw_open_regular_at(pfd, base, &fd, &st) == MW_OK) {
		back = mw_q_copy_matches(fd, r.sha256, r.hashed, r.size);
		close(fd);
	}
	if (pfd >= 0)
		close(pfd);
	qfd = openat(q->dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (back && mw_q_set_state(q, id, "restored") == 0) {
		if (qfd >= 0)
			(void)unlinkat(q->dfd, name, 0);
		(void)unlinkat(q->dfd, mname, 0);
		(void)fsync(q->dfd);
		add_msg(&q->notes, "finished the interrupted restore of %s (id %lld)",
			r.path, id);
	} else if (!back && qfd >= 0 && mw_q_copy_matches(qfd, r.sha256, r.hashed, r.size) &&
		   mw_q_lock_down(qfd) == 0 && mw_q_set_state(q, id, "quarantined") == 0) {
		add_msg(&q->notes, "rolled back the interrupted restore of %s (id %lld): "
			"still in quarantine", r.path, id);
	} else if (!back) {
		(void)mw_q_set_state(q, id, "damaged");
		add_msg(&q->problems, "id %lld (%s): interrupted restore left neither "
			"the file at its path nor a complete stored copy", id, r.path);
	}
	if (qfd >= 0)
		close(qfd);
	row_clear(&r);
}

/* A "quarantined" record whose stored file is gone (by hand): said. */
static void check_one_stored(struct mw_quarantine *q, long long id)
{
	char name[64];

	mw_q_name(name, sizeof(name), id, "q");
	if (faccessat(q->dfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		return;
	(void)mw_q_set_state(q, id, "damaged");
	add_msg(&q->problems, "id %lld: the stored copy %s is missing", id, name);
}

static void check_stored(struct mw_quarantine *q)
{
	long long ids[256], last = 0;
	size_t n, i;

	do {
		n = ids_in_state(q, "restoring", last, ids);
		for (i = 0; i < n; i++)
			recover_restore(q, ids[i]);
		if (n)
			last = ids[n - 1];
	} while (n == 256);
	last = 0;
	do {
		n = ids_in_state(q, "quarantined", last, ids);
		for (i = 0; i < n; i++)
			check_one_stored(q, ids[i]);
		if (n)
			last = ids[n - 1];
	} while (n == 256);
}

static int row_exists(struct mw_quarantine *q, long long id)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(q->db, "SELECT 1 FROM items WHERE id=?", -1, &st,
			       NULL) != SQLITE_OK)
		return 1;	/* cannot tell: do not import twice */
	sqlite3_bind_int64(st, 1, id);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* A .meta without a record goes back in as "moving"; recover_moving()
 * then decides from what is on disk. */
static int import_meta(struct mw_quarantine *q, const struct mw_qmeta *m)
{
	sqlite3_stmt *ins;
	int rc;

	if (sqlite3_prepare_v2(q->db, "INSERT INTO items(id, path, uid, gid, mode,"
			       " atime_ns, mtime_ns, size, sha256, rules, quarantined_at,"
			       " state, hashed) VALUES(?,?,?,?,?,?,?,?,?,?,?,'moving',?)",
			       -1, &ins, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(ins, 1, m->id);
	sqlite3_bind_text(ins, 2, m->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, m->uid);
	sqlite3_bind_int64(ins, 4, m->gid);
	sqlite3_bind_int64(ins, 5, m->mode);
	sqlite3_bind_int64(ins, 6, m->atime_ns);
	sqlite3_bind_int64(ins, 7, m->mtime_ns);
	sqlite3_bind_int64(ins, 8, m->size);
	sqlite3_bind_text(ins, 9, m->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 10, m->rules, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 11, m->when);
	sqlite3_bind_int64(ins, 12, (sqlite3_int64)m->hashed);
	rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(ins);
	return rc;
}

/* Every <id>.meta without a record is imported; a <id>.q with neither is
 * reported. Also notes the highest id on disk, so that a new record never
 * collides with a stored file. */
static void import_from_disk(struct mw_quarantine *q, int fresh)
{
	DIR *d;
	struct dirent *de;
	struct mw_qmeta m;
	unsigned long imported = 0, bad = 0, orphans = 0;
	int fd = openat(q->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long long id;
	char name[64];

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		add_msg(&q->problems, "cannot list the quarantine directory: %s",
			strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		if ((id = id_of_name(de->d_name, "meta")) > 0) {
			if (id > q->disk_max_id)
				q->disk_max_id = id;
			if (row_exists(q, id))
				continue;
			if (mw_qmeta_load(q->dfd, de->d_name, &m) < 0 || m.id != id) {
				bad++;
				continue;
			}
			if (import_meta(q, &m) == 0)
				imported++;
			mw_qmeta_clear(&m);
		} else if ((id = id_of_name(de->d_name, "q")) > 0) {
			if (id > q->disk_max_id)
				q->disk_max_id = id;
			mw_q_name(name, sizeof(name), id, "meta");
			if (!row_exists(q, id) && faccessat(q->dfd, name, F_OK,
							     AT_SYMLINK_NOFOLLOW) < 0)
				orphans++;
		}
	}
	closedir(d);
	if (imported)
		add_msg(&q->problems, "%s: %lu quarantined file(s) had no record "
			"(index %s): rebuilt from their .meta files", MW_QUARANTINE_INDEX,
			imported, fresh ? "empty or new" : "incomplete");
	if (bad)
		add_msg(&q->problems, "%lu unreadable .meta file(s) in the quarantine "
			"directory", bad);
	if (orphans)
		add_msg(&q->problems, "%lu stored file(s) (<id>.q) with neither a "
			"record nor a .meta file: restore them by hand", orphans);
}

/* "ok", or why the database is not usable. */
static int index_check(sqlite3 *db, char *why, size_t n)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(why, n, "%s", sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(st);
	t = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	if (!t || strcmp((const char *)t, "ok") != 0) {
		snprintf(why, n, "%s", t ? (const char *)t : sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Move a damaged index aside under a name nothing else has. */
static int move_aside(int dfd, const char *name, char *out, size_t outlen)
{
	char dst[NAME_MAX + 1];
	time_t now = time(NULL);
	int i;

	for (i = 0; i < 1000; i++) {
		if (i == 0)
			snprintf(dst, sizeof(dst), "%s.broken-%lld", name, (long long)now);
		else
			snprintf(dst, sizeof(dst), "%s.broken-%lld.%d", name,
				 (long long)now, i);
		if (renameat2(dfd, name, dfd, dst, RENAME_NOREPLACE) == 0) {
			snprintf(out, outlen, "%s", dst);
			return 0;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static int db_open(const char *path, sqlite3 **db)
{
	if (mw_db_open(path, 0, 5000, db, NULL, 0) != MW_OK)
		return -1;
	/* the commit of "moving" must be on disk before the file moves */
	return sqlite3_exec(*db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) ==
	       SQLITE_OK ? 0 : -1;
}

static int has_items_table(sqlite3 *db)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table'"
			       " AND name='items'", -1, &st, NULL) != SQLITE_OK)
		return 0;
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/*
 * Open index.sqlite; a damaged one (not a database, quick_check not "ok")
 * is moved aside with its journal and a new one created. *fresh: the index
 * had no table yet (new, empty, or replaced).
 */
static enum mw_err index_open(struct mw_quarantine *q, const char *dir,
			      int *fresh, char *err, size_t errlen)
{
	char path[MW_MAX_PATH], why[512] = "", aside[NAME_MAX + 1];
	int ifd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, MW_QUARANTINE_INDEX) >=
	    sizeof(path)) {
		mw_q_err(err, errlen, "%s: path too long", dir);
		return MW_ERR_CONFIG;
	}
	ifd = openat(q->dfd, MW_QUARANTINE_INDEX, O_RDWR | O_CREAT | O_NOFOLLOW |
		     O_CLOEXEC, 0600);
	if (ifd < 0) {
		mw_q_err(err, errlen, "%s: %s", path, strerror(errno));
		return MW_ERR_IO;
	}
	close(ifd);
	if (db_open(path, &q->db) < 0 || index_check(q->db, why, sizeof(why)) < 0) {
		if (q->db && !why[0])
			snprintf(why, sizeof(why), "%s", sqlite3_errmsg(q->db));
		else if (!q->db)
			snprintf(why, sizeof(why), "cannot open");
		sqlite3_close(q->db);
		q->db = NULL;
		if (move_aside(q->dfd, MW_QUARANTINE_INDEX, aside, sizeof(aside)) < 0) {
			mw_q_err(err, errlen, "%s is damaged (%s) and cannot be moved "
				"aside: %s", path, why, strerror(errno));
			return MW_ERR_IO;
		}
		{
			char j[NAME_MAX + 1], ja[NAME_MAX + 1];

			snprintf(j, sizeof(j), "%s-journal", MW_QUARANTINE_INDEX);
			if (faccessat(q->dfd, j, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
				(void)move_aside(q->dfd, j, ja, sizeof(ja));
		}
		add_msg(&q->problems, "%s is damaged (%s): moved aside as %s, "
			"rebuilding the index from the .meta files", MW_QUARANTINE_INDEX,
			why, aside);
		ifd = openat(q->dfd, MW_QUARANTINE_INDEX, O_RDWR | O_CREAT | O_EXCL |
			     O_NOFOLLOW | O_CLOEXEC, 0600);
		if (ifd >= 0)
			close(ifd);
		if (ifd < 0 || db_open(path, &q->db) < 0) {
			mw_q_err(err, errlen, "%s: %s", path, q->db ? sqlite3_errmsg(q->db) :
				strerror(errno));
			return MW_ERR_IO;
		}
	}
	*fresh = !has_items_table(q->db);
	if (sqlite3_exec(q->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		mw_q_err(err, errlen, "%s: %s", path, sqlite3_errmsg(q->db));
		return MW_ERR_IO;
	}
	/* indexes from before "hashed": the column defaults to 0 (whole file) */
	(void)sqlite3_exec(q->db, "ALTER TABLE items ADD COLUMN hashed INTEGER NOT NULL"
			   " DEFAULT 0", NULL, NULL, NULL);
	return MW_OK;
}

enum mw_err mw_quarantine_open(const char *dir, struct mw_quarantine **out,
			       char *err, size_t errlen)
{
	struct mw_quarantine *q;
	struct stat st;
	enum mw_err e;
	int fd, fresh = 0;

	*out = NULL;
	if (!dir || dir[0] != '/') {
		mw_q_err(err, errlen, "quarantine_dir must be an absolute path");
		return MW_ERR_CONFIG;
	}
	if (mkdir_p(dir) < 0) {
		mw_q_err(err, errlen, "%s: %s", dir, strerror(errno));
		return MW_ERR_IO;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		mw_q_err(err, errlen, "%s: not a directory (or a symlink)", dir);
		return MW_ERR_IO;
	}
	if (st.st_uid != geteuid()) {
		mw_q_err(err, errlen, "%s: owned by uid %lu, not by us", dir,
			(unsigned long)st.st_uid);
		return MW_ERR_IO;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0700) < 0) {
		mw_q_err(err, errlen, "%s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return MW_ERR_IO;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		close(fd);
		return MW_ERR_NOMEM;
	}
	q->dfd = fd;
	q->rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (q->rootfd < 0) {
		mw_q_err(err, errlen, "/: %s", strerror(errno));
		mw_quarantine_close(q);
		return MW_ERR_IO;
	}
	/* one run at a time: a second one waits instead of failing on
	 * "database is locked" halfway through its moves */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK || flock(fd, LOCK_EX) < 0) {
			mw_q_err(err, errlen, "%s: cannot lock: %s", dir, strerror(errno));
			mw_quarantine_close(q);
			return MW_ERR_IO;
		}
		add_msg(&q->notes, "waited for another run using %s", dir);
	}
	e = index_open(q, dir, &fresh, err, errlen);
	if (e) {
		mw_quarantine_close(q);
		return e;
	}
	import_from_disk(q, fresh);
	recover_moving(q);
	check_stored(q);
	*out = q;
	return MW_OK;
}

const struct mw_strlist *mw_quarantine_notes(const struct mw_quarantine *q)
{
	return &q->notes;
}

const struct mw_strlist *mw_quarantine_problems(const struct mw_quarantine *q)
{
	return &q->problems;
}

void mw_quarantine_close(struct mw_quarantine *q)
{
	if (!q)
		return;
	if (q->db)
		sqlite3_close(q->db);
	if (q->rootfd >= 0)
		close(q->rootfd);
	close(q->dfd);	/* releases the flock */
	mw_strlist_clear(&q->notes);
	mw_strlist_clear(&q->problems);
	free(q);
}

