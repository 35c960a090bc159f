/*
 * The watched filesystems and the directories in them. fanotify reports a
 * directory by file handle; open_by_handle_at() on a descriptor of the
 * same filesystem (CAP_DAC_READ_SEARCH) turns it into a descriptor, and
 * /proc/self/fd into its current path, which decides whether the event is
 * under a watched root. A filesystem mark sees the whole filesystem, so
 * most events on a busy / are outside the roots: the verdict per
 * directory is remembered (bounded, forgotten when directories move).
 */
#ifndef MW_WATCH_FAN_FS_H
#define MW_WATCH_FAN_FS_H

#include <stddef.h>
#include <stdint.h>

#include "core/strlist.h"
#include "scanner/watch/fan_event.h"

#define MW_WATCH_MAX_FS		64	/* distinct filesystems watched */
#define MW_WATCH_DIRMAP		8192	/* remembered directory verdicts */
#define MW_WATCH_DIRMAP_TTL_MS	60000	/* a verdict is checked again after */

struct mw_fan_fs;

/* Filter: 1 when path (a directory, or a file in it) is to be watched. */
typedef int (*mw_fan_wanted_fn)(void *arg, const char *path);

struct mw_fan_fs *mw_fan_fs_new(int fan_fd, mw_fan_wanted_fn wanted, void *arg);
void mw_fan_fs_free(struct mw_fan_fs *f);

/*
 * Mark the filesystem holding root (a directory) for mask, once per
 * filesystem. Returns 0, or -1 with errno and a sentence in err.
 */
int mw_fan_fs_watch(struct mw_fan_fs *f, const char *root, uint64_t mask,
		    char *err, size_t errlen);

/*
 * 1 when the directory of ev is under a watched root (remembered), 0 when
 * not or when it is gone. now_ms ages the verdicts.
 */
int mw_fan_fs_dir_wanted(struct mw_fan_fs *f, const struct mw_fan_event *ev,
			 int64_t now_ms);

/* Forget every verdict (a directory was renamed). */
void mw_fan_fs_forget(struct mw_fan_fs *f);

/*
 * Open the directory (fsid, handle) as an O_PATH descriptor and put its
 * current path in path (NUL-terminated). Returns the descriptor, or -1
 * (errno: ESTALE/ENOENT when it was deleted, EXDEV for an unknown
 * filesystem).
 */
int mw_fan_fs_open_dir(struct mw_fan_fs *f, const int32_t fsid[2], uint32_t handle_bytes,
		       int32_t handle_type, const unsigned char *handle,
		       char *path, size_t pathlen);

#endif
