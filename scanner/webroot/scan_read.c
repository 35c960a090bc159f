/* Opening and reading one scan candidate; scan_int.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/safefile.h"
#include "scanner/webroot/scan_int.h"

/*
 * Open for reading like mw_open_regular_at() (O_NOFOLLOW, O_NONBLOCK so a
 * FIFO swapped in cannot hang us, fstat, regular files only) minus its two
 * fcntl calls that clear O_NONBLOCK: it has no effect on regular files, and
 * at 250k files those calls are measurable. Failures go through
 * mw_open_regular_at() again for its error classification.
 */
enum mw_err mw_scan_open_regular(int dirfd, const char *name, int *fd_out,
				 struct stat *st)
{
	int fd = mw_openat_noatime(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
				   O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return mw_open_regular_at(dirfd, name, fd_out, st);
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		int saved = errno;

		close(fd);
		errno = saved;
		return S_ISREG(st->st_mode) ? MW_ERR_IO : MW_ERR_NOTREG;
	}
	*fd_out = fd;
	return MW_OK;
}

/* openat() alone, for files stat-ed only if they turn out to matter. */
enum mw_err mw_scan_open_plain(int dirfd, const char *name, int *fd_out)
{
	struct stat st;
	int fd = mw_openat_noatime(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
				   O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return mw_open_regular_at(dirfd, name, fd_out, &st);
	*fd_out = fd;
	return MW_OK;
}

/* read() retrying on EINTR. */
static ssize_t read_some(int fd, char *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/*
 * How much to read: st_size capped, so that no extra read() is spent to
 * see EOF (a file growing meanwhile is read as it was at fstat time). An
 * empty st_size (procfs-like files) reads to EOF up to the cap.
 */
static size_t read_goal(const struct stat *st, size_t cap, int *truncated)
{
	*truncated = (uint64_t)st->st_size > cap;
	if (st->st_size <= 0)
		return cap;
	return (uint64_t)st->st_size < cap ? (size_t)st->st_size : cap;
}

static enum mw_err read_whole(struct mw_buf *b, int fd, size_t goal)
{
	ssize_t r;
	enum mw_err e;

	mw_buf_reset(b);
	e = mw_buf_reserve(b, goal);
	if (e)
		return e;
	while (b->len < goal) {
		r = read_some(fd, b->data + b->len, goal - b->len);
		if (r < 0)
			return MW_ERR_IO;
		if (r == 0)
			break;
		b->len += (size_t)r;
	}
	b->data[b->len] = '\0';
	return MW_OK;
}

/*
 * A file without a PHP name streams through a small cache-hot chunk and is
 * searched for an open tag on the way, up to goal bytes or the end: a read
 * shorter than asked for is the end of a regular file (the workers block
 * signals, so none is cut short). No fstat: most such files are images and
 * caches that turn out not to be candidates, and a stat call each is
 * measurable at 200k files. *cls is the tag found (MW_PHP_NO if none),
 * *total the bytes read, *more 1 when goal bytes were read without seeing
 * the end.
 */
static enum mw_err stream_tag(struct scan_ts *ts, int fd, size_t goal,
			      enum mw_php_class *cls, size_t *total, int *more)
{
	size_t carry = 0, want, keep;
	enum mw_php_class k;
	int script = -1;
	ssize_t r;

	*cls = MW_PHP_NO;
	*total = 0;
	*more = 0;
	while (*total < goal) {
		want = goal - *total < MW_SCAN_CHUNK ? goal - *total : MW_SCAN_CHUNK;
		r = read_some(fd, ts->chunk + carry, want);
		if (r < 0)
			return MW_ERR_IO;
		if (r == 0)
			return MW_OK;
		if (script < 0)
			script = !mw_looks_binary(ts->chunk, (size_t)r);
		*total += (size_t)r;
		if (mw_php_tag_ex(ts->chunk, carry + (size_t)r, script, &k, NULL) >= 0) {
			*cls = k;
			return MW_OK;
		}
		if ((size_t)r < want)
			return MW_OK;
		keep = carry + (size_t)r < MW_SCAN_CARRY ? carry + (size_t)r : MW_SCAN_CARRY;
		memmove(ts->chunk, ts->chunk + carry + (size_t)r - keep, keep);
		carry = keep;
	}
	*more = 1;
	return MW_OK;
}

/*
 * Read up to limit bytes into b without knowing the size: into the room the
 * buffer already has (it keeps the largest file so far), at least 64 KiB at
 * a time; a short read is the end (see stream_tag). *more is 1 when limit
 * bytes were read without seeing the end.
 */
static enum mw_err read_upto(struct mw_buf *b, int fd, size_t limit, int *more)
{
	size_t want;
	ssize_t r;
	enum mw_err e;

	mw_buf_reset(b);
	*more = 0;
	e = mw_buf_reserve(b, 0);	/* room for the NUL even at limit 0 */
	if (e)
		return e;
	for (;;) {
		if (b->len >= limit) {
			*more = 1;
			break;
		}
		want = b->alloc > b->len + 1 ? b->alloc - b->len - 1 : 0;
		if (want < 65536)
			want = 65536;
		if (want > limit - b->len)
			want = limit - b->len;
		e = mw_buf_reserve(b, want);
		if (e)
			return e;
		r = read_some(fd, b->data + b->len, want);
		if (r < 0)
			return MW_ERR_IO;
		b->len += (size_t)r;
		if ((size_t)r < want)
			break;
	}
	b->data[b->len] = '\0';
	return MW_OK;
}

/*
 * Read and classify. A PHP name is read whole (capped) into ts->buf. Other
 * files stream (stream_tag); only when a tag turns up is the file read whole
 * for matching, so a large backup never sits in memory. st is filled here
 * (fstat) when it was not known (*have_st 0) and is needed now: a file that
 * reached the cap, or a streamed candidate (read again to its size).
 * *nread = bytes read.
 */
enum mw_err mw_scan_read_classify(struct scan_ts *ts, int fd, const char *name,
				  struct stat *st, int *have_st, size_t cap,
				  enum mw_php_class *cls, int *truncated,
				  size_t *nread)
{
	size_t goal, total;
	int more;
	enum mw_err e;

	*truncated = 0;
	mw_buf_reset(&ts->buf);
	if (mw_php_name(name)) {
		*cls = MW_PHP_EXTENSION;
		if (*have_st) {
			e = read_whole(&ts->buf, fd, read_goal(st, cap, truncated));
		} else {
			e = read_upto(&ts->buf, fd, cap, &more);
			if (!e && more) {
				if (fstat(fd, st) < 0)
					return MW_ERR_IO;
				if (!S_ISREG(st->st_mode))
					return MW_ERR_NOTREG;
				*have_st = 1;
				*truncated = (uint64_t)st->st_size > cap;
			}
		}
		*nread = ts->buf.len;
		return e;
	}
	goal = *have_st ? read_goal(st, cap, truncated) : cap;
	e = stream_tag(ts, fd, goal, cls, &total, &more);
	*nread = total;
	if (e || (*cls == MW_PHP_NO && !more))
		return e;
	if (!*have_st) {
		if (fstat(fd, st) < 0)
			return MW_ERR_IO;
		if (!S_ISREG(st->st_mode))
			return MW_ERR_NOTREG;
		*have_st = 1;
		goal = read_goal(st, cap, truncated);
	}
	if (*cls == MW_PHP_NO)
		return MW_OK;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return MW_ERR_IO;
	e = read_whole(&ts->buf, fd, goal);
	*nread = total + ts->buf.len;
	return e;
}
