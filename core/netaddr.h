/*
 * core/: IP addresses, the one type every check uses (the DNSBL check,
 * the relay audit's networks, reputation, logs): parse, format, compare,
 * classify, prefix match.
 */
#ifndef MW_NETADDR_H
#define MW_NETADDR_H

#include <stddef.h>

#include "core/error.h"

#define MW_IP_STR_MAX	46	/* INET6_ADDRSTRLEN */

struct mw_ip {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char a[16];	/* network order; 4 bytes used for AF_INET */
};

enum mw_ip_class {
	MW_IPC_PUBLIC = 0,
	MW_IPC_PRIVATE,		/* RFC 1918 */
	MW_IPC_CGNAT,		/* 100.64.0.0/10, carrier-grade NAT */
	MW_IPC_LOOPBACK,
	MW_IPC_LINKLOCAL,
	MW_IPC_ULA,		/* fc00::/7 */
	MW_IPC_DOCUMENTATION,	/* TEST-NETs, 2001:db8::/32 */
	MW_IPC_UNSPECIFIED,
	MW_IPC_MULTICAST,
	MW_IPC_RESERVED,	/* other special-use ranges */
	MW_IPC__COUNT
};

/*
 * Parse an IPv4 or IPv6 address in text form (no prefix, no port, no zone
 * id). An IPv4-mapped IPv6 address (::ffff:192.0.2.1) becomes the IPv4
 * address: a connection from it is that IPv4 address, and that is what a
 * blocklist knows. On failure returns MW_ERR_PARSE and writes a short
 * reason into err (errlen bytes, may be 0).
 */
enum mw_err mw_ip_parse(const char *s, struct mw_ip *ip, char *err,
			size_t errlen);

/* Canonical text form into dst (at least MW_IP_STR_MAX bytes). */
void mw_ip_format(const struct mw_ip *ip, char *dst, size_t len);

int mw_ip_equal(const struct mw_ip *a, const struct mw_ip *b);

/* Special-use class of an address (IANA special-purpose registries). */
enum mw_ip_class mw_ip_classify(const struct mw_ip *ip);
/* "public", "private", "cgnat", ... */
const char *mw_ip_class_name(enum mw_ip_class c);


/*
 * An address with an optional prefix ("10.0.0.0/8", "[::1]/128", "::1"):
 * net gets the network (host bits cleared; an IPv4-mapped IPv6 address
 * stays IPv6), *prefix its length (the full length without one). 0 on
 * success, -1 when s is not such a thing.
 */
int mw_ipnet_parse(const char *s, struct mw_ip *net, unsigned *prefix);

/*
 * 1 when the first `bits` bits of the address a (network byte order, 4 or
 * 16 bytes) equal those of net. bits must not exceed the address length.
 */
int mw_prefix_match(const unsigned char *a, const unsigned char *net,
		    unsigned bits);

#endif
