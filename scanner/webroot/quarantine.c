#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "scanner/webroot/quarantine.h"

struct mw_quarantine {
	int dfd;
	int rootfd;
	sqlite3 *db;
};

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" path TEXT NOT NULL, uid INTEGER, gid INTEGER, mode INTEGER,"
	" atime_ns INTEGER, mtime_ns INTEGER, size INTEGER, sha256 TEXT,"
	" rules TEXT, quarantined_at INTEGER, state TEXT NOT NULL);";

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
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

enum mw_err mw_quarantine_open(const char *dir, struct mw_quarantine **out,
			       char *err, size_t errlen)
{
	struct mw_quarantine *q;
	struct stat st;
	int fd;

	*out = NULL;
	if (!dir || dir[0] != '/') {
		set_err(err, errlen, "quarantine_dir must be an absolute path");
		return MW_ERR_CONFIG;
	}
	if (mkdir_p(dir) < 0) {
		set_err(err, errlen, "%s: %s", dir, strerror(errno));
		return MW_ERR_IO;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		set_err(err, errlen, "%s: not a directory (or a symlink)", dir);
		return MW_ERR_IO;
	}
	if (st.st_uid != geteuid()) {
		set_err(err, errlen, "%s: owned by uid %lu, not by us", dir,
			(unsigned long)st.st_uid);
		return MW_ERR_IO;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0700) < 0) {
		set_err(err, errlen, "%s: %s", dir, strerror(errno));
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
	{
		char path[MW_MAX_PATH];
		int ifd;

		snprintf(path, sizeof(path), "%s/%s", dir, MW_QUARANTINE_INDEX);
		ifd = openat(fd, MW_QUARANTINE_INDEX, O_RDWR | O_CREAT | O_NOFOLLOW |
			     O_CLOEXEC, 0600);
		if (ifd >= 0)
			close(ifd);
		if (ifd < 0 || q->rootfd < 0 ||
		    sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE |
				    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK ||
		    sqlite3_exec(q->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
			set_err(err, errlen, "%s: %s", path, q->db ? sqlite3_errmsg(q->db) :
				strerror(errno));
			mw_quarantine_close(q);
			return MW_ERR_IO;
		}
		sqlite3_busy_timeout(q->db, 5000);
	}
	*out = q;
	return MW_OK;
}

void mw_quarantine_close(struct mw_quarantine *q)
{
	if (!q)
		return;
	if (q->db)
		sqlite3_close(q->db);
	if (q->rootfd >= 0)
		close(q->rootfd);
	close(q->dfd);
	free(q);
}

/* Open the parent directory of an absolute path from "/" without
 * following any symlink; base receives the last component. */
static enum mw_err open_parent(struct mw_quarantine *q, const char *path,
			       int *pfd, char *base, size_t baselen)
{
	char dir[MW_MAX_PATH];
	const char *slash = strrchr(path, '/');

	if (path[0] != '/' || !slash || !slash[1] || strlen(slash + 1) >= baselen)
		return MW_ERR_USAGE;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	snprintf(base, baselen, "%s", slash + 1);
	return mw_open_beneath(q->rootfd, dir[0] ? dir : "/", 1, pfd, NULL);
}

static int copy_fd(int from, int to)
{
	char buf[65536];
	ssize_t r, w, off;

	if (lseek(from, 0, SEEK_SET) != 0)
		return -1;
	for (;;) {
		r = read(from, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		for (off = 0; off < r; off += w) {
			w = write(to, buf + off, (size_t)(r - off));
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0)
				return -1;
		}
	}
	return fsync(to);
}

static int hash_at(int dirfd, const char *name, char out[65])
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = mw_sha256_fd(fd, out) == MW_OK ? 0 : -1;
	close(fd);
	return rc;
}

/* Copy fd to dirfd/name (new file, mode), fsync, verify hash. */
static int copy_verified(int fd, int dirfd, const char *name, mode_t mode,
			 const char *sha)
{
	char got[65];
	int out;

	out = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		     O_CLOEXEC, mode);
	if (out < 0)
		return -1;
	if (copy_fd(fd, out) < 0) {
		close(out);
		unlinkat(dirfd, name, 0);
		return -1;
	}
	close(out);
	if (hash_at(dirfd, name, got) < 0 || strcmp(got, sha) != 0) {
		unlinkat(dirfd, name, 0);
		errno = EIO;
		return -1;
	}
	return 0;
}

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void delete_row(struct mw_quarantine *q, long long id)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(q->db, "DELETE FROM items WHERE id=?", -1, &st, NULL)
	    == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
}

