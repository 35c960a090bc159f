/*
 * The dnsbl check: which addresses does this host send mail from, and which
 * DNS blocklists list them. Split in small parts, each usable on its own
 * (the unit tests and the fuzzer call them directly):
 *
 *   dnsbl_ip.c        address parsing, classification, query-name building
 *   dnsbl_lists.c     what each list's return codes mean; the verdict
 *   dnsbl_answer.c    A/TXT answer decoding (bytes from the network)
 *   dnsbl_mta.c       sending addresses from Postfix and Exim settings
 *   dnsbl_netlink.c   host addresses and the route source (libmnl)
 *   dnsbl_query.c     all lookups in parallel with c-ares
 *   dnsbl.c       mw_dnsbl_run: sources, findings, data section
 */
#ifndef MW_DNSBL_H
#define MW_DNSBL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/netaddr.h"
#include "core/strlist.h"

#define MW_DNSBL_MAX_IPS	64	/* addresses looked up per run */
#define MW_DNSBL_MAX_LISTS	32	/* zones queried per run */
#define MW_DNSBL_MAX_ANSWERS	16	/* A records kept per answer */
#define MW_DNSBL_MAX_TXT	512	/* bytes of TXT reason kept */
#define MW_DNSBL_MAX_SOURCES	8	/* where-found labels kept per address */
#define MW_DNSBL_QNAME_MAX	256	/* a DNS name in text form, with NUL */
#define MW_DNSBL_IPSTR_MAX	MW_IP_STR_MAX
#define MW_DNSBL_MEANING_MAX	768

/* ---------------------------------------------------------------- addresses */

/*
 * The reversed form used under a DNSBL zone: "4.3.2.1" for 1.2.3.4, 32
 * dot-separated nibbles for IPv6 (least significant first). With zone
 * non-NULL the zone is appended after a dot. Returns MW_ERR_TOOBIG when dst
 * is too small or the name would exceed 253 characters.
 */
enum mw_err mw_dnsbl_qname(const struct mw_ip *ip, const char *zone,
			   char *dst, size_t len);

/*
 * Check a DNSBL zone name given by the user: letters, digits, '-', '_',
 * dots between non-empty labels of at most 63 bytes, at most 180 bytes in
 * all (room for the 64 reversed-nibble bytes of an IPv6 query). A trailing
 * dot is accepted. Returns MW_ERR_PARSE with a reason in err otherwise.
 */
enum mw_err mw_dnsbl_zone_check(const char *zone, char *err, size_t errlen);

/*
 * Parse a resolver given as IP, IP:PORT, [IPv6] or [IPv6]:PORT into the
 * form c-ares takes ("1.2.3.4:53", "[::1]:53"). Returns MW_ERR_PARSE with
 * a reason on bad input.
 */
enum mw_err mw_dnsbl_resolver_parse(const char *s, char *dst, size_t len,
				    char *err, size_t errlen);

/* ------------------------------------------------------- lists and verdicts */

enum mw_dnsbl_verdict {
	MW_VERDICT_CLEAN = 0,	/* NXDOMAIN (or no A record) */
	MW_VERDICT_LISTED,
	MW_VERDICT_ERROR,	/* the list refused or the resolver misbehaves */
	MW_VERDICT_UNKNOWN,	/* timeout, SERVFAIL: no answer to judge */
	MW_VERDICT__COUNT
};

/* "clean", "listed", "error", "unknown" */
const char *mw_dnsbl_verdict_name(enum mw_dnsbl_verdict v);

/* How one lookup ended, as far as DNS goes. */
enum mw_dns_status {
	MW_DNS_ANSWER = 0,	/* NOERROR with A records */
	MW_DNS_NXDOMAIN,
	MW_DNS_NODATA,		/* NOERROR without A records */
	MW_DNS_SERVFAIL,
	MW_DNS_REFUSED,
	MW_DNS_TIMEOUT,
	MW_DNS_UNREACHABLE,	/* the resolver refused the connection */
	MW_DNS_BADREPLY,	/* malformed or unexpected answer */
	MW_DNS_OTHER,
	MW_DNS__COUNT
};

const char *mw_dns_status_name(enum mw_dns_status s);

