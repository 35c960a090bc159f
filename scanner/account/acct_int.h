/* The account check's shared state: account.c (report), respond.c
 * (--respond/--restore), render.c (text). */
#ifndef MW_ACCOUNT_INT_H
#define MW_ACCOUNT_INT_H

#include <jansson.h>

#include "core/buf.h"
#include "core/strlist.h"
#include "reports/report.h"
#include "scanner/account/account.h"
#include "scanner/account/logins.h"
#include "scanner/account/sent.h"

#define CHECK			"account"
#define ACCT_MAX_SCRIPTS	64		/* Sieve scripts read per account */
#define ACCT_MAX_SCRIPT		(1u << 20)	/* bytes of one Sieve script */
#define ACCT_TOOL_OUT		(4u << 20)	/* bytes kept of a helper's output */
#define ACCT_TOOL_MS		30000		/* a helper's time limit */
#define ACCT_DENY_FILE		"mailwarden-deny"	/* beside dovecot.conf */
#define ACCT_SASL_TABLE		"mailwarden_sasl_access"	/* in the Postfix dir */

/* A Sieve script of the account, as the live Dovecot has it. */
struct acct_script {
	char *name;
	int active;
	int external;		/* an active redirect/notify off this host */
	int hides;		/* and it discards or hides the original */
};

struct acct_run {
	struct mw_ctx *ctx;
	const struct mw_account_opts *o;
	struct mw_report *r;
	struct acct_logins logins;
	struct acct_sent sent;	/* recipients of the mail it sent */
	struct mw_strlist local_domains;
	json_t *forwarders;	/* inventory entries of the account */
	json_t *files;		/* forward/filter files with their mtime */
	struct acct_script scripts[ACCT_MAX_SCRIPTS];
	size_t nscripts;
	int sieve_read;		/* doveadm sieve list worked */
	long queued;		/* -1: the queue was not read */
	json_t *evidence;	/* strings */
	json_t *roundcube;	/* the Roundcube sites (roundcube.c) */
	int strong, weak;	/* evidence weights of the verdict */
	char dovecot_dir[1024], postfix_dir[1024];
	char exim_path[1024];		/* the Exim found (mw_acct_exim_validate) */
};

/*
 * Run argv (argv[0] looked up in the fixed PATH) with in on stdin; out
 * (may be NULL) gets stdout. Returns the exit status, -1 when it could
 * not run or was killed; *why (if given) then holds stderr's first line.
 */
int mw_acct_tool(const char *const argv[], const char *in, size_t inlen,
	      struct mw_buf *out, char *why, size_t whylen);

/* "doveadm [-c CONF] ARGS..." into argv (at most 12 entries). */
void mw_acct_doveadm_argv(const struct acct_run *a, const char **argv, const char *const *args);

/* The string at key k of object o, "" when absent or not a string. */
static inline const char *acct_jstr(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

/* Copy the errors of a scratch report (another check's run) into a->r,
 * under this check, prefixed with what. */
void mw_acct_copy_errors(struct acct_run *a, struct mw_report *s, const char *what);

/* The Sieve script name of a's user as Dovecot has it, byte for byte
 * (doveadm sieve get), into out. 0 or -1. */
int mw_acct_sieve_get(const struct acct_run *a, const char *name, struct mw_buf *out);

/* --respond / --restore (respond.c): the "response" object, or NULL. */
json_t *mw_acct_respond(struct acct_run *a);
json_t *mw_acct_restore(struct acct_run *a);

/* The Roundcube sites of this host and the account's sessions in them
 * (roundcube.c): a new array, never NULL unless out of memory. */
json_t *mw_acct_roundcube_read(struct acct_run *a);

struct mw_queue_opts;
/* The queue check's options for the account's MTA: Exim when --exim is
 * given, else Postfix when --postfix-config is, else whichever is here. */
void mw_acct_queue_opts(const struct acct_run *a, struct mw_queue_opts *qo);

/* Text renderer of the "account" data section (render.c). */
int mw_acct_render(FILE *out, const json_t *data, int color);

#endif
