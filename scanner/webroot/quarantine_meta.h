/*
 * The record kept beside every quarantined file: quarantine_dir/<id>.meta,
 * written (O_EXCL, fsync) before the file moves, so that the index can be
 * rebuilt from the directory alone when index.sqlite is damaged or empty,
 * and so that restore has the extended attributes (POSIX ACLs are the
 * xattrs system.posix_acl_*, file capabilities security.capability) that
 * SQLite does not keep.
 *
 * Format: text, one "key value" per line, first line "mailwarden-quarantine
 * 1". Numbers are decimal; path, rules and xattr names/values are hex (raw
 * bytes, any encoding). Internal to the quarantine.
 */
#ifndef MW_QUARANTINE_META_H
#define MW_QUARANTINE_META_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MW_QMETA_MAX_SIZE	(4u << 20)	/* one .meta file */
#define MW_QMETA_MAX_XATTRS	256

struct mw_qxattr {
	char *name;
	unsigned char *value;
	size_t len;
};

struct mw_qmeta {
	long long id;
	char *path, *rules;
	char sha256[65];
	uint64_t hashed;	/* bytes sha256 covers; 0 = the whole file */
	uid_t uid;
	gid_t gid;
	mode_t mode;
	int64_t atime_ns, mtime_ns, size, when;
	struct mw_qxattr *xattrs;
	size_t nxattrs;
};

/*
 * Read every extended attribute of fd into m. A filesystem without xattrs
 * gives none. -1 with a reason in err when one cannot be read: the caller
 * then refuses to quarantine (it could not give the file back whole).
 */
int mw_qmeta_read_xattrs(int fd, struct mw_qmeta *m, char *err, size_t errlen);

/* Set m's extended attributes on fd. -1 with the first failure in err. */
int mw_qmeta_apply_xattrs(int fd, const struct mw_qmeta *m, char *err,
			  size_t errlen);

/* Write dfd/<id>.meta (new file, 0600), fsync it and dfd. -1 + errno. */
int mw_qmeta_write(int dfd, const struct mw_qmeta *m);

/* Parse dfd/<name>. -1 when missing or malformed. Free with mw_qmeta_clear. */
int mw_qmeta_load(int dfd, const char *name, struct mw_qmeta *m);

/* The same from text[0..len) (no NUL needed; the fuzz target's entry). */
int mw_qmeta_parse(const char *text, size_t len, struct mw_qmeta *m);

void mw_qmeta_clear(struct mw_qmeta *m);

#endif