/* One documented return code 127.0.0.lo .. 127.0.0.hi of a list. */
struct mw_dnsbl_code {
	uint8_t lo, hi;
	const char *meaning;
};

/* What the program knows about a blocklist zone. */
struct mw_dnsbl_list {
	const char *zone;
	const char *name;		/* operator and list */
	const char *delist_url;		/* NULL when unknown */
	const struct mw_dnsbl_code *codes;	/* ends with meaning == NULL */
	unsigned spamhaus : 1;		/* 127.255.255.0/24 are error codes */
	unsigned dead : 1;		/* shut down: answers mean nothing */
	unsigned by_default : 1;	/* queried when no list is configured */
	const char *dead_note;		/* why it is dead */
};

/* The built-in zones queried when neither --list nor [dnsbl] lists is set. */
size_t mw_dnsbl_default_lists(const char *const **zones);

/*
 * Knowledge about zone (case-insensitive, trailing dot ignored). Unknown
 * zones get a generic entry written into *scratch (zone must then outlive
 * the result); Spamhaus zones not in the table still get the Spamhaus
 * error-code semantics. Never NULL.
 */
const struct mw_dnsbl_list *mw_dnsbl_list_info(const char *zone,
						struct mw_dnsbl_list *scratch);

struct mw_dnsbl_judgement {
	enum mw_dnsbl_verdict verdict;
	/* answers inside 127.0.0.0/8 that mean "listed" */
	uint32_t codes[MW_DNSBL_MAX_ANSWERS];
	size_t ncodes;
	/* answers that were ignored: outside 127/8, 127.0.0.1, error codes */
	uint32_t ignored[MW_DNSBL_MAX_ANSWERS];
	size_t nignored;
	/* first code shown as "the" code ("" when none), e.g. "127.0.0.4" */
	char code[16];
	/* what the answer means, for a person; always set */
	char meaning[MW_DNSBL_MEANING_MAX];
};

/*
 * The verdict for one lookup (the semantics every DNSBL user must get
 * right): only answers inside 127.0.0.0/8 mean listed; 127.0.0.1 is never
 * a valid listing; Spamhaus 127.255.255.252/254/255 (and the rest of
 * 127.255.255.0/24) are errors (typo in the zone, query via a public/open
 * resolver, rate limit) and never "listed"; answers outside 127/8 are
 * ignored as a misbehaving resolver (error when nothing else remains);
 * NXDOMAIN and NODATA are clean; SERVFAIL, REFUSED, timeouts and bad
 * replies are unknown. A "listed" answer from a dead list becomes an error.
 * addrs are IPv4 answers in host byte order. out is filled completely.
 */
void mw_dnsbl_judge(const struct mw_dnsbl_list *list, enum mw_dns_status st,
		    const uint32_t *addrs, size_t naddrs,
		    struct mw_dnsbl_judgement *out);

/* How a list answers its RFC 5782 test points (127.0.0.2 must be listed,
 * 127.0.0.1 must not). */
enum mw_dnsbl_health {
	MW_LIST_OK = 0,
	MW_LIST_WILDCARD,	/* lists 127.0.0.1: answers for everything */
	MW_LIST_NO_TESTPOINT,	/* does not list 127.0.0.2 */
	MW_LIST_ERROR,		/* error codes (Spamhaus 127.255.255.x, ...) */
	MW_LIST_NO_ANSWER,	/* timeouts, SERVFAIL, REFUSED */
	MW_LIST__COUNT
};

/* "ok", "wildcard", "no-test-point", "error", "no-answer" */
const char *mw_dnsbl_health_name(enum mw_dnsbl_health h);

/*
 * Judge a list from the lookups of its test points: st2/a2/n2 for
 * 127.0.0.2, st1/a1/n1 for 127.0.0.1 (A answers in host byte order). A
 * list answering for 127.0.0.1 is a wildcard (dead) list whatever it says
 * for 127.0.0.2. why receives one sentence for a person.
 */
enum mw_dnsbl_health mw_dnsbl_health(const struct mw_dnsbl_list *list,
				     enum mw_dns_status st2, const uint32_t *a2, size_t n2,
				     enum mw_dns_status st1, const uint32_t *a1, size_t n1,
				     char *why, size_t whylen);

