/*
 * The reputation check's inside: the run state shared by reput.c
 * (sources, order, data section), rp_check.c (the checks and their
 * findings) and rp_mta.c (names from the MTA configuration).
 */
#ifndef MW_REPUT_RUN_H
#define MW_REPUT_RUN_H

#include <jansson.h>

#include "scanner/dnsbl/dnsbl.h"
#include "scanner/reput/reput.h"
#include "scanner/reput/rp_dkim.h"
#include "scanner/reput/rp_dns.h"

#define RP_NAME_MAX	254	/* a domain name with NUL */

struct rp_name {
	char name[RP_NAME_MAX];
	char source[160];	/* where it was found */
};

struct rp_names {
	struct rp_name v[MW_REPUT_MAX_DOMAINS];
	size_t n, max, dropped;	/* max: 0 = MW_REPUT_MAX_DOMAINS */
};

/*
 * Add a host or domain name (trailing dot dropped, lower-cased) with the
 * label of its source, once. Returns 0 when added or already there, -1
 * when it is not a usable name (a table, an expansion, no dot, bad
 * characters), 1 when the set is full (counted in dropped).
 */
int mw_rp_names_add(struct rp_names *s, const char *name, size_t len,
		 const char *source);

/* mw_rp_names_add for a discovered name, unless it is a private one
 * (localhost, .local, ...): that is said in notes instead. */
void mw_rp_names_add_found(struct rp_names *s, const char *v, size_t n, const char *src,
			struct mw_strlist *notes);

/*
 * Sending domains and HELO names from the MTA configuration: Postfix
 * (postconf -c postfix_dir -x: myhostname, mydomain, myorigin,
 * virtual_alias_domains, virtual_mailbox_domains, smtp_helo_name) and
 * Exim (exim -bP primary_hostname qualify_domain). What cannot be used
 * (tables, expansions, failing programs) is said in notes.
 */
void mw_rp_mta_discover(const char *postfix_dir, struct rp_names *domains,
		     struct rp_names *helo, struct mw_strlist *notes);

struct rp_run {
	struct mw_ctx *ctx;
	struct mw_report *rep;
	struct rp_dns *dns;
	struct mw_dnsbl_addrs addrs;	/* sending addresses (queried = checked) */
	struct rp_names domains, helo;
	struct dkim_signers dkim;
	json_t *j_domains, *j_ptr, *j_helo;	/* data section parts */
	json_t *j_logs;			/* what the logs gave; NULL = not read */
	unsigned errors;		/* lookups that could not be judged */
};

/* The checks, each adding findings and its part of the data section. */
void mw_rp_check_domain(struct rp_run *r, const struct rp_name *d);
void mw_rp_check_ptr(struct rp_run *r, const struct mw_dnsbl_addr *a);
void mw_rp_check_helo(struct rp_run *r, const struct rp_name *h);

#endif
