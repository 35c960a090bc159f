/* IP addresses: core/netaddr.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/netaddr.h"

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}


int mw_prefix_match(const unsigned char *a, const unsigned char *net,
		    unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, net, full) != 0)
		return 0;
	if (!rest)
		return 1;
	return ((a[full] ^ net[full]) & (0xff << (8 - rest))) == 0;
}

static const unsigned char v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

enum mw_err mw_ip_parse(const char *s, struct mw_ip *ip, char *err,
			size_t errlen)
{
	size_t n;

	memset(ip, 0, sizeof(*ip));
	if (!s || !*s) {
		set_err(err, errlen, "empty address");
		return MW_ERR_PARSE;
	}
	n = strlen(s);
	if (n >= MW_IP_STR_MAX) {
		set_err(err, errlen, "too long for an IP address");
		return MW_ERR_PARSE;
	}
	if (strchr(s, '/')) {
		set_err(err, errlen, "a prefix is not an address (give one IP, without /len)");
		return MW_ERR_PARSE;
	}
	if (strchr(s, '%')) {
		set_err(err, errlen, "zone ids (%iface) are not allowed");
		return MW_ERR_PARSE;
	}
	if (inet_pton(AF_INET, s, ip->a) == 1) {
		ip->family = AF_INET;
		return MW_OK;
	}
	if (inet_pton(AF_INET6, s, ip->a) == 1) {
		ip->family = AF_INET6;
		if (memcmp(ip->a, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0) {
			memmove(ip->a, ip->a + 12, 4);
			memset(ip->a + 4, 0, 12);
			ip->family = AF_INET;
		}
		return MW_OK;
	}
	set_err(err, errlen, "not an IPv4 or IPv6 address");
	return MW_ERR_PARSE;
}

void mw_ip_format(const struct mw_ip *ip, char *dst, size_t len)
{
	if (!len)
		return;
	if (!inet_ntop(ip->family == AF_INET ? AF_INET : AF_INET6, ip->a, dst,
		       (socklen_t)len))
		dst[0] = '\0';
}

int mw_ip_equal(const struct mw_ip *a, const struct mw_ip *b)
{
	return a->family == b->family &&
	       memcmp(a->a, b->a, a->family == AF_INET ? 4 : 16) == 0;
}

struct range {
	unsigned char prefix[16];
	unsigned bits;
	enum mw_ip_class cls;
};

/* IANA IPv4 special-purpose registry, the parts that matter for mail. */
static const struct range v4_ranges[] = {
	{ { 0 }, 8, MW_IPC_UNSPECIFIED },
	{ { 10 }, 8, MW_IPC_PRIVATE },
	{ { 100, 64 }, 10, MW_IPC_CGNAT },
	{ { 127 }, 8, MW_IPC_LOOPBACK },
	{ { 169, 254 }, 16, MW_IPC_LINKLOCAL },
	{ { 172, 16 }, 12, MW_IPC_PRIVATE },
	{ { 192, 0, 0 }, 24, MW_IPC_RESERVED },
	{ { 192, 0, 2 }, 24, MW_IPC_DOCUMENTATION },
	{ { 192, 88, 99 }, 24, MW_IPC_RESERVED },
	{ { 192, 168 }, 16, MW_IPC_PRIVATE },
	{ { 198, 18 }, 15, MW_IPC_RESERVED },
	{ { 198, 51, 100 }, 24, MW_IPC_DOCUMENTATION },
	{ { 203, 0, 113 }, 24, MW_IPC_DOCUMENTATION },
	{ { 224 }, 4, MW_IPC_MULTICAST },
	{ { 240 }, 4, MW_IPC_RESERVED },
};

static const struct range v6_ranges[] = {
	{ { 0 }, 128, MW_IPC_UNSPECIFIED },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 128, MW_IPC_LOOPBACK },
	{ { 0 }, 96, MW_IPC_RESERVED },		/* IPv4-compatible, deprecated */
	{ { 0x01 }, 64, MW_IPC_RESERVED },		/* 100::/64 discard */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, MW_IPC_DOCUMENTATION },
	{ { 0x3f, 0xff }, 20, MW_IPC_DOCUMENTATION },	/* 3fff::/20 */
	{ { 0xfc }, 7, MW_IPC_ULA },
	{ { 0xfe, 0x80 }, 10, MW_IPC_LINKLOCAL },
	{ { 0xfe, 0xc0 }, 10, MW_IPC_RESERVED },	/* site-local, deprecated */
	{ { 0xff }, 8, MW_IPC_MULTICAST },
};

enum mw_ip_class mw_ip_classify(const struct mw_ip *ip)
{
	const struct range *r;
	size_t i, n;

	if (ip->family == AF_INET) {
		r = v4_ranges;
		n = sizeof(v4_ranges) / sizeof(v4_ranges[0]);
	} else {
		r = v6_ranges;
		n = sizeof(v6_ranges) / sizeof(v6_ranges[0]);
	}
	for (i = 0; i < n; i++)
		if (mw_prefix_match(ip->a, r[i].prefix, r[i].bits))
			return r[i].cls;
	return MW_IPC_PUBLIC;
}

const char *mw_ip_class_name(enum mw_ip_class c)
{
	static const char *const names[MW_IPC__COUNT] = {
		"public", "private", "cgnat", "loopback", "link-local", "ula",
		"documentation", "unspecified", "multicast", "reserved",
	};

	return (unsigned)c < MW_IPC__COUNT ? names[c] : "?";
}

static void clear_host_bits(unsigned char *a, unsigned bytes, unsigned prefix)
{
	unsigned i;

	for (i = 0; i < bytes; i++) {
		unsigned bit = i * 8;

		if (bit >= prefix)
			a[i] = 0;
		else if (prefix - bit < 8)
			a[i] &= (unsigned char)(0xff << (8 - (prefix - bit)));
	}
}

int mw_ipnet_parse(const char *s, struct mw_ip *net, unsigned *prefix)
{
	unsigned char *addr = net->a;
	char tmp[INET6_ADDRSTRLEN + 8];
	const char *slash, *end;
	size_t n = strlen(s), alen;
	unsigned long pl = 0;
	unsigned max;
	char *ep;

	slash = strchr(s, '/');
	end = slash ? slash : s + n;
	if (*s == '[') {
		if (end - s < 2 || end[-1] != ']')
			return -1;
		s++;
		end--;
	}
	alen = (size_t)(end - s);
	if (!alen || alen >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, alen);
	tmp[alen] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, tmp, addr) == 1) {
		net->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, tmp, addr) == 1) {
		net->family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	if (slash) {
		if (!isdigit((unsigned char)slash[1]))
			return -1;
		pl = strtoul(slash + 1, &ep, 10);
		if (*ep || pl > max)
			return -1;
	} else {
		pl = max;
	}
	*prefix = (unsigned)pl;
	clear_host_bits(addr, max / 8, *prefix);
	return 0;
}