/* ------------------------------------------------------------------ answers */

/*
 * Decode the A records of a DNS reply (abuf/alen as received) into addrs
 * (host byte order, at most max; the rest are dropped). Returns
 * MW_DNS_ANSWER when there is at least one A record, MW_DNS_NODATA when
 * the reply is valid but has none, MW_DNS_BADREPLY when it cannot be
 * parsed.
 */
enum mw_dns_status mw_dnsbl_decode_a(const unsigned char *abuf, size_t alen,
				     uint32_t *addrs, size_t max, size_t *n);

/*
 * Decode the TXT records of a reply into dst as one line: the strings of a
 * record are concatenated, records are joined with " | ", at most len - 1
 * bytes are kept (a cut ends with "..."). Raw bytes are kept as they came:
 * the report escapes them. Returns 0 when at least one record was found.
 */
int mw_dnsbl_decode_txt(const unsigned char *abuf, size_t alen, char *dst,
			size_t len);

/* ------------------------------------------------------- address discovery */

/* Where a candidate sending address was found. */
struct mw_dnsbl_addr {
	struct mw_ip ip;
	char text[MW_DNSBL_IPSTR_MAX];
	enum mw_ip_class cls;
	const char *sources[MW_DNSBL_MAX_SOURCES];	/* static or owned below */
	size_t nsources;
	struct mw_strlist owned;	/* storage for dynamic source labels */
	int explicit_ip;		/* given with IP/--ip/config */
	int queried;
};

struct mw_dnsbl_addrs {
	struct mw_dnsbl_addr v[MW_DNSBL_MAX_IPS];
	size_t n;
	size_t dropped;		/* past MW_DNSBL_MAX_IPS */
};

/*
 * Add ip with a source label (copied) to set, merging with an equal
 * address already there. Returns MW_ERR_LIMIT when the set is full (the
 * address is counted in dropped), MW_ERR_NOMEM on allocation failure.
 */
enum mw_err mw_dnsbl_addrs_add(struct mw_dnsbl_addrs *set,
			       const struct mw_ip *ip, const char *source);
void mw_dnsbl_addrs_free(struct mw_dnsbl_addrs *set);

/*
 * Parse `postconf` output ("name = value" lines from `postconf -x NAME...`
 * and "service/type/name = value" lines from `postconf -P -x`) and add
 * every address in smtp_bind_address / smtp_bind_address6 to set. Values
 * that are not an address (empty, unexpanded $variables) are skipped; the
 * number of lines that looked like a bind setting but held no usable
 * address is returned in *bad. label_prefix goes in front of the source
 * label ("postfix main.cf", "postfix master.cf").
 */
void mw_dnsbl_parse_postconf(const char *text, size_t len,
			     const char *label_prefix,
			     struct mw_dnsbl_addrs *set, unsigned *bad);

/*
 * Parse `exim -bP transports` output: every "interface = LIST" setting,
 * where LIST is an Exim list (colon-separated with "::" for a literal
 * colon, or with a custom separator "<; a ; b"). Addresses are added with
 * the source "exim transport NAME interface"; expansions (${...}) and
 * other non-addresses are counted in *bad.
 */
void mw_dnsbl_parse_exim(const char *text, size_t len,
			 struct mw_dnsbl_addrs *set, unsigned *bad);

/*
 * Run postconf (with -c confdir when confdir is not NULL) and exim, and
 * add the configured outgoing SMTP addresses to set. Missing programs are
 * fine (nothing added). Problems are written as short lines into notes.
 */
void mw_dnsbl_discover_mta(const char *postfix_confdir,
			   struct mw_dnsbl_addrs *set, struct mw_strlist *notes);

/*
 * Netlink (libmnl): add every address of the host with global scope
 * (RTM_GETADDR dump; source "interface NAME"), then the source address the
 * kernel would choose toward a public destination for IPv4 and IPv6
 * (RTM_GETROUTE, no packet is sent; source "route to the internet").
 * Problems are written as short lines into notes. Returns MW_OK, or
 * MW_ERR_NET when netlink cannot be used at all.
 */
