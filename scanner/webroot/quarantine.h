/*
 * Reversible quarantine. Files go to quarantine_dir (root-only, 0700) as
 * "<id>.q" (mode 0400, owned by root: nothing executable stays behind),
 * with a record in quarantine_dir/index.sqlite: original path, owner,
 * group, mode, atime, mtime, size, sha256, rule ids, time of quarantine,
 * state (quarantined, restored, purged).
 *
 * Paths are resolved from "/" without following any symbolic link
 * (core/safefile.h mw_open_beneath), the file must still be the one that
 * was scanned (device, inode, sha256), and a move across filesystems is
 * copy + fsync + hash check + unlink.
 */
#ifndef MW_QUARANTINE_H
#define MW_QUARANTINE_H

#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

#define MW_QUARANTINE_INDEX "index.sqlite"

struct mw_quarantine;

struct mw_quarantine_item {
	long long id;
	char *path, *sha256, *rules, *state;
	uid_t uid;
	gid_t gid;
	mode_t mode;
	int64_t atime_ns, mtime_ns, size, when;
};

/* Open (create) the quarantine directory and index. */
enum mw_err mw_quarantine_open(const char *dir, struct mw_quarantine **out,
			       char *err, size_t errlen);
void mw_quarantine_close(struct mw_quarantine *q);

/*
 * Move path into quarantine. dev/ino/sha256 identify the scanned file: a
 * file replaced in between is refused (MW_ERR_IO with a message). rules is
 * a comma-separated list of rule ids. *id receives the record id.
 */
enum mw_err mw_quarantine_file(struct mw_quarantine *q, const char *path,
			       dev_t dev, ino_t ino, const char *sha256,
			       const char *rules, long long *id,
			       char *err, size_t errlen);

/*
 * Put a file back byte-identical with owner, group, mode, atime and mtime.
 * Refuses when something exists at the original path again, when the
 * parent directory is gone or reached through a symlink, or when the
 * stored file's hash no longer matches the record.
 */
enum mw_err mw_quarantine_restore(struct mw_quarantine *q, long long id,
				  char *err, size_t errlen);

/* Delete the stored copy for good (record kept, state "purged"). */
enum mw_err mw_quarantine_purge(struct mw_quarantine *q, long long id,
				char *err, size_t errlen);

/* All records, oldest first; free with mw_quarantine_items_free. */
enum mw_err mw_quarantine_list(struct mw_quarantine *q,
			       struct mw_quarantine_item **items, size_t *n);
void mw_quarantine_items_free(struct mw_quarantine_item *items, size_t n);

#endif
