/*
 * Every fixed limit in one place (YARA's habit). Where a limit is
 * configurable, this is the default.
 */
#ifndef MW_LIMITS_H
#define MW_LIMITS_H

#define MW_MAX_CONFIG_SIZE	(1u << 20)	/* mailwarden.conf */
#define MW_MAX_CONFIG_LINE	4096
#define MW_MAX_SCAN_FILE	(16u << 20)	/* web-root file, default */
#define MW_MAX_TEXT_FILE	(4u << 20)	/* forward/sieve/alias/config */
#define MW_MAX_LINE		8192		/* any parsed text line */
#define MW_MAX_EXCERPT		160		/* chars shown of matched text */
#define MW_MAX_PATH		4096
#define MW_MAX_CMD_OUTPUT	(8u << 20)	/* captured child output */
#define MW_CMD_TIMEOUT_MS	20000		/* child process wall time */
#define MW_MAX_REPORT_FINDINGS	200000
/* Operating on a fleet (issue 27): journal entries, hooks, metrics. */
#define MW_MAX_JOURNAL_VALUE	2048		/* bytes of one journal field */
#define MW_MAX_JOURNAL_ENTRY	(64u << 10)	/* one datagram to journald */
#define MW_MAX_JOURNAL_FINDINGS	1000		/* finding entries per run */
#define MW_MAX_HOOK_OUTPUT	4096		/* hook output kept for the log */
#define MW_MAX_HOOK_INPUT	(16u << 20)	/* JSON lines piped to one hook */
#define MW_MAX_METRIC_LABELS	64		/* values of a label (lists) */

#endif
