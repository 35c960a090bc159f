/*
 * mailwarden account USER: respond to a hijacked mailbox. The report: who
 * logged in as USER from where (the logs check's sources, logins.h), the
 * account's forwards, redirects and filter rules (the forwarders check and
 * the live Dovecot's Sieve scripts), its queued and sent mail (the queue
 * check, the logs) and a verdict. --respond: end the sessions, block
 * IMAP/POP3 and SMTP AUTH logins until the password is reset, deactivate
 * the external redirects, hold the queued mail; every step written to a
 * response record first, so that --restore undoes it. Never changes a
 * password.
 */
#ifndef MW_ACCOUNT_H
#define MW_ACCOUNT_H

#include "core/buf.h"
#include "core/ctx.h"
#include "core/error.h"

struct mw_report;

enum mw_account_action { MW_ACCT_REPORT = 0, MW_ACCT_RESPOND, MW_ACCT_RESTORE };

struct mw_account_opts {
	const char *user;		/* the login: "info@example.org" or "bob" */
	/* the logs' sources (as struct mw_logs_opts) */
	const char *const *logs;
	size_t nlogs;
	const char *since;		/* NULL: [logs] since (7d), all for --log */
	int journal;
	const char *journal_dir;
	const char *root;		/* forwarders: audit this tree as / */
	const char *dovecot_config;	/* doveadm/doveconf -c FILE; NULL default */
	const char *postfix_config;	/* postfix/postmap/postqueue -c DIR */
	const char *exim;		/* Exim program; NULL: exim4, else exim */
	const char *roundcube_config;	/* NULL: Debian's and the web roots' */
	enum mw_account_action action;
	int apply;			/* 0: print the plan, change nothing */
};

/*
 * Run into report (check and data section "account"). MW_OK when it ran
 * (steps that failed are errors in the report: exit 2); MW_ERR_USAGE for
 * a bad user name or window.
 */
enum mw_err mw_account_run(struct mw_ctx *ctx, const struct mw_account_opts *o,
			   struct mw_report *report);

/* Append the equivalent command line ("account info@example.org") to b. */
enum mw_err mw_account_opts_describe(const struct mw_account_opts *o, struct mw_buf *b);

/* 1 when s can be a login this command acts on: 1..255 bytes of
 * letters, digits and . _ + - @ (nothing a shell, a Postfix table or a
 * Dovecot passwd-file would read as syntax). */
int mw_account_name_ok(const char *s);

#endif
