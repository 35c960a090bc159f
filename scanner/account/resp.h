/* The response record and the files it manages (record.c), for
 * respond.c. */
#ifndef MW_ACCOUNT_RESP_H
#define MW_ACCOUNT_RESP_H

#include <sys/types.h>

#include "scanner/account/acct_int.h"

#define RECORD		"record.json"
#define MAX_MANAGED	(4u << 20)	/* bytes of a managed file */

struct resp {
	struct acct_run *a;
	int apply;
	int dfd;		/* the record's directory, -1 before apply */
	char dir[4096];
	json_t *record;		/* {"user", "steps": [...]} */
	json_t *out;		/* the report's "response" */
};

/* Open STATE_DIR/account/USER, no symlinks; create it (0700) when create.
 * p->dir gets its path. */
int mw_acct_record_dir(struct resp *p, int create);
/* Write name in dfd atomically (temporary file, fsync, rename). 0 or -1. */
int mw_acct_write_at(int dfd, const char *name, const void *data, size_t len, mode_t mode);
/* Save p->record as record.json. 0 or -1. */
int mw_acct_record_save(struct resp *p);
/* The record of an earlier response not yet restored, or NULL. */
json_t *mw_acct_record_load(int dfd);
/* Append step (the record takes it) as "started" and save: nothing is
 * changed before this is on disk. The step, or NULL when not saved. */
json_t *mw_acct_record_begin(struct resp *p, json_t *step);
/* Mark step done/failed and save (an error in the report when it cannot). */
void mw_acct_record_done(struct resp *p, json_t *step, const char *state);
/* Open a directory without following a link at its end. */
int mw_acct_open_dir(const char *dir);
/* Read dir/name into b (up to b's cap); 1 read, 0 absent, -1 error. */
int mw_acct_read_managed(int dfd, const char *name, struct mw_buf *b);
/* The offset of the line equal to line in text, or -1. */
long mw_acct_find_line(const char *text, size_t n, const char *line);
/* text with line added at the end (add) or removed (!add) into out. */
enum mw_err mw_acct_edit_text(const char *text, size_t n, const char *line, int add,
			   struct mw_buf *out);
void mw_acct_sha_hex(const struct mw_buf *b, char out[65]);
/* Open the directory of path beneath / without following any link; its
 * last name into name. -1 when that cannot be done. */
int mw_acct_open_parent(const char *path, char *name, size_t cap);
/* sha256 of the regular file name in dfd (no links); -1 when not one. */
int mw_acct_file_sha(int dfd, const char *name, char out[65]);

/* respond.c's step helpers, for the steps in their own files. */
/* One line of the report's "steps": status planned/done/already done/... */
void mw_acct_step_out(struct resp *p, const char *step, const char *what, const char *status);
/* A failed step: in "steps" and as an error of the report. */
void mw_acct_fail(struct resp *p, const char *step, const char *what, const char *why);
/* Step step: add line to the managed file dir/name, backed up into the
 * record first; after (NULL or argv) runs once it is written. */
void mw_acct_block_file(struct resp *p, const char *step, const char *dir, const char *name,
		     const char *line, const char *what, const char *const *after);
/* Undo such a step: byte-identical when nobody changed the file since. */
int mw_acct_unblock_file(struct resp *p, json_t *st, const char *const *after);

/* Step "roundcube" (roundcube.c): end the account's webmail sessions, or
 * print the statement for a database it does not connect to; its undo. */
void mw_acct_roundcube_end(struct resp *p);
int mw_acct_roundcube_restore(struct resp *p, json_t *st, char *what, size_t wl);

/* Step "hold" (hold.c): hold (Postfix) or freeze (Exim) the account's
 * queued mail; its undo releases exactly the ids recorded. */
void mw_acct_hold(struct resp *p);
int mw_acct_release(struct resp *p, json_t *st, char *what, size_t wl);

/*
 * Which Exim (exim_block.c): --exim PROGRAM, else exim4 (Debian) or exim
 * in the fixed PATH (sysconf/mta.h). 0 when its `-bV` validates the
 * configuration, 1 when it does not, -1 when none runs; *prog names it
 * (kept in a->exim_path); why gets the runner's reason. No step acts on
 * an Exim that does not validate.
 */
int mw_acct_exim_validate(struct acct_run *a, const char **prog, char *why, size_t wl);

/* The Exim block (exim_block.c): step "block-exim", and its undo. */
void mw_acct_block_exim(struct resp *p);
int mw_acct_unblock_exim(struct resp *p, json_t *st, char *what, size_t wl);

#endif
