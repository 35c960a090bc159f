/*
 * access(5) tables before the relay check (access.c). An access table
 * (check_*_access) that answers OK (or a number, or a permit_* restriction)
 * ends its restriction list with "permit": relaying is then allowed to
 * every client whose lookup key matches. For keys the client chooses
 * itself (sender, HELO, recipient, client host name through its reverse
 * DNS) that is an open relay for anyone who claims the right value.
 */
#ifndef MW_RELAY_ACCESS_H
#define MW_RELAY_ACCESS_H

#include <stddef.h>

#include "scanner/relay/relay.h"

#define MW_ACCESS_MAX_ENTRY	256	/* key or action kept for a finding */

/* The first entry of a table that permits. */
struct mw_access_ok {
	unsigned long line;		/* in the table's source file, 0 if none */
	char key[MW_ACCESS_MAX_ENTRY];
	char action[MW_ACCESS_MAX_ENTRY];
};

/* Which keys of a table cannot open a relay. */
struct mw_access_filter {
	int client;	/* check_client_access: address keys are trust by address */
	int recipient;	/* check_recipient_access: keys in our own domains
			 * (mydestination, virtual_*_domains, relay_domains)
			 * are local mail */
	const struct mw_relay_postfix *pf;	/* for those domain lists */
};

/*
 * What the client controls for the access restriction restr[0..n)
 * ("the envelope sender (MAIL FROM)"), or NULL when it is not an access
 * check on attacker-chosen input (certificates, SASL logins, others).
 */
const char *mw_access_input(const char *restr, size_t n);

/*
 * Judge the lookup table tab[0..n) ("hash:/etc/postfix/sender_access"):
 * 1 when it can answer OK for a key kf lets through (*ok filled, tpath the
 * file read, "" for inline:/static:), 0 when it cannot, -1 when mailwarden
 * cannot tell (*why says why: unreadable source, SQL/LDAP/proxy tables).
 * Indexed tables are read from their postmap source file (continuation
 * lines joined), regexp:/pcre: line by line.
 */
int mw_access_table_can_permit(const char *tab, size_t n, const struct mw_access_filter *kf,
			       struct mw_access_ok *ok, char *tpath, size_t tplen,
			       const char **why);

#endif
