/*
 * The login table of `mailwarden account`: who logged in as one account,
 * from where, over what. Fed with the lines the logs check's readers pass
 * on (maillog.h, mw_ml_logs_feed): Dovecot's imap/pop3/submission/managesieve
 * login lines, Postfix's SASL lines, Exim's A= arrivals and AUTH
 * failures. Pure: no I/O, unit-tested.
 */
#ifndef MW_ACCOUNT_LOGINS_H
#define MW_ACCOUNT_LOGINS_H

#include <jansson.h>
#include <stdint.h>

#include "scanner/maillog/maillog.h"

#define ACCT_MAX_ADDRS		4096	/* client addresses kept per account */
#define ACCT_MAX_USER		255	/* bytes of a login name */
#define ACCT_STUFFING_FAILURES	5	/* failures then a success: evidence */
#define ACCT_MANY_NETS		5	/* distinct networks within ACCT_NETS_WINDOW */
#define ACCT_NETS_WINDOW	86400

enum acct_proto {
	ACCT_IMAP = 1,
	ACCT_POP3 = 2,
	ACCT_SMTP = 4,		/* Postfix SASL, Dovecot submission */
	ACCT_SIEVE = 8,		/* ManageSieve: filter uploads */
	ACCT_OTHER = 16,
};

/* One login event of a line (slices into the line). */
struct acct_event {
	int ok;			/* 1 login, 0 failed authentication */
	unsigned attempts;	/* failed attempts the line stands for */
	enum acct_proto proto;
	int sends;		/* a Postfix submission (message queued) */
	struct ml_str user, ip;
};

/*
 * Parse one line as the readers hand it over. Returns 1 and fills ev for
 * a login or failed authentication that names a user, else 0. Forms:
 * syslog/journal "dovecot: imap-login: Login: user=<u>, ..., rip=IP, ...",
 * failures "...(auth failed, N attempts ...): user=<u>, ... rip=IP",
 * Dovecot's own log_path lines ("imap-login: Info: Login: ..."), Postfix
 * smtpd "client=h[ip], sasl_method=M, sasl_username=u" and "warning:
 * h[ip]: SASL M authentication failed: ..., sasl_username=u", Exim
 * (main log, or syslog ident exim/exim4) "<= s H=h [ip] ... A=name:u"
 * and "name authenticator failed for ... [ip]: 535 ... (set_id=u)".
 */
int mw_acct_parse_login(const struct ml_line *l, struct acct_event *ev);

struct acct_addr {
	char ip[48];
	char net[52];		/* "192.0.2.0/24", "2001:db8:1::/48" */
	unsigned protos;	/* enum acct_proto bits */
	uint64_t logins, failures, sent;
	int64_t first, last;	/* any event of the address */
};

struct acct_logins {
	char user[ACCT_MAX_USER + 1];
	struct acct_addr *addrs;
	size_t n, cap;
	uint64_t logins, failures, sent, dropped;
	int64_t first, last;
	/* the longest run of failures that ended in a success, and where */
	uint64_t run, stuffing_failures;
	char stuffing_ip[48];
	int64_t stuffing_time;
};

/* user is compared case-insensitively (Dovecot may lowercase it). */
void mw_acct_logins_init(struct acct_logins *t, const char *user);
void mw_acct_logins_free(struct acct_logins *t);

/* Count a line when it is a login event of t's user. */
void mw_acct_logins_feed(struct acct_logins *t, const struct ml_line *l);

/* Distinct networks over all addresses, and the most within any
 * ACCT_NETS_WINDOW (by each address's first event). */
size_t mw_acct_logins_networks(const struct acct_logins *t);
size_t mw_acct_logins_networks_window(const struct acct_logins *t);

/* When the newest network appeared: the latest over networks of their
 * first event (INT64_MIN when none). */
int64_t mw_acct_logins_newest_network_time(const struct acct_logins *t);

/*
 * {"logins", "failures", "sent", "networks", "first", "last",
 *  "addresses": [{ip, network, protocols, logins, failures, sent, first,
 *  last}], "network_list": [{network, addresses, logins, failures}],
 *  "dropped"} with addresses by first event. NULL when out of memory.
 */
json_t *mw_acct_logins_json(const struct acct_logins *t);

#endif
