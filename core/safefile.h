/*
 * Opening and reading files that an attacker may have written, as root.
 * Nothing here follows a symbolic link in the last component, every fd is
 * O_CLOEXEC, every read is capped, and the fd is fstat'ed so that the caller
 * judges the object it actually opened (OpenSMTPD's ~/.forward habit).
 */
#ifndef MW_SAFEFILE_H
#define MW_SAFEFILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/error.h"

/*
 * openat() with O_NOATIME where permitted (the owner, or CAP_FOWNER as root
 * has), without it otherwise: reading a suspect file must not destroy the
 * atime an investigator uses to see when a mailer was last run.
 */
int mw_openat_noatime(int dirfd, const char *name, int flags);
/*
 * Open name relative to dirfd (AT_FDCWD allowed) read-only with O_NOFOLLOW,
 * O_NOATIME where permitted (mw_openat_noatime),
 * O_NONBLOCK (a FIFO must not hang us) and O_CLOEXEC, then fstat it.
 * Regular files only: a symlink gives MW_ERR_SYMLINK, a FIFO/device/dir
 * gives MW_ERR_NOTREG. On success *fd_out is open and st filled (if given).
 * errno is left set on failure.
 */
enum mw_err mw_open_regular_at(int dirfd, const char *name, int *fd_out,
			       struct stat *st);

/*
 * Open a directory relative to dirfd with O_NOFOLLOW|O_DIRECTORY|O_CLOEXEC.
 */
enum mw_err mw_open_dir_at(int dirfd, const char *name, int *fd_out);

/*
 * Open path beneath the directory rootfd without following any symbolic
 * link in any component and without escaping rootfd through "..": uses
 * openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) where the kernel has it, a
 * component-by-component O_NOFOLLOW walk otherwise. A leading '/' in path
 * is taken relative to rootfd (how `--root DIR` audits an image).
 * want_dir selects directory or regular file.
 */
enum mw_err mw_open_beneath(int rootfd, const char *path, int want_dir,
			    int *fd_out, struct stat *st);

/* Write all n bytes (retrying short writes and EINTR): 0, or -1 with errno. */
int mw_write_all(int fd, const void *p, size_t n);

/*
 * Read the whole file behind fd into out, at most cap bytes. When the file
 * is larger, *truncated (if given) is set to 1 and the first cap bytes are
 * kept; otherwise 0. Retries on EINTR. Returns MW_ERR_IO on read errors.
 */
enum mw_err mw_read_fd_capped(int fd, struct mw_buf *out, size_t cap,
			      int *truncated);

/*
 * Convenience: open (mw_open_regular_at) + capped read + close.
 */
enum mw_err mw_read_file_at(int dirfd, const char *name, struct mw_buf *out,
			    size_t cap, int *truncated, struct stat *st);

/*
 * Line iterator over a buffer. Lines end at '\n'; a trailing '\r' is
 * stripped; lines longer than max_line are returned cut to max_line with
 * overlong set (the rest of the line is skipped). NUL bytes are kept.
 */
struct mw_lines {
	const char *p, *end;
	size_t max_line;
	unsigned long lineno;	/* 1-based number of the line just returned */
};

void mw_lines_init(struct mw_lines *it, const char *data, size_t len,
		   size_t max_line);
/* Next line; returns 0 at the end. */
int mw_lines_next(struct mw_lines *it, const char **line, size_t *len,
		  int *overlong);
/*
 * Next line as mw_lines_next, its leading blanks (space, tab, \r, \v, \f)
 * skipped: *line is the first other byte, *end the line's end (equal for
 * a blank line). The configuration-file parsers' loop head.
 */
int mw_lines_next_trimmed(struct mw_lines *it, const char **line,
			  const char **end, int *overlong);

#endif
