/* The host's addresses and route sources over rtnetlink: core/hostaddr.h. */
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

#include "core/hostaddr.h"

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

#define MAX_LOOPBACK_IFS	16	/* loopback interfaces remembered */

struct walk {
	mw_hostaddr_fn fn;
	void *ud;
	int lo[MAX_LOOPBACK_IFS];	/* indexes of IFF_LOOPBACK interfaces */
	size_t nlo;
};

/* RTM_GETLINK reply: remember the loopback interfaces. */
static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	if ((ifi->ifi_flags & IFF_LOOPBACK) && w->nlo < MAX_LOOPBACK_IFS)
		w->lo[w->nlo++] = ifi->ifi_index;
	return MNL_CB_OK;
}

/* The attributes of one message, by type, up to max (the kernel's *_MAX
 * of that message: newer kernels may send types we do not know). */
struct attrs {
	const struct nlattr **tb;
	int max;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct attrs *at = data;

	if (mnl_attr_type_valid(attr, (uint16_t)at->max) < 0)
		return MNL_CB_OK;
	at->tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	struct walk *w = data;
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	struct mw_hostaddr h;
	size_t want, i;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &(struct attrs){ tb, IFA_MAX });
	memset(&h, 0, sizeof(h));
	h.scope = ifa->ifa_scope;
	h.flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] && mnl_attr_get_payload_len(tb[IFA_FLAGS]) == 4)
		h.flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
	/* IFA_LOCAL is the own end of a point-to-point IPv4 link. */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	want = ifa->ifa_family == AF_INET ? 4 : 16;
	if (!a || mnl_attr_get_payload_len(a) != want)
		return MNL_CB_OK;
	h.ip.family = ifa->ifa_family;
	memcpy(h.ip.a, mnl_attr_get_payload(a), want);
	if (!if_indextoname(ifa->ifa_index, h.ifname))
		snprintf(h.ifname, sizeof(h.ifname), "#%u", ifa->ifa_index);
	for (i = 0; i < w->nlo; i++)
		if (w->lo[i] == (int)ifa->ifa_index)
			h.loopback_if = 1;
	w->fn(w->ud, &h);
	return MNL_CB_OK;
}

/* Dump type (RTM_GETLINK, RTM_GETADDR) of every family through cb. */
static int dump(struct nl *nl, int type, mnl_cb_t cb, struct walk *w)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = (unsigned short)type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

		ifi->ifi_family = AF_UNSPEC;
	} else {
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

		ifa->ifa_family = AF_UNSPEC;
	}
	return nl_talk(nl, nlh, cb, w);
}

int mw_host_addresses(mw_hostaddr_fn fn, void *ud)
{
	struct walk w = { .fn = fn, .ud = ud };
	struct nl nl;
	int rc = 0;

	if (nl_open(&nl) != 0)
		return MW_HOSTADDR_ENOSOCK;
	if (dump(&nl, RTM_GETLINK, link_cb, &w) < 0 ||
	    dump(&nl, RTM_GETADDR, addr_cb, &w) < 0)
		rc = MW_HOSTADDR_EDUMP;
	mnl_socket_close(nl.sock);
	return rc;
}

struct route_answer {
	int family;
	int found;
	unsigned char src[16];
};

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
	mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &(struct attrs){ tb, RTA_MAX });
	if (tb[RTA_PREFSRC] && mnl_attr_get_payload_len(tb[RTA_PREFSRC]) == want) {
		memcpy(ra->src, mnl_attr_get_payload(tb[RTA_PREFSRC]), want);
		ra->found = 1;
	}
	return MNL_CB_STOP;
}

int mw_host_route_source(int family, const char *dst, struct mw_ip *out)
{
	struct nl nl;
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct route_answer ra = { .family = family };
	unsigned char addr[16];
	struct rtmsg *rtm;
	size_t alen = family == AF_INET ? 4 : 16;
	int rc;

	if (inet_pton(family, dst, addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	if (nl_open(&nl) != 0)
		return -1;
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	mnl_attr_put(nlh, RTA_DST, alen, addr);
	rc = nl_talk(&nl, nlh, route_cb, &ra);
	mnl_socket_close(nl.sock);
	if (rc < 0)
		return -1;
	if (!ra.found)
		return 1;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->a, ra.src, alen);
	return 0;
}
