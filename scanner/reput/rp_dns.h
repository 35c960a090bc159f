/*
 * The reputation check's DNS: one c-ares channel with the dnsbl check's
 * resolver options, one question at a time (SPF evaluation is a chain of
 * questions, each depending on the last), every answer cached for the run
 * so that a name asked by several domains' records costs one query.
 */
#ifndef MW_REPUT_DNS_H
#define MW_REPUT_DNS_H

#include <stddef.h>

#include "scanner/dnsbl/dnsbl.h"

#define RP_DNS_MAX_QUERIES	2000	/* questions sent per run */
#define RP_DNS_MAX_RRS		32	/* records kept per answer */
#define RP_DNS_MAX_TXT		4096	/* bytes of one TXT record kept */

enum rp_rrtype { RP_TXT = 0, RP_A, RP_AAAA, RP_MX, RP_PTR };

/* One answer. For TXT the strings of a record are concatenated (a NUL
 * byte inside becomes 0x01, which no grammar here accepts); MX names are
 * in preference order; PTR names as received. */
struct rp_answer {
	enum mw_dns_status status;	/* MW_DNS_ANSWER when n > 0 */
	char *v[RP_DNS_MAX_RRS];	/* TXT, MX, PTR */
	struct mw_ip ip[RP_DNS_MAX_RRS];	/* A, AAAA */
	size_t n;
};

struct rp_dns;

/*
 * A resolver: server in c-ares form ("127.0.0.1:53", NULL = resolv.conf),
 * timeout_ms per try, tries. NULL with a reason in err on failure.
 */
struct rp_dns *mw_rp_dns_new(const char *server, unsigned timeout_ms,
			  unsigned tries, char *err, size_t errlen);
void mw_rp_dns_free(struct rp_dns *d);

/*
 * The answer to name/type, from the cache or asked now (waits at most
 * timeout_ms * tries). Never NULL: past RP_DNS_MAX_QUERIES or out of memory
 * the status is MW_DNS_OTHER. The answer lives as long as d.
 */
const struct rp_answer *mw_rp_dns_get(struct rp_dns *d, const char *name,
				   enum rp_rrtype type);

/* Questions sent so far, and whether the query cap was reached. */
size_t mw_rp_dns_sent(const struct rp_dns *d, int *capped);

/* 1 when st means "the name or the record does not exist" (a void
 * lookup in RFC 7208's sense), as opposed to a failure to learn. */
int mw_rp_dns_is_void(enum mw_dns_status st);

/* The servers in use, for the data section. */
const char *mw_rp_dns_servers(const struct rp_dns *d);

#endif