enum mw_err mw_quarantine_file(struct mw_quarantine *q, const char *path,
			       dev_t dev, ino_t ino, const char *sha256,
			       const char *rules, long long *id,
			       char *err, size_t errlen)
{
	char base[NAME_MAX + 1], name[64], got[65];
	struct stat st, st2;
	sqlite3_stmt *ins = NULL;
	enum mw_err e;
	int pfd = -1, fd = -1, moved = 0;

	*id = 0;
	e = open_parent(q, path, &pfd, base, sizeof(base));
	if (e) {
		set_err(err, errlen, "cannot open the directory without following "
			"symlinks: %s", mw_strerror(e));
		return MW_ERR_IO;
	}
	e = mw_open_regular_at(pfd, base, &fd, &st);
	if (e) {
		set_err(err, errlen, "cannot open: %s", mw_strerror(e));
		goto fail;
	}
	if (st.st_dev != dev || st.st_ino != ino) {
		set_err(err, errlen, "the file was replaced since it was scanned");
		e = MW_ERR_IO;
		goto fail;
	}
	if (mw_sha256_fd(fd, got) || strcmp(got, sha256) != 0) {
		set_err(err, errlen, "the file changed since it was scanned");
		e = MW_ERR_IO;
		goto fail;
	}
	if (sqlite3_prepare_v2(q->db, "INSERT INTO items(path, uid, gid, mode, atime_ns,"
			       " mtime_ns, size, sha256, rules, quarantined_at, state)"
			       " VALUES(?,?,?,?,?,?,?,?,?,?,'moving')", -1, &ins, NULL)
	    != SQLITE_OK) {
		set_err(err, errlen, "index: %s", sqlite3_errmsg(q->db));
		e = MW_ERR_IO;
		goto fail;
	}
	sqlite3_bind_text(ins, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, st.st_uid);
	sqlite3_bind_int64(ins, 3, st.st_gid);
	sqlite3_bind_int64(ins, 4, st.st_mode & 07777);
	sqlite3_bind_int64(ins, 5, ns(&st.st_atim));
	sqlite3_bind_int64(ins, 6, ns(&st.st_mtim));
	sqlite3_bind_int64(ins, 7, st.st_size);
	sqlite3_bind_text(ins, 8, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 9, rules, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 10, (sqlite3_int64)time(NULL));
	if (sqlite3_step(ins) != SQLITE_DONE) {
		set_err(err, errlen, "index: %s", sqlite3_errmsg(q->db));
		sqlite3_finalize(ins);
		e = MW_ERR_IO;
		goto fail;
	}
	sqlite3_finalize(ins);
	*id = sqlite3_last_insert_rowid(q->db);
	snprintf(name, sizeof(name), "%lld.q", *id);

	/* never replace a stale "<id>.q" left by an index that was reset */
	if (renameat2(pfd, base, q->dfd, name, RENAME_NOREPLACE) == 0) {
		moved = 1;
		/* Renamed the file we checked, not one swapped in meanwhile? */
		if (fstatat(q->dfd, name, &st2, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st2.st_dev != dev || st2.st_ino != ino) {
			(void)renameat2(q->dfd, name, pfd, base, RENAME_NOREPLACE);
			set_err(err, errlen, "the file was replaced during the move");
			e = MW_ERR_IO;
			goto fail_row;
		}
	} else if (errno == EXDEV || errno == EINVAL) {
		/* other filesystem, or one without RENAME_NOREPLACE */
		if (copy_verified(fd, q->dfd, name, 0400, sha256) < 0) {
			set_err(err, errlen, "copy into quarantine failed: %s",
				strerror(errno));
			e = MW_ERR_IO;
			goto fail_row;
		}
		if (fstatat(pfd, base, &st2, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st2.st_dev != dev || st2.st_ino != ino || unlinkat(pfd, base, 0) < 0) {
			unlinkat(q->dfd, name, 0);
			set_err(err, errlen, "could not remove the original: %s",
				strerror(errno ? errno : EIO));
			e = MW_ERR_IO;
			goto fail_row;
		}
		moved = 1;
	} else {
		set_err(err, errlen, "cannot move into quarantine: %s", strerror(errno));
		e = MW_ERR_IO;
		goto fail_row;
	}
	/* Nothing executable or user-owned stays behind. */
	if (fchownat(q->dfd, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(q->dfd, name, 0400, 0) < 0) {
		set_err(err, errlen, "cannot lock down the quarantined copy: %s",
			strerror(errno));
		e = MW_ERR_IO;
		/* moved already: keep the record so it can be restored */
	}
	{
		sqlite3_stmt *up;

		if (sqlite3_prepare_v2(q->db, "UPDATE items SET state='quarantined' WHERE id=?",
				       -1, &up, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(up, 1, *id);
			sqlite3_step(up);
			sqlite3_finalize(up);
		}
	}
	close(fd);
	close(pfd);
	return e;
fail_row:
	if (!moved)
		delete_row(q, *id);
	*id = 0;
fail:
	if (fd >= 0)
		close(fd);
	close(pfd);
	return e ? e : MW_ERR_IO;
}

static void item_clear(struct mw_quarantine_item *it)
{
	free(it->path);
	free(it->sha256);
	free(it->rules);
	free(it->state);
	memset(it, 0, sizeof(*it));
}

static int load_item(struct mw_quarantine *q, long long id,
		     struct mw_quarantine_item *it)
{
	sqlite3_stmt *st;
	int rc = -1;

	memset(it, 0, sizeof(*it));
	if (sqlite3_prepare_v2(q->db, "SELECT id, path, uid, gid, mode, atime_ns, mtime_ns,"
			       " size, sha256, rules, quarantined_at, state FROM items"
			       " WHERE id=?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		it->id = sqlite3_column_int64(st, 0);
		it->path = strdup((const char *)sqlite3_column_text(st, 1));
		it->uid = (uid_t)sqlite3_column_int64(st, 2);
		it->gid = (gid_t)sqlite3_column_int64(st, 3);
		it->mode = (mode_t)sqlite3_column_int64(st, 4);
		it->atime_ns = sqlite3_column_int64(st, 5);
		it->mtime_ns = sqlite3_column_int64(st, 6);
		it->size = sqlite3_column_int64(st, 7);
		it->sha256 = strdup(sqlite3_column_text(st, 8) ?
				    (const char *)sqlite3_column_text(st, 8) : "");
		it->rules = strdup(sqlite3_column_text(st, 9) ?
				   (const char *)sqlite3_column_text(st, 9) : "");
		it->when = sqlite3_column_int64(st, 10);
		it->state = strdup((const char *)sqlite3_column_text(st, 11));
		rc = it->path && it->sha256 && it->rules && it->state ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

static void set_state(struct mw_quarantine *q, long long id, const char *state)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(q->db, "UPDATE items SET state=? WHERE id=?", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
}

/* Move dirfd/name to pfd/base without ever replacing an existing file. */
static int place_noreplace(int dirfd, const char *name, int pfd, const char *base)
{
	if (renameat2(dirfd, name, pfd, base, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* filesystem without RENAME_NOREPLACE: link fails on EEXIST too */
	if (linkat(dirfd, name, pfd, base, 0) < 0)
		return -1;
	unlinkat(dirfd, name, 0);
	return 0;
}

enum mw_err mw_quarantine_restore(struct mw_quarantine *q, long long id,
				  char *err, size_t errlen)
{
	struct mw_quarantine_item it;
	char base[NAME_MAX + 1], name[64], tmp[96], got[65];
	struct timespec times[2];
	struct stat st;
	enum mw_err e = MW_OK;
	int pfd = -1, fd = -1, src;

	if (load_item(q, id, &it) < 0) {
		item_clear(&it);
		set_err(err, errlen, "no quarantine record %lld", id);
		return MW_ERR_USAGE;
	}
	if (strcmp(it.state, "quarantined") != 0) {
		set_err(err, errlen, "record %lld is %s, nothing to restore", id, it.state);
		e = MW_ERR_USAGE;
		goto out;
	}
	snprintf(name, sizeof(name), "%lld.q", id);
	if (hash_at(q->dfd, name, got) < 0 || strcmp(got, it.sha256) != 0) {
		set_err(err, errlen, "stored copy %s missing or altered", name);
		e = MW_ERR_IO;
		goto out;
	}
	e = open_parent(q, it.path, &pfd, base, sizeof(base));
	if (e) {
		set_err(err, errlen, "%s: directory gone or reached through a symlink (%s)",
			it.path, mw_strerror(e));
		e = MW_ERR_IO;
		goto out;
	}
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
		set_err(err, errlen, "%s exists again: not overwriting it", it.path);
		e = MW_ERR_IO;
		goto out;
	}
	if (place_noreplace(q->dfd, name, pfd, base) < 0) {
		if (errno == EEXIST) {
			set_err(err, errlen, "%s exists again: not overwriting it", it.path);
			e = MW_ERR_IO;
			goto out;
		}
		if (errno != EXDEV) {
			set_err(err, errlen, "cannot move back: %s", strerror(errno));
			e = MW_ERR_IO;
			goto out;
		}
		/* other filesystem: copy beside the target, then place it */
		snprintf(tmp, sizeof(tmp), ".mailwarden-restore-%lld", id);
		src = openat(q->dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (src < 0 || copy_verified(src, pfd, tmp, 0600, it.sha256) < 0) {
			set_err(err, errlen, "copy back failed: %s", strerror(errno));
			if (src >= 0)
				close(src);
			e = MW_ERR_IO;
			goto out;
		}
		close(src);
		if (place_noreplace(pfd, tmp, pfd, base) < 0) {
			set_err(err, errlen, "%s: %s", it.path, errno == EEXIST ?
				"exists again: not overwriting it" : strerror(errno));
			unlinkat(pfd, tmp, 0);
			e = MW_ERR_IO;
			goto out;
		}
		unlinkat(q->dfd, name, 0);
	}
	fd = openat(pfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	times[0].tv_sec = (time_t)(it.atime_ns / 1000000000);
	times[0].tv_nsec = (long)(it.atime_ns % 1000000000);
	times[1].tv_sec = (time_t)(it.mtime_ns / 1000000000);
	times[1].tv_nsec = (long)(it.mtime_ns % 1000000000);
	/* chown first: it clears set-id bits that chmod then sets again */
	if (fd < 0 || fchown(fd, it.uid, it.gid) < 0 || fchmod(fd, it.mode & 07777) < 0 ||
	    futimens(fd, times) < 0) {
		set_err(err, errlen, "restored, but owner/mode/times not set: %s",
			strerror(errno));
		e = MW_ERR_IO;
	}
	set_state(q, id, "restored");
out:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	item_clear(&it);
	return e;
}

enum mw_err mw_quarantine_purge(struct mw_quarantine *q, long long id,
				char *err, size_t errlen)
{
	struct mw_quarantine_item it;
	char name[64];
	enum mw_err e = MW_OK;

	if (load_item(q, id, &it) < 0) {
		item_clear(&it);
		set_err(err, errlen, "no quarantine record %lld", id);
		return MW_ERR_USAGE;
	}
	if (strcmp(it.state, "quarantined") != 0) {
		set_err(err, errlen, "record %lld is %s, nothing to purge", id, it.state);
		e = MW_ERR_USAGE;
	} else {
		snprintf(name, sizeof(name), "%lld.q", id);
		if (unlinkat(q->dfd, name, 0) < 0 && errno != ENOENT) {
			set_err(err, errlen, "%s: %s", name, strerror(errno));
			e = MW_ERR_IO;
		} else {
			set_state(q, id, "purged");
		}
	}
	item_clear(&it);
	return e;
}

enum mw_err mw_quarantine_list(struct mw_quarantine *q,
			       struct mw_quarantine_item **items, size_t *n)
{
	sqlite3_stmt *st;
	struct mw_quarantine_item *v = NULL, *nv;
	size_t cnt = 0, alloc = 0;

	*items = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(q->db, "SELECT id FROM items WHERE state != 'moving'"
			       " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return MW_ERR_IO;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (cnt == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			nv = realloc(v, alloc * sizeof(*v));
			if (!nv) {
				sqlite3_finalize(st);
				mw_quarantine_items_free(v, cnt);
				return MW_ERR_NOMEM;
			}
			v = nv;
		}
		if (load_item(q, sqlite3_column_int64(st, 0), &v[cnt]) == 0)
			cnt++;
		else
			item_clear(&v[cnt]);
	}
	sqlite3_finalize(st);
	*items = v;
	*n = cnt;
	return MW_OK;
}

void mw_quarantine_items_free(struct mw_quarantine_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		item_clear(&items[i]);
	free(items);
}
