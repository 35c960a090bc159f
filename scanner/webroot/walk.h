/*
 * Parallel directory walker on directory fds (sbase's habit, no global path
 * buffers): getdents64 on each directory, d_type decides (an fstatat only
 * for DT_UNKNOWN), symbolic links are reported and never followed, other
 * filesystems are not entered unless asked, excluded paths are skipped.
 *
 * Work is a LIFO of directories plus batches of file names. A worker that
 * reads a directory pushes its subdirectories, hands file batches to the
 * shared queue while it has room (MW_WALK_QUEUE_BATCHES) and otherwise
 * processes them itself, so the queue stays bounded and nobody blocks.
 * Each directory fd stays open only while names in it are pending.
 */
#ifndef MW_WALK_H
#define MW_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/strlist.h"

#define MW_WALK_BATCH		64	/* file names per queued batch */
#define MW_WALK_QUEUE_BATCHES	256	/* queued file batches at most */
#define MW_WALK_DENTS_BUF	(64 * 1024)
#define MW_WALK_MAX_PATH	65536	/* longer paths are reported, not walked */
#define MW_WALK_MAX_THREADS	64

enum mw_walk_event {
	MW_WALK_SYMLINK,	/* not followed; target in detail */
	MW_WALK_ERROR,		/* could not read/open; errno in err */
	MW_WALK_OTHER_FS,	/* directory on another filesystem, not entered;
				 * detail "bind mount": the same filesystem
				 * mounted again (another mount id) */
	MW_WALK_EXCLUDED,	/* excluded by configuration/--exclude */
	MW_WALK_SPECIAL,	/* FIFO, socket, device: not read */
	MW_WALK_VANISHED,	/* deleted between getdents and open/stat:
				 * live sites churn, not an error */
};

/* A regular file (by d_type) to process: open it with
 * mw_open_regular_at(dirfd, name, ...). path is valid during the call. */
struct mw_walk_file {
	int dirfd;
	const char *name;
	const char *path;
	dev_t dir_dev;		/* st_dev of the directory holding it */
	uint64_t ino;		/* d_ino from the directory: a hint (the file
				 * may have been replaced since) */
};

struct mw_walk_ops {
	/* per-thread state: created in the worker, passed to file() */
	void *(*thread_init)(void *ud);
	void (*thread_fini)(void *ud, void *ts);
	void (*file)(void *ud, void *ts, const struct mw_walk_file *f);
	/* events may come from any thread at once */
	void (*event)(void *ud, enum mw_walk_event ev, const char *path,
		      int err, const char *detail);
};

struct mw_walk_stats {
	unsigned long dirs, files, symlinks, special, other_fs, excluded, errors,
		      vanished;
};

struct mw_walk_opts {
	const struct mw_strlist *exclude;	/* paths or fnmatch globs */
	int cross_filesystems;
	unsigned threads;			/* 0 = number of cores */
};

/*
 * Walk every root (directories; a regular file root is passed to file()
 * directly). A root that cannot be opened is an MW_WALK_ERROR event; the
 * walk goes on with the others. Returns MW_ERR_NOMEM or MW_ERR_INTERNAL
 * when threads cannot be started, MW_OK otherwise (problems are events).
 */
enum mw_err mw_walk(const char *const *roots, size_t nroots,
		    const struct mw_walk_opts *o, const struct mw_walk_ops *ops,
		    void *ud, struct mw_walk_stats *stats);

/* 1 when path is excluded by one of the entries (exact path, a parent of
 * path, or an fnmatch pattern with '*', '?' or '[' matched against the
 * whole path; '*' also matches '/' so that a cache pattern works at any
 * depth). */
int mw_walk_is_excluded(const struct mw_strlist *exclude, const char *path);

#endif
