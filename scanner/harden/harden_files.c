/*
 * The files `harden` changes: taking them (their bytes before the run),
 * writing them atomically, rolling a failed run back, and the backup store
 * that makes --remove put them back byte for byte.
 *
 * The store is a directory (default <state_dir>/harden, 0700) with one
 * "<id>.orig" per file, holding the bytes from before the first apply, and
 * a "manifest" of lines "id existed mode uid gid sha256-after path". A
 * later apply that changes a file again keeps the first .orig and only
 * records the new hash: --remove always goes back to the host as it was.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "scanner/harden/harden_int.h"
#include "sysconf/mtakv.h"

#define HD_MANIFEST_LINE	(MW_MAX_PATH + 256)

struct hd_entry {
	char id[17], after[65], path[MW_MAX_PATH];
	int existed;
	unsigned mode, uid, gid;
};

struct hd_file *mw_hd_file_take(struct hd_run *r, const char *path)
{
	struct hd_file *f;
	struct stat st;
	enum mw_err e;

	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].path, path))
			return &r->files[i];
	if (r->nfiles == HD_MAX_FILES || strpbrk(path, "\t\n") || path[0] != '/') {
		mw_report_error(r->report, "harden", path, 0, MW_ERR_LIMIT,
				"cannot take this file (more than %u files, or an odd name)",
				HD_MAX_FILES);
		return NULL;
	}
	f = &r->files[r->nfiles];
	memset(f, 0, sizeof(*f));
	mw_buf_init(&f->before, MW_MAX_TEXT_FILE);
	e = mw_read_file_at(AT_FDCWD, path, &f->before, MW_MAX_TEXT_FILE, NULL, &st);
	if (e == MW_OK) {
		f->existed = 1;
		f->mode = st.st_mode & 07777;
		f->uid = st.st_uid;
		f->gid = st.st_gid;
	} else if (e == MW_ERR_IO && errno == ENOENT) {
		f->mode = 0644;
	} else {
		mw_report_error(r->report, "harden", path, 0, e, "cannot read it: %s",
				e == MW_ERR_IO ? strerror(errno) : mw_strerror(e));
		mw_buf_free(&f->before);
		return NULL;
	}
	if (!(f->path = strdup(path))) {
		mw_buf_free(&f->before);
		return NULL;
	}
	r->nfiles++;
	return f;
}

/* Write content to path through a temp file in the same directory. */
static enum mw_err write_atomic(const char *path, const char *content, size_t len,
				mode_t mode, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	char tmp[MW_MAX_PATH + 32];
	size_t off = 0;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.mw-tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, content + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fchown(fd, uid, gid) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0 ||
	    close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	return MW_OK;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return MW_ERR_IO;
}

enum mw_err mw_hd_file_write(const struct hd_file *f, const char *content, size_t len,
			  char *err, size_t errlen)
{
	return write_atomic(f->path, content, len, f->mode, f->uid, f->gid, err, errlen);
}

/* Put f back as it was before this run. */
static enum mw_err put_back(const char *path, int existed, const char *bytes, size_t len,
			    mode_t mode, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	if (existed)
		return write_atomic(path, bytes, len, mode, uid, gid, err, errlen);
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return MW_ERR_IO;
	}
	return MW_OK;
}

void mw_hd_rollback(struct hd_run *r)
{
	char err[MW_MAX_PATH + 128];

	for (size_t i = 0; i < r->nfiles; i++) {
		const struct hd_file *f = &r->files[i];

		if (put_back(f->path, f->existed, f->before.data, f->before.len, f->mode,
			     f->uid, f->gid, err, sizeof(err)))
			mw_report_error(r->report, "harden", f->path, 0, MW_ERR_IO,
					"rollback failed: %s", err);
	}
}

/* The manifest's entries; returns the count or -1 (err). */
static int manifest_read(const char *dir, struct hd_entry *e, int max, char *err,
			 size_t errlen)
{
	char path[MW_MAX_PATH + 16];
	const char *line;
	struct mw_lines it;
	struct mw_buf b;
	size_t len;
	int n = 0, over;
	enum mw_err rc;

	snprintf(path, sizeof(path), "%s/manifest", dir);
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	rc = mw_read_file_at(AT_FDCWD, path, &b, MW_MAX_TEXT_FILE, NULL, NULL);
	if (rc) {
		mw_buf_free(&b);
		if (rc == MW_ERR_IO && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, mw_strerror(rc));
		return -1;
	}
	mw_lines_init(&it, b.data, b.len, HD_MANIFEST_LINE);
	while (mw_lines_next(&it, &line, &len, &over) && n < max) {
		char l[HD_MANIFEST_LINE + 1];

		memcpy(l, line, len);
		l[len] = '\0';
		if (over || sscanf(l, "%16s %d %o %u %u %64s %4095[^\n]", e[n].id, &e[n].existed,
				   &e[n].mode, &e[n].uid, &e[n].gid, e[n].after,
				   e[n].path) != 7) {
			snprintf(err, errlen, "%s: line %lu: malformed", path, it.lineno);
			mw_buf_free(&b);
			return -1;
		}
		n++;
	}
	mw_buf_free(&b);
	return n;
}

