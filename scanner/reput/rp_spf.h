/*
 * SPF (RFC 7208): the record parser (pure, fuzzed) and check_host()
 * over rp_dns, with the limits of section 4.6.4: at most 10 DNS-querying
 * terms, at most 2 void lookups, at most 10 names per mx/ptr.
 */
#ifndef MW_REPUT_SPF_H
#define MW_REPUT_SPF_H

#include <stddef.h>

#include "scanner/dnsbl/dnsbl.h"

#define SPF_MAX_TERMS		64	/* terms of one record */
#define SPF_MAX_LOOKUPS		10	/* RFC 7208 4.6.4 */
#define SPF_MAX_VOID		2
#define SPF_MAX_MXPTR		10	/* names per mx or ptr */
#define SPF_MAX_DEPTH		10	/* include/redirect nesting we follow */
#define SPF_COUNT_CAP		99	/* lookups counted by mw_spf_count_lookups */

enum spf_kind {
	SPF_ALL = 0, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6,
	SPF_EXISTS, SPF_REDIRECT, SPF_EXP, SPF_UNKNOWN_MOD
};

struct spf_term {
	enum spf_kind kind;
	char qual;			/* '+', '-', '~', '?' (mechanisms) */
	const char *spec;		/* domain-spec, or NULL; points into text */
	size_t spec_len;
	int cidr4, cidr6;		/* -1 when not given */
	struct mw_ip net;		/* ip4/ip6 */
	const char *text;		/* the term as written */
	size_t text_len;
};

struct spf_record {
	struct spf_term t[SPF_MAX_TERMS];
	size_t n;
	int redirect, exp;		/* index in t, or -1 */
};

/*
 * Parse one SPF record (the TXT string, without quotes). Returns 0 and
 * fills rec (pointing into txt, which must outlive it); -1 with a reason
 * in err when the record is not valid SPF (a permerror at receivers):
 * bad version, unknown mechanism, bad qualifier, bad address or prefix,
 * bad macro, a duplicate redirect/exp, more than SPF_MAX_TERMS terms.
 */
int mw_spf_parse(const char *txt, struct spf_record *rec, char *err, size_t errlen);

/* 1 when txt is an SPF record at all ("v=spf1" then blank or end). */
int mw_spf_is_record(const char *txt);

/* 1 when term k asks DNS (include, a, mx, ptr, exists, redirect). */
int mw_spf_kind_queries(enum spf_kind k);

/*
 * Expand a domain-spec's macros (RFC 7208 7) for ip, the sender
 * (local@domain) and the current domain into dst. Returns 0, or -1 when
 * the spec is malformed or the result does not fit. The result is cut
 * from the left to 253 bytes as the RFC says.
 */
int mw_spf_expand(const char *spec, size_t len, const struct mw_ip *ip,
	       const char *sender, const char *domain, const char *helo,
	       char *dst, size_t dstlen);

enum spf_result {
	SPF_NONE = 0, SPF_NEUTRAL, SPF_PASS, SPF_FAIL, SPF_SOFTFAIL,
	SPF_TEMPERROR, SPF_PERMERROR
};

const char *mw_spf_result_name(enum spf_result r);

struct rp_dns;

struct spf_eval {
	enum spf_result result;
	unsigned lookups, voids;
	char why[512];		/* one line: the term that matched, or the error */
};

/*
 * check_host(ip, domain, sender) with the RFC's limits. sender is the
 * envelope sender ("postmaster@domain" when unknown).
 */
void mw_spf_check_host(struct rp_dns *dns, const struct mw_ip *ip,
		    const char *domain, const char *sender, struct spf_eval *out);

/*
 * How many DNS-querying terms evaluating domain's record costs when
 * nothing matches early: every include and redirect followed (each once
 * per path, at most SPF_MAX_DEPTH deep), capped at SPF_COUNT_CAP. The
 * figure receivers hold against the limit of 10.
 */
unsigned mw_spf_count_lookups(struct rp_dns *dns, const char *domain);

/* The single SPF record of domain: 0 and the record's text in *txt (lives
 * as long as dns); 1 when there is none; 2 when there are several; -1 on
 * a DNS failure (temperror), st says which. */
int mw_spf_fetch(struct rp_dns *dns, const char *domain, const char **txt,
	      enum mw_dns_status *st);

#endif
