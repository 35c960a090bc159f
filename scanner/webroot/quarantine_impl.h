/*
 * Internals shared by quarantine.c (moving files in and out) and
 * quarantine_index.c (opening, checking, rebuilding and recovering the
 * index). Not for other modules: they use quarantine.h.
 */
#ifndef MW_QUARANTINE_IMPL_H
#define MW_QUARANTINE_IMPL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strlist.h"

struct mw_quarantine {
	int dfd;
	int rootfd;
	sqlite3 *db;
	long long disk_max_id;		/* highest <id>.q / <id>.meta seen */
	struct mw_strlist notes, problems;
};

void mw_q_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "<id>.<ext>", the stored file ("q") or its metadata ("meta"). */
void mw_q_name(char *out, size_t n, long long id, const char *ext);
int mw_q_set_state(struct mw_quarantine *q, long long id, const char *state);
int mw_q_delete_row(struct mw_quarantine *q, long long id);
/* 1 when fd holds the recorded bytes (the first `hashed` of them and the
 * size, when the record hashed only those). */
int mw_q_copy_matches(int fd, const char *sha, uint64_t hashed, int64_t size);
/* root:root 0400, no ACL, no capability: how a stored file stays. */
int mw_q_lock_down(int fd);
/* The parent directory of an absolute path, opened from "/" without
 * following any symlink; base receives the last component. */
enum mw_err mw_q_open_parent(struct mw_quarantine *q, const char *path,
			     int *pfd, char *base, size_t baselen);
/* Drop record id, its .meta and (unlink_copy) its stored file. */
void mw_q_forget(struct mw_quarantine *q, long long id, int unlink_copy);
/* Column i as a new string ("" for NULL). */
char *mw_q_col_dup(sqlite3_stmt *st, int i);

#endif
