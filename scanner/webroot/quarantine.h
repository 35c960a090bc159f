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
 *
 * A quarantine is a recoverable transaction: the record goes in first
 * (state "moving", committed), then <id>.meta beside the file (fsync'd:
 * quarantine_meta.h), then the move, fsync of both directories, and the
 * record is marked "quarantined" last. mw_quarantine_open() finishes or
 * rolls back every record left "moving" by a crash, a kill or a full disk,
 * checks the index (PRAGMA quick_check) and rebuilds it from the .meta files
 * when it is damaged or empty. One run at a time: the directory is flock'ed
 * for as long as the handle is open (a second run waits).
 */
#ifndef MW_QUARANTINE_H
#define MW_QUARANTINE_H

#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/strlist.h"

#define MW_QUARANTINE_INDEX "index.sqlite"
/* Room kept free beyond a copied file: its .meta and the index journal. */
#define MW_QUARANTINE_RESERVE	(1u << 20)
/* Longest piece of a path opened in one call (below PATH_MAX). */
#define MW_QUARANTINE_PATH_CHUNK 2048

struct mw_quarantine;

struct mw_quarantine_item {
	long long id;
	char *path, *sha256, *rules, *state;
	uid_t uid;
	gid_t gid;
	mode_t mode;
	int64_t atime_ns, mtime_ns, size, when;
	uint64_t hashed;	/* bytes sha256 covers, 0 = the whole file */
};

/*
 * Open (create) the quarantine directory and index, waiting for any other
 * run holding it. Then repairs: see above. What the repairs did is in
 * mw_quarantine_notes() (finished/rolled back moves) and
 * mw_quarantine_problems() (damaged index, records rebuilt, files that
 * could not be accounted for): the caller reports problems as errors, so a
 * run that found the quarantine damaged never exits 0.
 */
enum mw_err mw_quarantine_open(const char *dir, struct mw_quarantine **out,
			       char *err, size_t errlen);
const struct mw_strlist *mw_quarantine_notes(const struct mw_quarantine *q);
const struct mw_strlist *mw_quarantine_problems(const struct mw_quarantine *q);

/* Both lists into a report: notes as notes, problems as errors (exit 2).
 * Defined in quarantine_run.c, shared with the scan. */
struct mw_report;
void mw_quarantine_report_repairs(struct mw_report *r, const char *check,
				  const struct mw_quarantine *q, const char *dir);
void mw_quarantine_close(struct mw_quarantine *q);

/*
 * Move path into quarantine. dev/ino/sha256 identify the scanned file: a
 * file replaced in between is refused (MW_ERR_IO with a message). hashed is
 * how many leading bytes sha256 covers (0: the whole file; a file larger
 * than the scan's read cap is hashed that far only). rules is a
 * comma-separated list of rule ids. On MW_OK *id is the record id and the
 * record is "quarantined". A failure before the move leaves the file where
 * it was (*id 0); a failure after it (the index could not be updated)
 * returns an error with *id set: the record stays "moving" and the next
 * mw_quarantine_open() finishes it. Refused: a file whose extended
 * attributes cannot be read, and across filesystems a file that does not
 * fit (MW_QUARANTINE_RESERVE kept free) or whose hash does not cover it.
 */
enum mw_err mw_quarantine_file(struct mw_quarantine *q, const char *path,
			       dev_t dev, ino_t ino, const char *sha256,
			       uint64_t hashed, const char *rules, long long *id,
			       char *err, size_t errlen);

/*
 * Put a file back byte-identical with owner, group, mode, atime, mtime and
 * extended attributes (ACLs, capabilities). They are set on the open
 * descriptor before the file gets its name back (same filesystem: on the
 * stored file inside the root-only directory, then rename; another one: an
 * O_TMPFILE copy, then linkat), so nothing swapped in at the path is ever
 * touched. Refuses when something exists at the original path again, when
 * the parent directory is gone or reached through a symlink, or when the
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

/* --------------------------------------------- `mailwarden quarantine` */

struct mw_ctx;

enum mw_quarantine_verb {
	MW_QUARANTINE_LIST = 0,
	MW_QUARANTINE_RESTORE,	/* put item id back where it was */
	MW_QUARANTINE_PURGE,	/* delete item id for good */
};

struct mw_quarantine_opts {
	enum mw_quarantine_verb verb;
	long long id;		/* restore, purge: the item (> 0) */
};

/*
 * List, restore or purge in [scan] quarantine_dir, into report (check and
 * data section "quarantine"). MW_OK when the index could be read (a failed
 * restore or purge is an error in the report); else an error via mw_fail().
 */
enum mw_err mw_quarantine_run(struct mw_ctx *ctx, const struct mw_quarantine_opts *o,
			      struct mw_report *report);

#endif
