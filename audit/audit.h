/*
 * The audit: run every check into one report, correlate evidence across
 * checks, and turn the findings into a headline verdict and a numbered
 * remediation plan. Everything here except the command itself is a pure
 * function over a report, so the unit tests feed it synthetic findings.
 */
#ifndef MW_AUDIT_H
#define MW_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "core/ctx.h"
#include "core/strlist.h"
#include "reports/report.h"

/* Limits of the analysis (everything else is bounded by the report). */
#define MW_AUDIT_MAX_CORRELATIONS	1000	/* extra audit.* findings */
#define MW_AUDIT_MAX_PLAN_ITEMS		25	/* targets listed per plan step */
#define MW_AUDIT_MAX_HEADLINE		512

enum mw_audit_status {
	MW_AUDIT_OK = 0,	/* ran (findings or not) */
	MW_AUDIT_FAILED,	/* returned an error: recorded in the report */
	MW_AUDIT_NOTIMPL,	/* answered MW_ERR_NOTIMPL */
	MW_AUDIT_SKIPPED,	/* --skip/--only, or not run in nightly mode */
};

/* What the command tells the analysis about one check it ran (or not). */
struct mw_audit_check {
	const char *name;		/* "dnsbl", "logs", ... */
	enum mw_audit_status status;
	const char *argv;		/* the equivalent command line */
	const char *error;		/* message when failed/notimpl */
	double seconds;
	size_t findings;		/* findings the check added */
};

struct mw_audit_input {
	const struct mw_audit_check *checks;
	size_t nchecks;
	const char *logs_window;	/* e.g. "7d", shown with mail counts */
	int nightly;
	int firewall_applied;		/* --apply given and firewall ran ok */
	const char *headline_prefix;	/* e.g. "nightly: 1 new", or NULL */
};

struct mw_audit_opts {
	int apply;			/* also enforce the firewall (--apply) */
	int nightly;			/* only new and resolved findings */
	struct mw_strlist only, skip;	/* check names */
	const char *metrics_textfile;	/* DIR for mailwarden.prom; NULL = config */
	/* passed on to the checks */
	const char *resolver;		/* dnsbl --resolver */
	struct mw_strlist ip, list;	/* dnsbl --ip, --list */
	const char *since;		/* logs --since; NULL = 7d (nightly 2d,
					 * with log files given: all) */
	struct mw_strlist log;		/* logs FILE... */
	struct mw_strlist web_root;	/* scan PATH... */
	const char *root;		/* forwarders --root */
	const char *relay_target;	/* relay HOST[:PORT] */
	const char *postfix_config;	/* relay --postfix-config */
	const char *exim;		/* relay --exim */
};

/*
 * Run every wanted check into report, correlate, and add the "audit"
 * section (headline, plan, checks). MW_OK when the audit ran, whatever
 * the checks did (a check that fails is an error in the report);
 * MW_ERR_USAGE for --apply with --nightly; another error via mw_fail()
 * when the nightly state cannot be opened.
 */
enum mw_err mw_audit_run(struct mw_ctx *ctx, const struct mw_audit_opts *o,
			 struct mw_report *report);

/* 1 when name is a check the audit runs (for --only/--skip). */
int mw_audit_check_known(const char *name);

struct mw_ack_opts {
	const char *const *ids;		/* finding ids (details.finding_id) */
	size_t nids;
};

/* Record the acknowledgement of each id in the nightly state. */
enum mw_err mw_ack_run(struct mw_ctx *ctx, const struct mw_ack_opts *o,
		       struct mw_report *report);

/* "ok", "failed", "not-implemented", "skipped". */
const char *mw_audit_status_name(enum mw_audit_status s);

/*
 * Correlate evidence across checks in r and append one finding per match
 * (check "audit"):
 *   audit.mailer-sent-mail  a logs finding's details.scripts/cwds matches a
 *                           scan finding's path or its directory;
 *   audit.hijacked-mailbox  a logs finding's details.sasl_username is the
 *                           owner of a forwarders finding.
 * Both carry details.evidence (finding ids and titles of both sides) and a
 * details.key that keeps their id stable. At most
 * MW_AUDIT_MAX_CORRELATIONS are added. Returns the number added.
 */
size_t mw_audit_correlate(struct mw_report *r);

/*
 * Build the "audit" data section from the findings in r and the check
 * table in `in`: headline, verdict, checks, causes (findings grouped by
 * cause with their ids), correlations and the numbered plan. Returns a new
 * object (caller owns it), NULL when out of memory. Does not modify r
 * beyond sorting its findings.
 */
json_t *mw_audit_summarize(struct mw_report *r, const struct mw_audit_input *in);

/* Text renderer for data.audit: headline and plan first. */
int mw_audit_render_text(FILE *out, const json_t *data, int color);

#endif
