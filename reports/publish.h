/*
 * After a command has run: hand its findings to the tools a fleet already
 * runs. One structured journal entry per finding (nightly: per new
 * finding, since the audit has dropped the others by then), and the
 * administrator's hooks from [hooks]: on_finding gets the findings,
 * on_listing the blocklist listings, on_run_complete the run's summary,
 * each as --format jsonl lines on stdin.
 */
#ifndef MW_PUBLISH_H
#define MW_PUBLISH_H

#include "core/ctx.h"
#include "reports/report.h"

/* MESSAGE_IDs (journalctl MESSAGE_ID=...): one per kind of entry. */
#define MW_MESSAGE_ID_FINDING	"6a32aad5284e47d18ba25dffcc7fcee8"
#define MW_MESSAGE_ID_HOOK	"f0a0c47c59ea423b98a64bc46ef9a413"

/*
 * Publish the finished report r of command ctx->command: journal entries
 * (unless [general] journal = no; at most MW_MAX_JOURNAL_FINDINGS, then
 * one entry saying how many were left out) and the configured hooks.
 * Commands that manage mailwarden itself (quarantine, signatures, ack)
 * publish nothing. Never fails the run: a hook that cannot start, fails
 * or times out is logged (journal, priority err) and noted in r.
 */
void mw_publish_run(struct mw_ctx *ctx, struct mw_report *r);

/*
 * The two halves of mw_publish_run, for a command that reports as it goes
 * (watch: a report per event, then findings; complete once, at the end):
 * the journal entries, on_finding and on_listing for the findings in r;
 * on_run_complete with r's summary line.
 */
void mw_publish_findings(struct mw_ctx *ctx, struct mw_report *r);
void mw_publish_complete(struct mw_ctx *ctx, struct mw_report *r);

#endif
