/* Watched filesystems and directory verdicts; fan_fs.h has the contract. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/limits.h"
#include "scanner/watch/fan_fs.h"

struct fsent {
	int32_t fsid[2];
	int fd;			/* a directory on it, for open_by_handle_at */
};

struct verdict {
	int used;
	int wanted;
	int64_t at;
	int32_t fsid[2];
	uint32_t hb;
	int32_t ht;
	unsigned char h[MW_FAN_MAX_HANDLE];
};

struct mw_fan_fs {
	int fan_fd;
	mw_fan_wanted_fn wanted;
	void *arg;
	struct fsent fs[MW_WATCH_MAX_FS];
	size_t nfs;
	struct verdict *map;	/* MW_WATCH_DIRMAP slots, open addressing */
	size_t nmap;
};

struct mw_fan_fs *mw_fan_fs_new(int fan_fd, mw_fan_wanted_fn wanted, void *arg)
{
	struct mw_fan_fs *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->map = calloc(MW_WATCH_DIRMAP, sizeof(*f->map));
	if (!f->map) {
		free(f);
		return NULL;
	}
	f->fan_fd = fan_fd;
	f->wanted = wanted;
	f->arg = arg;
	return f;
}

void mw_fan_fs_free(struct mw_fan_fs *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->nfs; i++)
		close(f->fs[i].fd);
	free(f->map);
	free(f);
}

int mw_fan_fs_watch(struct mw_fan_fs *f, const char *root, uint64_t mask,
		    char *err, size_t errlen)
{
	struct statfs sfs;
	int32_t fsid[2];
	size_t i;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", root, strerror(errno));
		return -1;
	}
	if (fstatfs(fd, &sfs) < 0) {
		snprintf(err, errlen, "%s: statfs: %s", root, strerror(errno));
		close(fd);
		return -1;
	}
	memcpy(fsid, &sfs.f_fsid, sizeof(fsid));
	for (i = 0; i < f->nfs; i++)
		if (!memcmp(f->fs[i].fsid, fsid, sizeof(fsid))) {
			close(fd);
			return 0;	/* its filesystem is marked already */
		}
	if (f->nfs == MW_WATCH_MAX_FS) {
		snprintf(err, errlen, "%s: more than %d filesystems to watch", root,
			 MW_WATCH_MAX_FS);
		close(fd);
		errno = ENOSPC;
		return -1;
	}
	if (fanotify_mark(f->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, fd, NULL) < 0) {
		int saved = errno;

		snprintf(err, errlen, "%s: cannot watch its filesystem: %s%s", root,
			 strerror(saved), saved == ENODEV || saved == EOPNOTSUPP ||
			 saved == EXDEV ? " (the filesystem does not report file handles)" : "");
		close(fd);
		errno = saved;
		return -1;
	}
	memcpy(f->fs[f->nfs].fsid, fsid, sizeof(fsid));
	f->fs[f->nfs++].fd = fd;
	return 0;
}

static int fs_fd(const struct mw_fan_fs *f, const int32_t fsid[2])
{
	size_t i;

	for (i = 0; i < f->nfs; i++)
		if (f->fs[i].fsid[0] == fsid[0] && f->fs[i].fsid[1] == fsid[1])
			return f->fs[i].fd;
	return -1;
}

int mw_fan_fs_open_dir(struct mw_fan_fs *f, const int32_t fsid[2], uint32_t handle_bytes,
		       int32_t handle_type, const unsigned char *handle,
		       char *path, size_t pathlen)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[MW_FAN_MAX_HANDLE];
	} h;
	char proc[64];
	ssize_t n;
	int mfd = fs_fd(f, fsid), fd;

	if (mfd < 0) {
		errno = EXDEV;
		return -1;
	}
	if (handle_bytes > MW_FAN_MAX_HANDLE) {
		errno = EINVAL;
		return -1;
	}
	h.fh.handle_bytes = handle_bytes;
	h.fh.handle_type = handle_type;
	memcpy(h.fh.f_handle, handle, handle_bytes);
	fd = open_by_handle_at(mfd, &h.fh, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, path, pathlen - 1);
	if (n < 0 || (size_t)n >= pathlen - 1 || path[0] != '/') {
		/* unreachable from our root (another namespace) or too long */
		close(fd);
		errno = ENOENT;
		return -1;
	}
	path[n] = '\0';
	if (n > 10 && !strcmp(path + n - 10, " (deleted)")) {
		close(fd);
		errno = ENOENT;
		return -1;
	}
	return fd;
}

static size_t slot_of(const struct mw_fan_event *ev)
{
	uint64_t h = 1469598103934665603ULL ^ (uint32_t)ev->fsid[0] ^
		     ((uint64_t)(uint32_t)ev->fsid[1] << 32);
	uint32_t i;

	for (i = 0; i < ev->handle_bytes; i++)
		h = (h ^ ev->handle[i]) * 1099511628211ULL;
	return (size_t)(h & (MW_WATCH_DIRMAP - 1));
}

void mw_fan_fs_forget(struct mw_fan_fs *f)
{
	memset(f->map, 0, MW_WATCH_DIRMAP * sizeof(*f->map));
	f->nmap = 0;
}

int mw_fan_fs_dir_wanted(struct mw_fan_fs *f, const struct mw_fan_event *ev,
			 int64_t now_ms)
{
	char path[MW_MAX_PATH];
	struct verdict *v;
	size_t i = slot_of(ev);
	int fd, wanted;

	for (v = &f->map[i]; v->used; v = &f->map[i = (i + 1) & (MW_WATCH_DIRMAP - 1)]) {
		if (v->hb != ev->handle_bytes || v->ht != ev->handle_type ||
		    memcmp(v->fsid, ev->fsid, sizeof(v->fsid)) ||
		    memcmp(v->h, ev->handle, ev->handle_bytes))
			continue;
		if (now_ms - v->at < MW_WATCH_DIRMAP_TTL_MS)
			return v->wanted;
		break;		/* stale: look again, same slot */
	}
	fd = mw_fan_fs_open_dir(f, ev->fsid, ev->handle_bytes, ev->handle_type,
				ev->handle, path, sizeof(path));
	if (fd < 0)
		return 0;	/* gone already: nothing to scan */
	close(fd);
	wanted = f->wanted(f->arg, path);
	if (!v->used) {
		if (f->nmap >= MW_WATCH_DIRMAP / 2) {
			/* full enough to probe long: start over (a burst on a
			 * huge tree; the verdicts are cheap to redo) */
			mw_fan_fs_forget(f);
			v = &f->map[slot_of(ev)];
		}
		f->nmap++;
	}
	v->used = 1;
	v->wanted = wanted;
	v->at = now_ms;
	memcpy(v->fsid, ev->fsid, sizeof(v->fsid));
	v->hb = ev->handle_bytes;
	v->ht = ev->handle_type;
	memcpy(v->h, ev->handle, ev->handle_bytes);
	return wanted;
}
