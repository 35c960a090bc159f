/*
 * Nightly finding state: one SQLite file under [nightly] state_dir that
 * remembers every finding reported before (stable id, first and last
 * seen, acknowledged, resolved), so that `audit --nightly` and `watch`
 * report only what is new and `ack` can silence a finding. It lives with
 * the report model, below the commands that use it: the audit decides
 * what a run shows (audit/audit.c), this file only what was seen. A lock file in the same directory keeps two runs apart. A state file
 * that is corrupt or has another schema is moved aside and replaced — the
 * caller gets a note saying so, never a crash.
 */
#ifndef MW_FINDING_STATE_H
#define MW_FINDING_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/severity.h"

#define MW_STATE_DB		"findings.db"
#define MW_STATE_LOCK		"lock"
#define MW_STATE_SCHEMA		1	/* bump when the tables change */
#define MW_STATE_MAX_NOTE	1024
#define MW_STATE_MAX_BROKEN	1000	/* .broken-TIME.N copies kept per second */
#define MW_FINDING_HEX		16	/* digits of a full finding id */

struct mw_state;

enum mw_state_status {
	MW_STATE_NEW = 0,	/* never seen, or seen again after it was resolved */
	MW_STATE_SEEN,		/* reported before, not acknowledged */
	MW_STATE_ACKED,		/* acknowledged with `mailwarden ack` */
};

/* What the state keeps of a finding. Strings are borrowed. */
struct mw_state_item {
	const char *id;		/* mw_finding_id() */
	const char *check, *rule_id, *title;
	const char *path;	/* scan findings: the file, for resolution */
	enum mw_severity severity;
	int64_t file_size, file_mtime;	/* -1 when unknown */
};

/*
 * Open the state in dir: create dir (0700) when missing, refuse a dir that
 * is a symlink, not a directory, or writable by group/others; take an
 * exclusive non-blocking flock on dir/lock; open or create dir/findings.db
 * (created 0600 with O_CREAT|O_EXCL). A corrupt or foreign database is
 * renamed to findings.db.broken-TIME and a fresh one created; *note then
 * holds a sentence for the report (note[0] == '\0' otherwise).
 * Errors: MW_ERR_IO with *busy = 1 when another run holds the lock;
 * MW_ERR_IO/MW_ERR_PRIV otherwise, with a message in err.
 */
enum mw_err mw_state_open(const char *dir, int64_t now, struct mw_state **out,
			  int *busy, char *note, size_t notelen,
			  char *err, size_t errlen);

/*
 * Record that the current run saw it; *status says what it was before.
 * A finding resolved earlier comes back as NEW (and loses its ack).
 */
enum mw_err mw_state_observe(struct mw_state *st, const struct mw_state_item *it,
			     enum mw_state_status *status);

/* Called for each finding the sweep marks resolved (strings valid only
 * during the call). */
typedef void (*mw_state_resolved_fn)(void *arg, const struct mw_state_item *it,
				     int64_t first_seen);

/*
 * Mark resolved the open findings of the checks in ran[0..nran) that this
 * run did not observe. A scan finding whose file still exists with the
 * recorded size and mtime is kept open (an incremental scan may not re-read
 * unchanged files). Findings of checks not in ran stay as they are.
 * Returns the number resolved via *nresolved.
 */
enum mw_err mw_state_sweep(struct mw_state *st, const char *const *ran, size_t nran,
			   mw_state_resolved_fn cb, void *arg, size_t *nresolved);

/*
 * Acknowledge the open finding whose id is id or starts with id (at least
 * 6 hex digits, unique). Copies its title into title (may be NULL). A full
 * 16-digit id not in the state yet (seen only by a full audit) is recorded
 * as acknowledged in advance.
 * MW_ERR_USAGE when no or more than one finding matches (message in err).
 */
enum mw_err mw_state_ack(struct mw_state *st, const char *id, char *title,
			 size_t titlelen, char *err, size_t errlen);

/*
 * Errors are news too, but only the first time: given the signatures
 * (hex ids) of this run's errors, returns how many were not among the
 * previous run's, and stores this run's set for the next one.
 */
size_t mw_state_new_errors(struct mw_state *st, const char *const *sigs, size_t n);

/* Counts over the open (unresolved) findings. */
void mw_state_counts(struct mw_state *st, size_t *open, size_t *acked);

/* Commit the run (when commit) and close; releases the lock. */
enum mw_err mw_state_close(struct mw_state *st, int commit);

#endif
