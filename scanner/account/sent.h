/*
 * Where the account's mail went: the recipients of the messages it sent
 * with SMTP AUTH, by domain, for `mailwarden account`. Fed with the
 * lines of the logs check's readers (oldest first): a message is the
 * account's when Postfix's smtpd logs its queue id with
 * sasl_username=USER, or Exim's arrival "<=" carries A=name:USER; its
 * recipients are those of the later delivery lines of that id (Postfix
 * "to=<r>" (orig_to when aliased), Exim "=>", "->", "**", "==") and of
 * Exim's "for r1 r2" list. A recipient counts once per message however
 * often a deferred delivery is retried. Postfix's short queue ids are
 * reused over long periods (long queue ids are not): within the window
 * of a report a reuse is rare enough to be left alone. Pure: no I/O,
 * unit-tested.
 */
#ifndef MW_ACCOUNT_SENT_H
#define MW_ACCOUNT_SENT_H

#include <jansson.h>
#include <stdint.h>

#include "scanner/account/logins.h"

#define ACCT_SENT_IDS		65536	/* message ids of the account followed */
#define ACCT_SENT_PAIRS		(1u << 18)	/* (message, recipient) pairs told apart */
#define ACCT_SENT_DOMAINS	4096	/* distinct recipient domains counted */
#define ACCT_SENT_TOP		20	/* domains in the report */

struct acct_sent_domain {
	char name[256];		/* lower case */
	uint64_t recipients;
};

struct acct_sent {
	char user[ACCT_MAX_USER + 1];
	char (*ids)[32];	/* open addressing; "" free; [31] set once the
				 * message's first recipient counted */
	size_t nids;
	uint64_t *pairs;	/* hashes of message id + recipient; 0 free */
	size_t npairs;
	struct acct_sent_domain *domains;
	size_t ndomains;
	uint64_t messages;	/* of the account, with at least one recipient seen */
	uint64_t recipients;	/* (message, recipient) pairs */
	uint64_t dropped;	/* recipients or ids past a cap */
};

/* user is compared case-insensitively. 0, or -1 out of memory. */
int mw_acct_sent_init(struct acct_sent *s, const char *user);
void mw_acct_sent_free(struct acct_sent *s);

/* Take one line (as the readers hand it over). */
void mw_acct_sent_feed(struct acct_sent *s, const struct ml_line *l);

/*
 * {"messages", "recipients", "domains": distinct domains,
 *  "top": [{"domain", "recipients"}] (the ACCT_SENT_TOP largest, ties by
 *  name), "dropped"}. NULL when out of memory.
 */
json_t *mw_acct_sent_json(const struct acct_sent *s);

#endif
