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
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "scanner/webroot/quarantine.h"
#include "scanner/webroot/quarantine_impl.h"
#include "scanner/webroot/quarantine_meta.h"

void mw_q_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* The record's file: "<id>.q" / "<id>.meta". */
void mw_q_name(char *out, size_t n, long long id, const char *ext)
{
	snprintf(out, n, "%lld.%s", id, ext);
}

static int exec_int(sqlite3 *db, const char *sql, long long a, const char *s)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (s) {
		sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, a);
	} else {
		sqlite3_bind_int64(st, 1, a);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int mw_q_set_state(struct mw_quarantine *q, long long id, const char *state)
{
	return exec_int(q->db, "UPDATE items SET state=? WHERE id=?", id, state);
}

int mw_q_delete_row(struct mw_quarantine *q, long long id)
{
	return exec_int(q->db, "DELETE FROM items WHERE id=?", id, NULL);
}

/* The stored copy holds the recorded bytes (the first `hashed` of them
 * when the record hashed only those, plus the size). */
int mw_q_copy_matches(int fd, const char *sha, uint64_t hashed, int64_t size)
{
	struct stat st;
	char got[65];

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (hashed && st.st_size != size)
		return 0;
	return mw_sha256_fd_upto(fd, hashed, got) == MW_OK && strcmp(got, sha) == 0;
}

/* Nothing executable, user-owned or privileged stays in quarantine. chown
 * clears security.capability; the ACL would keep named users' entries. */
int mw_q_lock_down(int fd)
{
	if (fchown(fd, 0, 0) < 0 || fchmod(fd, 0400) < 0)
		return -1;
	(void)fremovexattr(fd, "system.posix_acl_access");
	(void)fremovexattr(fd, "security.capability");
	return 0;
}

/* Open the parent directory of an absolute path from "/" without
 * following any symlink; base receives the last component. */
enum mw_err mw_q_open_parent(struct mw_quarantine *q, const char *path,
			       int *pfd, char *base, size_t baselen)
{
	char chunk[MW_QUARANTINE_PATH_CHUNK + 1];
	const char *slash = strrchr(path, '/'), *p = path, *cut;
	enum mw_err e;
	size_t dirlen, n;
	int cur = q->rootfd, next;

	*pfd = -1;
	if (path[0] != '/' || !slash || !slash[1] || strlen(slash + 1) >= baselen)
		return MW_ERR_USAGE;
	dirlen = (size_t)(slash - path);
	snprintf(base, baselen, "%s", slash + 1);
	if (dirlen == 0)
		return mw_open_beneath(q->rootfd, "/", 1, pfd, NULL);
	/* A path past PATH_MAX (the walker goes to MW_WALK_MAX_PATH) is opened
	 * a chunk of whole components at a time, each beneath the last: the
	 * same no-symlink, no-".." rules, no ENAMETOOLONG. */
	while (p < path + dirlen) {
		n = (size_t)(path + dirlen - p);
		if (n > MW_QUARANTINE_PATH_CHUNK) {
			cut = p + MW_QUARANTINE_PATH_CHUNK;
			while (cut > p && *cut != '/')
				cut--;
			if (cut == p) {
				if (cur != q->rootfd)
					close(cur);
				return MW_ERR_USAGE;	/* a component over NAME_MAX */
			}
			n = (size_t)(cut - p);
		}
		memcpy(chunk, p, n);
		chunk[n] = '\0';
		e = mw_open_beneath(cur, chunk, 1, &next, NULL);
		if (cur != q->rootfd)
			close(cur);
		if (e)
			return e;
		cur = next;
		p += n;
	}
	*pfd = cur;
	return MW_OK;
}

/* ------------------------------------------------------------------ */
/* Moving files                                                        */

static int copy_fd(int from, int to, uint64_t size)
{
	char buf[65536];
	ssize_t r, w, off;
	uint64_t done = 0;

	for (;;) {
		r = pread(from, buf, sizeof(buf), (off_t)done);
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
		done += (uint64_t)r;
		/* a file growing meanwhile is not followed forever */
		if (done > size + sizeof(buf))
			break;
	}
	return fsync(to);
}

/* Room for size bytes plus MW_QUARANTINE_RESERVE on fd's filesystem, as
 * an unprivileged writer sees it (f_bavail): root could dip into the
 * reserved blocks, but filling them is what made the index update after a
 * copy fail. 0 with the numbers in err when there is not. */
static int has_room(int fd, int64_t size, char *err, size_t errlen, const char *what)
{
	struct statvfs vs;
	unsigned long long avail, need;

	if (fstatvfs(fd, &vs) < 0) {
		mw_q_err(err, errlen, "cannot tell the free space of %s: %s", what,
			strerror(errno));
		return 0;
	}
	avail = (unsigned long long)vs.f_bavail * vs.f_frsize;
	need = (unsigned long long)(size > 0 ? size : 0) + MW_QUARANTINE_RESERVE;
	if (avail < need) {
		mw_q_err(err, errlen, "not enough free space in %s for a copy: %llu bytes "
			"needed (file + %u reserve), %llu free", what, need,
			MW_QUARANTINE_RESERVE, avail);
		return 0;
	}
	return 1;
}

enum mw_err mw_quarantine_file(struct mw_quarantine *q, const char *path,
			       dev_t dev, ino_t ino, const char *sha256,
			       uint64_t hashed, const char *rules, long long *id,
			       char *err, size_t errlen)
{
	char base[NAME_MAX + 1], name[64];
	struct stat st, st2, qst;
	struct mw_qmeta m;
	sqlite3_stmt *ins = NULL;
	enum mw_err e;
	int pfd = -1, fd = -1, out = -1, same_fs;

	*id = 0;
	memset(&m, 0, sizeof(m));
	e = mw_q_open_parent(q, path, &pfd, base, sizeof(base));
	if (e) {
		mw_q_err(err, errlen, "cannot open the directory without following "
			"symlinks: %s", mw_strerror(e));
		return MW_ERR_IO;
	}
	e = mw_open_regular_at(pfd, base, &fd, &st);
	if (e) {
		mw_q_err(err, errlen, "cannot open: %s", mw_strerror(e));
		goto fail;
	}
	e = MW_ERR_IO;
	if (st.st_dev != dev || st.st_ino != ino) {
		mw_q_err(err, errlen, "the file was replaced since it was scanned");
		goto fail;
	}
	if (!mw_q_copy_matches(fd, sha256, hashed, hashed ? st.st_size : 0)) {
		mw_q_err(err, errlen, "the file changed since it was scanned");
		goto fail;
	}
	if (mw_qmeta_read_xattrs(fd, &m, err, errlen) < 0)
		goto fail;	/* it could not be given back whole */
	if (fstat(q->dfd, &qst) < 0) {
		mw_q_err(err, errlen, "quarantine directory: %s", strerror(errno));
		goto fail;
	}
	same_fs = qst.st_dev == st.st_dev;
	if (!same_fs && hashed) {
		mw_q_err(err, errlen, "larger than the scan's read cap (%lld bytes) and "
			"quarantine_dir is on another filesystem: not copying it (put "
			"quarantine_dir on the web root's filesystem to move it)",
			(long long)st.st_size);
		goto fail;
	}
	if (!same_fs && !has_room(q->dfd, st.st_size, err, errlen, "quarantine_dir"))
		goto fail;

	/* 1. the record, committed (synchronous=FULL) */
	if (sqlite3_prepare_v2(q->db, "INSERT INTO items(id, path, uid, gid, mode,"
			       " atime_ns, mtime_ns, size, sha256, rules, quarantined_at,"
			       " state, hashed) VALUES(max(ifnull((SELECT seq FROM"
			       " sqlite_sequence WHERE name='items'), 0), ifnull((SELECT"
			       " max(id) FROM items), 0), ?) + 1,"
			       " ?,?,?,?,?,?,?,?,?,?,'moving',?)", -1, &ins, NULL)
	    != SQLITE_OK) {
		mw_q_err(err, errlen, "index: %s", sqlite3_errmsg(q->db));
		goto fail;
	}
	m.path = (char *)path;
	m.rules = (char *)rules;
	snprintf(m.sha256, sizeof(m.sha256), "%s", sha256);
	m.hashed = hashed;
	m.uid = st.st_uid;
	m.gid = st.st_gid;
	m.mode = st.st_mode & 07777;
	m.atime_ns = ns(&st.st_atim);
	m.mtime_ns = ns(&st.st_mtim);
	m.size = st.st_size;
	m.when = (int64_t)time(NULL);
	sqlite3_bind_int64(ins, 1, q->disk_max_id);
	sqlite3_bind_text(ins, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, m.uid);
	sqlite3_bind_int64(ins, 4, m.gid);
	sqlite3_bind_int64(ins, 5, m.mode);
	sqlite3_bind_int64(ins, 6, m.atime_ns);
	sqlite3_bind_int64(ins, 7, m.mtime_ns);
	sqlite3_bind_int64(ins, 8, m.size);
	sqlite3_bind_text(ins, 9, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 10, rules, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 11, m.when);
	sqlite3_bind_int64(ins, 12, (sqlite3_int64)hashed);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		mw_q_err(err, errlen, "index: %s", sqlite3_errmsg(q->db));
		sqlite3_finalize(ins);
		goto fail;
	}
	sqlite3_finalize(ins);
	m.id = sqlite3_last_insert_rowid(q->db);

	/* 2. the metadata beside it, on disk */
	if (mw_qmeta_write(q->dfd, &m) < 0) {
		mw_q_err(err, errlen, "cannot write %lld.meta: %s", m.id, strerror(errno));
		mw_q_forget(q, m.id, 0);
		goto fail;
	}

	/* 3. the move; never replace a stale "<id>.q" */
	mw_q_name(name, sizeof(name), m.id, "q");
	if (same_fs && renameat2(pfd, base, q->dfd, name, RENAME_NOREPLACE) == 0) {
		/* Renamed the file we checked, not one swapped in meanwhile? */
		if (fstatat(q->dfd, name, &st2, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st2.st_dev != dev || st2.st_ino != ino) {
			(void)renameat2(q->dfd, name, pfd, base, RENAME_NOREPLACE);
			mw_q_err(err, errlen, "the file was replaced during the move");
			mw_q_forget(q, m.id, 0);
			goto fail;
		}
		if (fsync(q->dfd) < 0 || fsync(pfd) < 0) {
			mw_q_err(err, errlen, "moved, but fsync failed: %s", strerror(errno));
			*id = m.id;
			goto fail;	/* the record stays "moving": recovered next time */
		}
		out = fd;
		fd = -1;
	} else if (!same_fs || errno == EXDEV || errno == EINVAL) {
		out = openat(q->dfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
			     O_CLOEXEC, 0400);
		if (out < 0 || copy_fd(fd, out, (uint64_t)st.st_size) < 0 ||
		    !mw_q_copy_matches(out, sha256, hashed, hashed ? st.st_size : 0) ||
		    fsync(q->dfd) < 0) {
			mw_q_err(err, errlen, "copy into quarantine failed: %s",
				strerror(errno ? errno : EIO));
			mw_q_forget(q, m.id, out >= 0);
			goto fail;
		}
		if (fstatat(pfd, base, &st2, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st2.st_dev != dev || st2.st_ino != ino || unlinkat(pfd, base, 0) < 0) {
			mw_q_err(err, errlen, "could not remove the original: %s",
				strerror(errno ? errno : EIO));
			mw_q_forget(q, m.id, 1);
			goto fail;
		}
		(void)fsync(pfd);
	} else {
		mw_q_err(err, errlen, "cannot move into quarantine: %s", strerror(errno));
		mw_q_forget(q, m.id, 0);
		goto fail;
	}
	*id = m.id;
	/* 4. nothing executable or user-owned stays behind; then done */
	if (mw_q_lock_down(out) < 0) {
		mw_q_err(err, errlen, "moved as id %lld, but cannot lock down the copy: %s",
			m.id, strerror(errno));
		goto fail;
	}
	if (mw_q_set_state(q, m.id, "quarantined") < 0) {
		mw_q_err(err, errlen, "moved as id %lld, but the index was not updated "
			"(%s): the next quarantine command finishes it", m.id,
			sqlite3_errmsg(q->db));
		goto fail;
	}
	e = MW_OK;
fail:
	m.path = NULL;
	m.rules = NULL;
	mw_qmeta_clear(&m);
	if (out >= 0)
		close(out);
	if (fd >= 0)
		close(fd);
	close(pfd);
	return e;
}

/* ------------------------------------------------------------------ */
/* Restore, purge, list                                                */

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
			       " size, sha256, rules, quarantined_at, state, hashed"
			       " FROM items WHERE id=?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		it->id = sqlite3_column_int64(st, 0);
		it->path = mw_q_col_dup(st, 1);
		it->uid = (uid_t)sqlite3_column_int64(st, 2);
		it->gid = (gid_t)sqlite3_column_int64(st, 3);
		it->mode = (mode_t)sqlite3_column_int64(st, 4);
		it->atime_ns = sqlite3_column_int64(st, 5);
		it->mtime_ns = sqlite3_column_int64(st, 6);
		it->size = sqlite3_column_int64(st, 7);
		it->sha256 = mw_q_col_dup(st, 8);
		it->rules = mw_q_col_dup(st, 9);
		it->when = sqlite3_column_int64(st, 10);
		it->state = mw_q_col_dup(st, 11);
		it->hashed = (uint64_t)sqlite3_column_int64(st, 12);
		rc = it->path && it->sha256 && it->rules && it->state ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Owner, mode, xattrs, times: on the descriptor, in that order (chown
 * clears set-id bits and capabilities that the later steps set again). */
static int apply_meta(int fd, const struct mw_quarantine_item *it,
		      const struct mw_qmeta *m, char *err, size_t errlen)
{
	struct timespec times[2];

	times[0].tv_sec = (time_t)(it->atime_ns / 1000000000);
	times[0].tv_nsec = (long)(it->atime_ns % 1000000000);
	times[1].tv_sec = (time_t)(it->mtime_ns / 1000000000);
	times[1].tv_nsec = (long)(it->mtime_ns % 1000000000);
	if (fchown(fd, it->uid, it->gid) < 0 || fchmod(fd, it->mode & 07777) < 0) {
		mw_q_err(err, errlen, "cannot set owner/mode: %s", strerror(errno));
		return -1;
	}
	if (m && mw_qmeta_apply_xattrs(fd, m, err, errlen) < 0)
		return -1;
	if (futimens(fd, times) < 0) {
		mw_q_err(err, errlen, "cannot set times: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Give dirfd/name its place without replacing anything. */
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

/* Link an O_TMPFILE fd in as pfd/base (fails on EEXIST). */
static int link_tmpfile(int fd, int pfd, const char *base)
{
	char proc[64];

	if (linkat(fd, "", pfd, base, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, pfd, base, AT_SYMLINK_FOLLOW);
}

/*
 * Across filesystems: a copy that gets owner, mode, xattrs and times while
 * it has no name (O_TMPFILE) or a root-only temporary one, then its name.
 */
static enum mw_err restore_copy(int src, int pfd,
				const char *base, const struct mw_quarantine_item *it,
				const struct mw_qmeta *m, char *err, size_t errlen)
{
	char tmp[96];
	int out, named = 0;

	if (it->hashed) {
		mw_q_err(err, errlen, "larger than the scan's read cap and stored on "
			"another filesystem: not copying it back");
		return MW_ERR_IO;
	}
	if (!has_room(pfd, it->size, err, errlen, "the original directory"))
		return MW_ERR_IO;
	out = openat(pfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (out < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		snprintf(tmp, sizeof(tmp), ".mailwarden-restore-%lld", it->id);
		out = openat(pfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     0600);
		named = 1;
	}
	if (out < 0 || copy_fd(src, out, (uint64_t)it->size) < 0 ||
	    !mw_q_copy_matches(out, it->sha256, 0, 0)) {
		mw_q_err(err, errlen, "copy back failed: %s", strerror(errno ? errno : EIO));
		goto fail;
	}
	if (apply_meta(out, it, m, err, errlen) < 0 || fsync(out) < 0)
		goto fail;
	if (named ? place_noreplace(pfd, tmp, pfd, base) : link_tmpfile(out, pfd, base)) {
		mw_q_err(err, errlen, "%s: %s", it->path, errno == EEXIST ?
			"exists again: not overwriting it" : strerror(errno));
		goto fail;
	}
	close(out);
	(void)fsync(pfd);
	return MW_OK;
fail:
	if (named && out >= 0)
		unlinkat(pfd, tmp, 0);
	if (out >= 0)
		close(out);
	return MW_ERR_IO;
}

enum mw_err mw_quarantine_restore(struct mw_quarantine *q, long long id,
				  char *err, size_t errlen)
{
	struct mw_quarantine_item it;
	struct mw_qmeta m;
	char base[NAME_MAX + 1], name[64], mname[64];
	struct stat st, pst, sst;
	enum mw_err e = MW_OK;
	int pfd = -1, src = -1, have_meta;

	memset(&m, 0, sizeof(m));
	if (load_item(q, id, &it) < 0) {
		item_clear(&it);
		mw_q_err(err, errlen, "no quarantine record %lld", id);
		return MW_ERR_USAGE;
	}
	if (strcmp(it.state, "quarantined") != 0) {
		mw_q_err(err, errlen, "record %lld is %s, nothing to restore", id, it.state);
		e = MW_ERR_USAGE;
		goto out;
	}
	mw_q_name(name, sizeof(name), id, "q");
	mw_q_name(mname, sizeof(mname), id, "meta");
	have_meta = mw_qmeta_load(q->dfd, mname, &m) == 0;
	src = openat(q->dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (src < 0 || !mw_q_copy_matches(src, it.sha256, it.hashed, it.size) ||
	    fstat(src, &sst) < 0) {
		mw_q_err(err, errlen, "stored copy %s missing or altered", name);
		e = MW_ERR_IO;
		goto out;
	}
	e = mw_q_open_parent(q, it.path, &pfd, base, sizeof(base));
	if (e || fstat(pfd, &pst) < 0) {
		mw_q_err(err, errlen, "%s: directory gone or reached through a symlink (%s)",
			it.path, mw_strerror(e ? e : MW_ERR_IO));
		e = MW_ERR_IO;
		goto out;
	}
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
		mw_q_err(err, errlen, "%s exists again: not overwriting it", it.path);
		e = MW_ERR_IO;
		goto out;
	}
	/* like a quarantine, a transaction: "restoring" committed first, so
	 * that the next open finishes or rolls back a restore cut short */
	if (mw_q_set_state(q, id, "restoring") < 0) {
		mw_q_err(err, errlen, "index: %s", sqlite3_errmsg(q->db));
		e = MW_ERR_IO;
		goto out;
	}
	if (pst.st_dev == sst.st_dev) {
		/* the stored file gets everything back while it is still in the
		 * root-only directory, then its name */
		if (apply_meta(src, &it, have_meta ? &m : NULL, err, errlen) < 0 ||
		    fsync(src) < 0) {
			(void)mw_q_lock_down(src);
			(void)mw_q_set_state(q, id, "quarantined");
			e = MW_ERR_IO;
			goto out;
		}
		if (place_noreplace(q->dfd, name, pfd, base) < 0) {
			mw_q_err(err, errlen, "%s: %s", it.path, errno == EEXIST ?
				"exists again: not overwriting it" : strerror(errno));
			(void)mw_q_lock_down(src);
			(void)mw_q_set_state(q, id, "quarantined");
			e = MW_ERR_IO;
			goto out;
		}
		(void)fsync(pfd);
	} else {
		e = restore_copy(src, pfd, base, &it, have_meta ? &m : NULL, err, errlen);
		if (e) {
			(void)mw_q_set_state(q, id, "quarantined");
			goto out;
		}
		unlinkat(q->dfd, name, 0);
	}
	(void)unlinkat(q->dfd, mname, 0);
	(void)fsync(q->dfd);
	if (mw_q_set_state(q, id, "restored") < 0) {
		mw_q_err(err, errlen, "restored, but the index was not updated: %s",
			sqlite3_errmsg(q->db));
		e = MW_ERR_IO;
	}
out:
	if (src >= 0)
		close(src);
	if (pfd >= 0)
		close(pfd);
	mw_qmeta_clear(&m);
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
		mw_q_err(err, errlen, "no quarantine record %lld", id);
		return MW_ERR_USAGE;
	}
	if (strcmp(it.state, "quarantined") != 0) {
		mw_q_err(err, errlen, "record %lld is %s, nothing to purge", id, it.state);
		e = MW_ERR_USAGE;
	} else {
		mw_q_name(name, sizeof(name), id, "q");
		if (unlinkat(q->dfd, name, 0) < 0 && errno != ENOENT) {
			mw_q_err(err, errlen, "%s: %s", name, strerror(errno));
			e = MW_ERR_IO;
		} else {
			mw_q_name(name, sizeof(name), id, "meta");
			(void)unlinkat(q->dfd, name, 0);
			(void)fsync(q->dfd);
			if (mw_q_set_state(q, id, "purged") < 0) {
				mw_q_err(err, errlen, "purged, but the index was not "
					"updated: %s", sqlite3_errmsg(q->db));
				e = MW_ERR_IO;
			}
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
	/* every record, "moving" and "damaged" ones too: nothing is hidden */
	if (sqlite3_prepare_v2(q->db, "SELECT id FROM items ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK)
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
