/*
 * `mailwarden watch`: the web-root scan in real time. fanotify filesystem
 * marks (FAN_REPORT_DFID_NAME, Linux >= 5.9) report files closed after
 * writing, moved in or created under the roots; each goes through the
 * scan's own engine (scan.h's session: classify, rules, findings,
 * quarantine), and the scan cache remembers what was reported, so that a
 * finding is reported once per version of a file, across restarts.
 *
 * Like the audit, the watch runs the scan engine (scan.h's session) and
 * shares the nightly run's finding state (reports/finding_state.h) and
 * mail (core/mail.h); it never includes audit/.
 */
#ifndef MW_WATCH_H
#define MW_WATCH_H

#include <stddef.h>

#include "core/buf.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/strlist.h"

#define MW_WATCH_MIN_KERNEL	"5.9"	/* FAN_REPORT_DFID_NAME */
#define MW_WATCH_READ_BUF	(256 * 1024)	/* one read(2) of events */
#define MW_WATCH_READS_PER_TURN	64	/* reads before scanning again */
#define MW_WATCH_SLICE		64	/* files scanned between reads */
#define MW_WATCH_MAIL_EVERY_S	300	/* findings mailed at most this often */
#define MW_WATCH_MAIL_MAX	200	/* findings listed in one mail */

/* Where the findings go, as they come: the CLI prints them. */
struct mw_watch_sink {
	/* Show slice's notes, findings and errors. Returns 0, or -1 when
	 * standard output is gone (the watch then stops, exit 2). */
	int (*emit)(void *arg, struct mw_report *slice);
	void *arg;
};

struct mw_watch_opts {
	struct mw_strlist roots;	/* empty = the detected web roots */
	int explicit_roots;
	struct mw_strlist exclude;	/* besides config exclude */
	const char *signatures;		/* NULL = default */
	size_t max_file_size;		/* 0 = config */
	int quarantine;			/* or [watch] quarantine */
	unsigned max_rate;		/* files/s, 0 = [watch] max_rate */
	int no_initial_scan;		/* do not walk the roots at start */
	int min_severity;		/* findings below are not shown */
	struct mw_watch_sink sink;
};

/*
 * Watch until SIGTERM/SIGINT/SIGHUP. Findings, notes and errors go to the
 * sink as they happen, findings also to the journal and (batched) by mail
 * to mail_to; report gets the run's counters (data section "watch") and
 * the errors that ended it. Returns MW_OK after a signal, or an error via
 * mw_fail(): kernel too old, no privilege, nothing to watch, output gone.
 */
enum mw_err mw_watch_run(struct mw_ctx *ctx, const struct mw_watch_opts *o,
			 struct mw_report *report);

enum mw_err mw_watch_opts_describe(const struct mw_watch_opts *o, struct mw_buf *b);

#endif