static enum mw_err manifest_write(const char *dir, const struct hd_entry *e, int n,
				  char *err, size_t errlen)
{
	char path[MW_MAX_PATH + 16];
	struct mw_buf b;
	enum mw_err rc = MW_OK;

	snprintf(path, sizeof(path), "%s/manifest", dir);
	if (n == 0) {
		if (unlink(path) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return MW_ERR_IO;
		}
		return MW_OK;
	}
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	for (int i = 0; i < n && !rc; i++)
		rc = mw_buf_printf(&b, "%s %d %o %u %u %s %s\n", e[i].id, e[i].existed,
				   e[i].mode, e[i].uid, e[i].gid, e[i].after, e[i].path);
	if (!rc)
		rc = write_atomic(path, b.data, b.len, 0600, 0, 0, err, errlen);
	else
		snprintf(err, errlen, "out of memory");
	mw_buf_free(&b);
	return rc;
}

static void orig_path(char *dst, size_t n, const char *dir, const char *id)
{
	snprintf(dst, n, "%s/%s.orig", dir, id);
}

/* sha256 of the file at path now ("absent" when it does not exist). */
static int hash_now(const char *path, char out[65])
{
	struct mw_buf b;
	enum mw_err e;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	e = mw_read_file_at(AT_FDCWD, path, &b, MW_MAX_TEXT_FILE, NULL, NULL);
	if (e == MW_OK)
		mw_sha256_hex(b.data, b.len, out);
	else if (e == MW_ERR_IO && errno == ENOENT)
		snprintf(out, 65, "absent");
	mw_buf_free(&b);
	return e == MW_OK || (e == MW_ERR_IO && errno == ENOENT) ? 0 : -1;
}

enum mw_err mw_hd_backup_commit(struct hd_run *r, const char *dir, char *err, size_t errlen)
{
	struct hd_entry *e = calloc(HD_MAX_FILES * 2, sizeof(*e));
	int n;
	enum mw_err rc = MW_OK;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return MW_ERR_NOMEM;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(e);
		return MW_ERR_IO;
	}
	n = manifest_read(dir, e, HD_MAX_FILES, err, errlen);
	if (n < 0) {
		free(e);
		return MW_ERR_PARSE;
	}
	for (size_t i = 0; i < r->nfiles && !rc; i++) {
		const struct hd_file *f = &r->files[i];
		char hex[65], op[MW_MAX_PATH + 32];
		int k;

		for (k = 0; k < n && strcmp(e[k].path, f->path); k++)
			;
		if (k == n) {	/* first time: keep the original bytes */
			memset(&e[k], 0, sizeof(e[k]));
			mw_sha256_hex(f->path, strlen(f->path), hex);
			memcpy(e[k].id, hex, 16);
			snprintf(e[k].path, sizeof(e[k].path), "%s", f->path);
			e[k].existed = f->existed;
			e[k].mode = f->mode;
			e[k].uid = f->uid;
			e[k].gid = f->gid;
			orig_path(op, sizeof(op), dir, e[k].id);
			rc = write_atomic(op, f->before.data ? f->before.data : "",
					  f->before.len, 0600, 0, 0, err, errlen);
			n++;
		}
		if (!rc && hash_now(f->path, e[k].after) != 0) {
			snprintf(err, errlen, "%s: cannot read it back", f->path);
			rc = MW_ERR_IO;
		}
	}
	if (!rc)
		rc = manifest_write(dir, e, n, err, errlen);
	free(e);
	return rc;
}

enum mw_err mw_hd_backup_restore(struct hd_run *r, const char *dir, unsigned *restored)
{
	struct hd_entry *e = calloc(HD_MAX_FILES, sizeof(*e));
	char err[MW_MAX_PATH + 256];
	int n, kept = 0;
	enum mw_err rc = MW_OK;

	*restored = 0;
	if (!e)
		return mw_fail(r->ctx, MW_ERR_NOMEM, "out of memory");
	n = manifest_read(dir, e, HD_MAX_FILES, err, sizeof(err));
	if (n < 0) {
		free(e);
		return mw_fail(r->ctx, MW_ERR_PARSE, "%s", err);
	}
	for (int i = 0; i < n; i++) {
		char hex[65], op[MW_MAX_PATH + 32];
		struct mw_buf b;
		enum mw_err re;

		if (hash_now(e[i].path, hex) != 0 || strcmp(hex, e[i].after) != 0) {
			mw_report_error(r->report, "harden", e[i].path, 0, MW_ERR_CONFIG,
					"changed since `harden --apply`; not restored (the "
					"original is in %s/%s.orig)", dir, e[i].id);
			e[kept++] = e[i];
			continue;
		}
		orig_path(op, sizeof(op), dir, e[i].id);
		mw_buf_init(&b, MW_MAX_TEXT_FILE);
		re = mw_read_file_at(AT_FDCWD, op, &b, MW_MAX_TEXT_FILE, NULL, NULL);
		if (!re)
			re = put_back(e[i].path, e[i].existed, b.data ? b.data : "", b.len,
				      e[i].mode, e[i].uid, e[i].gid, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "%s: %s", op, mw_strerror(re));
		mw_buf_free(&b);
		if (re) {
			mw_report_error(r->report, "harden", e[i].path, 0, re, "%s", err);
			e[kept++] = e[i];
			continue;
		}
		unlink(op);
		(*restored)++;
	}
	if (manifest_write(dir, e, kept, err, sizeof(err)))
		rc = mw_fail(r->ctx, MW_ERR_IO, "%s", err);
	free(e);
	return rc;
}

int mw_hd_run_program(const char *const argv[], struct mw_buf *out, char *err, size_t errlen)
{
	struct mw_buf ob;
	enum mw_err e;

	/* sysconf's runner: one wording of a failure for every program */
	e = mw_kv_capture_fresh(argv, out ? out : &ob, err, errlen);
	if (!out)
		mw_buf_free(&ob);
	return e == MW_OK ? 0 : -1;
}
