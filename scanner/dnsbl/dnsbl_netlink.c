/*
 * The host's own addresses and the source address it would use toward the
 * internet (core/hostaddr.h): which of them are sending addresses, and
 * how they are labelled.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/hostaddr.h"
#include "scanner/dnsbl/dnsbl.h"

/*
 * Any public address stands for "the internet": the route lookup only asks
 * which source the kernel would pick, no packet goes out (Quad9's
 * resolvers, chosen because they are stable, well-known unicast space).
 */
#define INTERNET_V4 "9.9.9.9"
#define INTERNET_V6 "2620:fe::fe"

/* An interface address that can send: global scope, not tentative. */
static void on_addr(void *ud, const struct mw_hostaddr *a)
{
	struct mw_dnsbl_addrs *set = ud;
	char label[64];

	if (a->scope != RT_SCOPE_UNIVERSE)
		return;	/* host/link scope: never a sending address */
	if (a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		return;
	snprintf(label, sizeof(label), "interface %s%s", a->ifname,
		 (a->flags & IFA_F_DEPRECATED) ? " (deprecated)" : "");
	(void)mw_dnsbl_addrs_add(set, &a->ip, label);
}

enum mw_err mw_dnsbl_discover_netlink(struct mw_dnsbl_addrs *set,
				      struct mw_strlist *notes)
{
	static const struct { int family; const char *dst, *name; } routes[] = {
		{ AF_INET, INTERNET_V4, "IPv4" },
		{ AF_INET6, INTERNET_V6, "IPv6" },
	};
	char msg[160];
	struct mw_ip ip;
	size_t i;
	int rc;

	rc = mw_host_addresses(on_addr, set);
	if (rc == MW_HOSTADDR_ENOSOCK) {
		snprintf(msg, sizeof(msg), "netlink: cannot open a route socket: %s",
			 strerror(errno));
		(void)mw_strlist_add(notes, msg);
		return MW_ERR_NET;
	}
	if (rc == MW_HOSTADDR_EDUMP) {
		snprintf(msg, sizeof(msg), "netlink: address dump failed: %s",
			 strerror(errno));
		(void)mw_strlist_add(notes, msg);
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		rc = mw_host_route_source(routes[i].family, routes[i].dst, &ip);
		if (rc == 0) {
			(void)mw_dnsbl_addrs_add(set, &ip, "route to the internet");
		} else if (rc < 0) {
			snprintf(msg, sizeof(msg), "no %s route to the internet (%s)",
				 routes[i].name, strerror(errno));
			(void)mw_strlist_add(notes, msg);
		}
	}
	return MW_OK;
}
