/*
 * core/: the host's own addresses and the source address the kernel would
 * pick toward a destination, asked from the kernel over rtnetlink
 * (libmnl). The one discovery every check uses (the DNSBL check's sending
 * addresses, the relay probe's default targets); each keeps its own
 * policy of which addresses count.
 */
#ifndef MW_HOSTADDR_H
#define MW_HOSTADDR_H

#include <net/if.h>

#include "core/netaddr.h"

struct mw_hostaddr {
	struct mw_ip ip;		/* IFA_LOCAL (own end of a point-to-point link) or IFA_ADDRESS */
	char ifname[IF_NAMESIZE + 1];	/* "#N" when the index has no name */
	unsigned scope;			/* RT_SCOPE_*: 0 universe, 253 link, 254 host */
	unsigned flags;			/* IFA_F_* (tentative, deprecated, ...) */
	int loopback_if;		/* the interface is a loopback one (IFF_LOOPBACK) */
};

typedef void (*mw_hostaddr_fn)(void *ud, const struct mw_hostaddr *a);

#define MW_HOSTADDR_ENOSOCK	(-1)	/* no netlink socket (errno) */
#define MW_HOSTADDR_EDUMP	(-2)	/* a dump failed (errno); fn saw what came */

/*
 * Every IPv4 and IPv6 address of the host's interfaces, in the kernel's
 * order, to fn. Returns 0, MW_HOSTADDR_ENOSOCK or MW_HOSTADDR_EDUMP.
 * Every reply is checked against our sequence number and port id; a
 * lost reply times out after a few seconds instead of blocking.
 */
int mw_host_addresses(mw_hostaddr_fn fn, void *ud);

/*
 * The source address the kernel would use toward dst (an address in text
 * form of that family); no packet is sent. 0 found, 1 no route (or no
 * preferred source), -1 error (errno).
 */
int mw_host_route_source(int family, const char *dst, struct mw_ip *out);

#endif
