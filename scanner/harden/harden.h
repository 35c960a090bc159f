/*
 * Sending limits and attribution (issue 25): `mailwarden harden` checks,
 * applies and removes the MTA/PHP settings; `mailwarden policyd` is the
 * policy service the limits use; `mailwarden submit` is the sendmail
 * wrapper the PHP-FPM pools run for mail().
 */
#ifndef MW_HARDEN_H
#define MW_HARDEN_H

#include "core/buf.h"
#include "core/ctx.h"
#include "core/error.h"

enum mw_harden_action { MW_HARDEN_CHECK = 0, MW_HARDEN_APPLY, MW_HARDEN_REMOVE };

struct mw_harden_opts {
	enum mw_harden_action action;
	const char *postfix_config;	/* DIR for postconf -c; NULL = /etc/postfix */
	const char *exim;		/* Exim program (-bP, -bV); NULL = found */
	const char *fpm_conf;		/* php-fpm.conf; its pools in fpm_pool_dir;
					 * NULL = every /etc/php/<v>/fpm */
	const char *fpm_pool_dir;	/* NULL = pool.d next to fpm_conf */
	const char *php_fpm;		/* program for -t; NULL = php-fpm<v> */
	const char *backup_dir;		/* NULL = <state_dir>/harden */
	const char *wrapper;		/* sendmail_path given to the pools;
					 * NULL = "/usr/sbin/mailwarden submit --" */
	int no_reload;			/* do not reload Postfix/PHP-FPM */
};

/*
 * --check: findings for every setting that is missing (check "harden").
 * --apply: back up each file once, make the changes, validate them with
 * `postfix check` / `php-fpm -t`, roll everything back when one fails,
 * reload. A second apply changes nothing. --remove: put every file back
 * byte for byte, refusing a file that was edited since the apply.
 * MW_OK when done; errors through mw_fail().
 */
enum mw_err mw_harden_run(struct mw_ctx *ctx, const struct mw_harden_opts *o,
			  struct mw_report *report);
enum mw_err mw_harden_opts_describe(const struct mw_harden_opts *o, struct mw_buf *b);

struct mw_policyd_opts {
	const char *policy_socket;	/* listen here (Postfix); NULL = systemd's */
	const char *submit_socket;	/* listen here (the wrapper); NULL = systemd's */
	const char *state_db;		/* NULL = [harden] state_db; "" = memory */
	unsigned long max_requests;	/* stop after this many (tests, bench); 0 = never */
};

/*
 * Serve the policy protocol until SIGTERM/SIGINT: on the policy socket
 * Postfix's smtpd (SASL users, counted at DATA), on the submit socket the
 * wrapper (the peer's uid from SO_PEERCRED, never from the request). Over
 * the limit: "action=DEFER ...", logged on stderr (the journal). Returns
 * MW_OK at a clean stop.
 */
enum mw_err mw_policyd_run(struct mw_ctx *ctx, const struct mw_policyd_opts *o);

/*
 * `mailwarden submit`: count the recipients of one local submission
 * (sendmail's arguments args[1..], and with -t the To/Cc/Bcc of the header
 * read from stdin), ask the policy service at socket_path, then run
 * sendmail (args[0] its name) with the message unchanged. Returns the exit
 * status: sendmail's, or 75 (EX_TEMPFAIL) over the limit or when sendmail
 * cannot be run. Without the service the message goes (and it says so).
 */
int mw_submit(const char *socket_path, const char *sendmail, char **args);

#define MW_POLICY_SOCKET	"/var/spool/postfix/private/mailwarden-policy"
#define MW_SUBMIT_SOCKET	"/run/mailwarden/submit.sock"

#endif
