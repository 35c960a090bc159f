/*
 * The host's own addresses and the source address it would use toward the
 * internet, asked from the kernel over rtnetlink with libmnl. Nothing is
 * sent anywhere but to the kernel; every reply is checked against our
 * sequence number and port id.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "scanner/dnsbl/dnsbl.h"

/*
 * Any public address stands for "the internet": the route lookup only asks
 * which source the kernel would pick, no packet goes out (Quad9's
 * resolvers, chosen because they are stable, well-known unicast space).
 */
#define INTERNET_V4 "9.9.9.9"
#define INTERNET_V6 "2620:fe::fe"

/* libmnl's recommended receive size for dumps (MNL_SOCKET_DUMP_SIZE). */
#define NL_BUF_SIZE 32768
#define NL_TIMEOUT_S 2

struct nl {
	struct mnl_socket *sock;
	unsigned portid;
	unsigned seq;
};

static int nl_open(struct nl *nl)
{
	struct timeval tv = { .tv_sec = NL_TIMEOUT_S };

	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return -1;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return -1;
	}
	/* the kernel answers at once; never block forever on a lost reply */
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	return 0;
}

/* Send nlh and run cb over every reply until done; -1 with errno on error. */
static int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[NL_BUF_SIZE];
	ssize_t r;
	int rc;

	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		r = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (r < 0)
			return -1;
		rc = mnl_cb_run(buf, (size_t)r, nl->seq, nl->portid, cb, data);
		if (rc < 0)
			return -1;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

struct addr_walk {
	struct mw_dnsbl_addrs *set;
	unsigned seen;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	struct addr_walk *w = data;
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	char ifname[IF_NAMESIZE + 1], label[64];
	uint32_t flags;
	struct mw_ip ip;
	size_t want;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	if (ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;	/* host/link scope: never a sending address */
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] && mnl_attr_get_payload_len(tb[IFA_FLAGS]) == 4)
		flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
	if (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		return MNL_CB_OK;
	/* IFA_LOCAL is the own end of a point-to-point IPv4 link. */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	want = ifa->ifa_family == AF_INET ? 4 : 16;
	if (!a || mnl_attr_get_payload_len(a) != want)
		return MNL_CB_OK;
	memset(&ip, 0, sizeof(ip));
	ip.family = ifa->ifa_family;
	memcpy(ip.a, mnl_attr_get_payload(a), want);
	if (!if_indextoname(ifa->ifa_index, ifname))
		snprintf(ifname, sizeof(ifname), "#%u", ifa->ifa_index);
	snprintf(label, sizeof(label), "interface %s%s", ifname,
		 (flags & IFA_F_DEPRECATED) ? " (deprecated)" : "");
	(void)mw_dnsbl_addrs_add(w->set, &ip, label);
	w->seen++;
	return MNL_CB_OK;
}

static int dump_addresses(struct nl *nl, struct addr_walk *w)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	return nl_talk(nl, nlh, addr_cb, w);
}

struct route_answer {
	int family;
	int found;
	unsigned char src[16];
};

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, RTA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct route_answer *ra = data;
	const struct rtmsg *rtm;
	size_t want = ra->family == AF_INET ? 4 : 16;

	/* a route get has exactly one reply: stop after it, whatever it is */
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return MNL_CB_STOP;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != ra->family)
		return MNL_CB_STOP;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
	if (tb[RTA_PREFSRC] && mnl_attr_get_payload_len(tb[RTA_PREFSRC]) == want) {
		memcpy(ra->src, mnl_attr_get_payload(tb[RTA_PREFSRC]), want);
		ra->found = 1;
	}
	return MNL_CB_STOP;
}

/* Source the kernel picks toward dst; 0 found, 1 none, -1 error (errno). */
static int route_source(struct nl *nl, int family, const char *dst,
			struct mw_ip *out)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct route_answer ra = { .family = family };
	unsigned char addr[16];
	struct rtmsg *rtm;
	size_t alen = family == AF_INET ? 4 : 16;

	if (inet_pton(family, dst, addr) != 1)
		return -1;
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	mnl_attr_put(nlh, RTA_DST, alen, addr);
	if (nl_talk(nl, nlh, route_cb, &ra) < 0)
		return -1;
	if (!ra.found)
		return 1;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->a, ra.src, alen);
	return 0;
}

enum mw_err mw_dnsbl_discover_netlink(struct mw_dnsbl_addrs *set,
				      struct mw_strlist *notes)
{
	static const struct { int family; const char *dst, *name; } routes[] = {
		{ AF_INET, INTERNET_V4, "IPv4" },
		{ AF_INET6, INTERNET_V6, "IPv6" },
	};
	struct addr_walk w = { .set = set };
	struct nl nl;
	char msg[160];
	struct mw_ip ip;
	size_t i;
	int rc;

	if (nl_open(&nl) != 0) {
		snprintf(msg, sizeof(msg), "netlink: cannot open a route socket: %s",
			 strerror(errno));
		(void)mw_strlist_add(notes, msg);
		return MW_ERR_NET;
	}
	if (dump_addresses(&nl, &w) < 0) {
		snprintf(msg, sizeof(msg), "netlink: address dump failed: %s",
			 strerror(errno));
		(void)mw_strlist_add(notes, msg);
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		rc = route_source(&nl, routes[i].family, routes[i].dst, &ip);
		if (rc == 0) {
			(void)mw_dnsbl_addrs_add(set, &ip, "route to the internet");
		} else if (rc < 0) {
			snprintf(msg, sizeof(msg), "no %s route to the internet (%s)",
				 routes[i].name, strerror(errno));
			(void)mw_strlist_add(notes, msg);
		}
	}
	mnl_socket_close(nl.sock);
	return MW_OK;
}
