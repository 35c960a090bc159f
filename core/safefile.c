#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/ascii.h"
#include "core/limits.h"
#include "core/safefile.h"

#ifndef RESOLVE_NO_SYMLINKS
#define RESOLVE_NO_XDEV		0x01
#define RESOLVE_NO_MAGICLINKS	0x02
#define RESOLVE_NO_SYMLINKS	0x04
#define RESOLVE_BENEATH		0x08
struct open_how {
	unsigned long long flags;
	unsigned long long mode;
	unsigned long long resolve;
};
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static enum mw_err classify_open_failure(int dirfd, const char *name)
{
	struct stat lst;
	int saved = errno;

	/* O_NOFOLLOW on a symlink fails with ELOOP; tell it apart from
	 * a real loop so the caller can report "symlink refused". */
	if (saved == ELOOP || saved == EMLINK) {
		if (fstatat(dirfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(lst.st_mode)) {
			errno = ELOOP;
			return MW_ERR_SYMLINK;
		}
	}
	errno = saved;
	return mw_err_from_errno(saved);
}

int mw_openat_noatime(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_NOATIME);

	/* EPERM: neither the owner nor CAP_FOWNER (a scan as another user) */
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, flags);
	return fd;
}

enum mw_err mw_open_regular_at(int dirfd, const char *name, int *fd_out,
			       struct stat *st)
{
	struct stat sb;
	int fd, fl;

	fd = mw_openat_noatime(dirfd, name,
			       O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return classify_open_failure(dirfd, name);
	if (fstat(fd, &sb) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return MW_ERR_IO;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return MW_ERR_NOTREG;
	}
	/* Regular file: blocking reads are fine and simpler. */
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	if (st)
		*st = sb;
	*fd_out = fd;
	return MW_OK;
}

enum mw_err mw_open_dir_at(int dirfd, const char *name, int *fd_out)
{
	int fd = openat(dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOTDIR) {
			struct stat lst;

			if (fstatat(dirfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(lst.st_mode)) {
				errno = ELOOP;
				return MW_ERR_SYMLINK;
			}
			return MW_ERR_NOTREG;
		}
		return classify_open_failure(dirfd, name);
	}
	*fd_out = fd;
	return MW_OK;
}

static enum mw_err open_beneath_walk(int rootfd, const char *path, int want_dir,
				     int *fd_out)
{
	char comp[NAME_MAX + 1];
	const char *p = path, *s;
	int cur = rootfd, next, owned = 0;
	enum mw_err e;
	size_t len;

	for (;;) {
		while (*p == '/')
			p++;
		s = strchr(p, '/');
		len = s ? (size_t)(s - p) : strlen(p);
		if (len > NAME_MAX) {
			e = MW_ERR_TOOBIG;
			goto fail;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len;
		while (*p == '/')
			p++;
		if (len == 0 || strcmp(comp, ".") == 0) {
			if (*p)
				continue;
			comp[0] = '.';
			comp[1] = '\0';
		}
		if (strcmp(comp, "..") == 0) {
			errno = EXDEV;
			e = MW_ERR_SYMLINK;
			goto fail;
		}
		if (*p || want_dir)
			e = mw_open_dir_at(cur, comp, &next);
		else
			e = mw_open_regular_at(cur, comp, &next, NULL);
		if (e)
			goto fail;
		if (owned)
			close(cur);
		cur = next;
		owned = 1;
		if (!*p)
			break;
	}
	if (!owned) {
		cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
		if (cur < 0)
			return MW_ERR_IO;
	}
	*fd_out = cur;
	return MW_OK;
fail:
	if (owned) {
		int saved = errno;

		close(cur);
		errno = saved;
	}
	return e;
}

enum mw_err mw_open_beneath(int rootfd, const char *path, int want_dir,
			    int *fd_out, struct stat *st)
{
	struct open_how how;
	struct stat sb;
	const char *rel = path;
	enum mw_err e;
	int fd;

	while (*rel == '/')
		rel++;
	if (!*rel)
		rel = ".";
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY |
		    (want_dir ? O_DIRECTORY : O_NONBLOCK);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		      RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
		e = open_beneath_walk(rootfd, rel, want_dir, &fd);
		if (e)
			return e;
	} else if (fd < 0) {
		if (errno == ELOOP || errno == EXDEV)
			return MW_ERR_SYMLINK;
		return mw_err_from_errno(errno);
	}
	if (fstat(fd, &sb) < 0) {
		close(fd);
		return MW_ERR_IO;
	}
	if (want_dir ? !S_ISDIR(sb.st_mode) : !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return MW_ERR_NOTREG;
	}
	if (!want_dir) {
		int fl = fcntl(fd, F_GETFL);

		if (fl >= 0)
			(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	if (st)
		*st = sb;
	*fd_out = fd;
	return MW_OK;
}

enum mw_err mw_read_fd_capped(int fd, struct mw_buf *out, size_t cap,
			      int *truncated)
{
	char probe;
	ssize_t r;
	size_t want;
	enum mw_err e;

	if (truncated)
		*truncated = 0;
	for (;;) {
		if (out->len >= cap) {
			/* One more byte tells "exactly cap" from "larger". */
			do
				r = read(fd, &probe, 1);
			while (r < 0 && errno == EINTR);
			if (r < 0)
				return MW_ERR_IO;
			if (r > 0 && truncated)
				*truncated = 1;
			return MW_OK;
		}
		want = cap - out->len;
		if (want > 1u << 20)
			want = 1u << 20;
		e = mw_buf_reserve(out, want);
		if (e)
			return e;
		r = read(fd, out->data + out->len, want);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return MW_ERR_IO;
		}
		if (r == 0)
			break;
		out->len += (size_t)r;
		out->data[out->len] = '\0';
	}
	return MW_OK;
}

enum mw_err mw_read_file_at(int dirfd, const char *name, struct mw_buf *out,
			    size_t cap, int *truncated, struct stat *st)
{
	enum mw_err e;
	int fd, saved;

	e = mw_open_regular_at(dirfd, name, &fd, st);
	if (e)
		return e;
	e = mw_read_fd_capped(fd, out, cap, truncated);
	saved = errno;
	close(fd);
	errno = saved;
	return e;
}

void mw_lines_init(struct mw_lines *it, const char *data, size_t len,
		   size_t max_line)
{
	it->p = data;
	it->end = data + len;
	it->max_line = max_line ? max_line : MW_MAX_LINE;
	it->lineno = 0;
}

int mw_lines_next(struct mw_lines *it, const char **line, size_t *len,
		  int *overlong)
{
	const char *nl;
	size_t l;

	if (!it->p || it->p >= it->end)
		return 0;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	l = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	*line = it->p;
	it->p = nl ? nl + 1 : it->end;
	it->lineno++;
	if (l > 0 && (*line)[l - 1] == '\r')
		l--;
	if (overlong)
		*overlong = l > it->max_line;
	*len = l > it->max_line ? it->max_line : l;
	return 1;
}

int mw_lines_next_trimmed(struct mw_lines *it, const char **line,
			  const char **end, int *overlong)
{
	const char *l;
	size_t n;

	if (!mw_lines_next(it, &l, &n, overlong))
		return 0;
	*end = l + n;
	while (l < *end && mw_blank(*l))
		l++;
	*line = l;
	return 1;
}

int mw_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}