enum mw_err mw_dnsbl_discover_netlink(struct mw_dnsbl_addrs *set,
				      struct mw_strlist *notes);

/* ------------------------------------------------------------------ lookups */

/* One IP x list lookup and its outcome. */
struct mw_dnsbl_query {
	const struct mw_dnsbl_addr *addr;
	const struct mw_dnsbl_list *list;
	char qname[MW_DNSBL_QNAME_MAX];
	enum mw_dns_status status;
	uint32_t addrs[MW_DNSBL_MAX_ANSWERS];
	size_t naddrs;
	int txt_asked;
	enum mw_dns_status txt_status;
	char txt[MW_DNSBL_MAX_TXT];
	long ms;		/* time until the A answer (or give-up) */
};

struct mw_dnsbl_resolve_opts {
	const char *server;	/* c-ares server string, NULL = resolv.conf */
	unsigned timeout_ms;	/* per try */
	unsigned tries;
};

/*
 * Send every query of q[0..n) at once through one c-ares channel and wait
 * for all answers. Each query gets opts->tries attempts of
 * opts->timeout_ms; the whole wait is bounded by timeout_ms * tries (plus
 * the same again for TXT follow-ups), after which what is still open ends
 * as MW_DNS_TIMEOUT. For answers with a record inside 127.0.0.0/8 the TXT
 * record is fetched too. Returns MW_OK when the lookups ran (whatever
 * their outcome), else an error with a message in err. The servers
 * actually used are described in servers ("127.0.0.1:53, [::1]:53").
 */
enum mw_err mw_dnsbl_resolve(struct mw_dnsbl_query *q, size_t n,
			     const struct mw_dnsbl_resolve_opts *opts,
			     long *elapsed_ms, char *err, size_t errlen,
			     char *servers, size_t servers_len);

/* ------------------------------------------------------------- the check */

struct mw_ctx;
struct mw_report;

struct mw_dnsbl_opts {
	struct mw_strlist ip;		/* --ip addresses */
	struct mw_strlist operands;	/* addresses given as operands */
	struct mw_strlist lists;	/* zones, each entry one or more words;
					 * none = [dnsbl] lists, else the defaults */
	const char *resolver;		/* IP[:PORT]; NULL = [dnsbl] resolver */
	unsigned timeout_ms, tries;	/* 0 = [dnsbl] timeout_ms, tries */
	const char *postfix_config;	/* Postfix config dir for discovery */
};

/*
 * Run the dnsbl check into report (check and data section "dnsbl"); with
 * no address given, discover them. MW_OK when it ran; MW_ERR_USAGE for a
 * bad address, zone or resolver; another error via mw_fail().
 */
enum mw_err mw_dnsbl_run(struct mw_ctx *ctx, const struct mw_dnsbl_opts *o,
			 struct mw_report *report);

/*
 * For the checks that ask DNS the dnsbl way (dnsbl, reputation): parse an
 * address given by the user or the config and add it to set. A bad
 * address or a full set is a usage error (from_config: a config error
 * naming [dnsbl] ips), with the message in ctx.
 */
enum mw_err mw_dnsbl_add_ip_text(struct mw_ctx *ctx, struct mw_dnsbl_addrs *set,
				 const char *text, const char *source, int from_config);

/* The resolver, per-try timeout and tries: the options given (NULL/0 =
 * [dnsbl] resolver, timeout_ms, tries), checked; server "" = resolv.conf. */
struct mw_dnsbl_resolver {
	char server[MW_DNSBL_IPSTR_MAX + 16];	/* c-ares form */
	unsigned timeout_ms, tries;
};

enum mw_err mw_dnsbl_resolver_settings(struct mw_ctx *ctx, const char *resolver,
				       unsigned timeout_ms, unsigned tries,
				       struct mw_dnsbl_resolver *out);

/* The c-ares status of a finished query as a mw_dns_status. */
enum mw_dns_status mw_dnsbl_ares_status(int ares_status);

/* Append the equivalent command line ("dnsbl --ip 192.0.2.1") to b. */
enum mw_err mw_dnsbl_opts_describe(const struct mw_dnsbl_opts *o, struct mw_buf *b);

#endif
