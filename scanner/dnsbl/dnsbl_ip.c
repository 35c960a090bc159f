/* Addresses: parsing, special-use classes, DNSBL query names. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/netaddr.h"
#include "scanner/dnsbl/dnsbl.h"

#define DNS_NAME_MAX	253
#define DNS_LABEL_MAX	63
#define ZONE_MAX	180	/* 253 - 64 bytes of reversed IPv6 - slack */

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
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
	if (n >= MW_DNSBL_IPSTR_MAX) {
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

enum mw_err mw_dnsbl_qname(const struct mw_ip *ip, const char *zone,
			   char *dst, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[80];
	size_t o = 0;
	int i, n;

	if (ip->family == AF_INET) {
		n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", ip->a[3], ip->a[2],
			     ip->a[1], ip->a[0]);
		if (n < 0)
			return MW_ERR_INTERNAL;
		o = (size_t)n;
	} else if (ip->family == AF_INET6) {
		for (i = 15; i >= 0; i--) {
			tmp[o++] = hex[ip->a[i] & 0xf];
			tmp[o++] = '.';
			tmp[o++] = hex[ip->a[i] >> 4];
			if (i)
				tmp[o++] = '.';
		}
		tmp[o] = '\0';
	} else {
		return MW_ERR_PARSE;
	}
	if (zone && *zone) {
		size_t zl = strlen(zone);

		if (zone[zl - 1] == '.')
			zl--;
		if (o + 1 + zl > DNS_NAME_MAX || o + 1 + zl + 1 > len)
			return MW_ERR_TOOBIG;
		memcpy(dst, tmp, o);
		dst[o] = '.';
		memcpy(dst + o + 1, zone, zl);
		dst[o + 1 + zl] = '\0';
		return MW_OK;
	}
	if (o + 1 > len)
		return MW_ERR_TOOBIG;
	memcpy(dst, tmp, o + 1);
	return MW_OK;
}

enum mw_err mw_dnsbl_zone_check(const char *zone, char *err, size_t errlen)
{
	size_t n, label = 0, i;

	if (!zone || !*zone) {
		set_err(err, errlen, "empty zone name");
		return MW_ERR_PARSE;
	}
	n = strlen(zone);
	if (zone[n - 1] == '.')
		n--;
	if (n == 0 || n > ZONE_MAX) {
		set_err(err, errlen, "zone name empty or longer than 180 characters");
		return MW_ERR_PARSE;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)zone[i];

		if (c == '.') {
			if (label == 0) {
				set_err(err, errlen, "empty label in zone name");
				return MW_ERR_PARSE;
			}
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_') {
			set_err(err, errlen, "zone names hold only letters, digits, '-', '_' and dots");
			return MW_ERR_PARSE;
		}
		if (++label > DNS_LABEL_MAX) {
			set_err(err, errlen, "label longer than 63 characters in zone name");
			return MW_ERR_PARSE;
		}
	}
	if (label == 0) {
		set_err(err, errlen, "empty label in zone name");
		return MW_ERR_PARSE;
	}
	return MW_OK;
}

/* Port text: 1..65535, digits only. */
static int parse_port(const char *p, unsigned *port)
{
	unsigned long v = 0;

	if (!*p || strlen(p) > 5)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

enum mw_err mw_dnsbl_resolver_parse(const char *s, char *dst, size_t len,
				    char *err, size_t errlen)
{
	char host[MW_DNSBL_IPSTR_MAX + 2], ipstr[MW_DNSBL_IPSTR_MAX];
	const char *port_text = NULL, *colon;
	unsigned port = 53;
	struct mw_ip ip;
	size_t hl;
	int n;

	if (!s || !*s || strlen(s) > MW_DNSBL_IPSTR_MAX + 8) {
		set_err(err, errlen, "expected IP or IP:PORT");
		return MW_ERR_PARSE;
	}
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close) {
			set_err(err, errlen, "missing ']' after IPv6 address");
			return MW_ERR_PARSE;
		}
		hl = (size_t)(close - s - 1);
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1]) {
			set_err(err, errlen, "unexpected text after ']'");
			return MW_ERR_PARSE;
		}
		if (hl >= sizeof(host)) {
			set_err(err, errlen, "address too long");
			return MW_ERR_PARSE;
		}
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
	} else {
		colon = strchr(s, ':');
		if (colon && !strchr(colon + 1, ':')) {
			/* exactly one colon: IPv4:PORT */
			hl = (size_t)(colon - s);
			port_text = colon + 1;
		} else {
			/* none (IPv4) or several (bare IPv6, no port) */
			hl = strlen(s);
		}
		if (hl >= sizeof(host)) {
			set_err(err, errlen, "address too long");
			return MW_ERR_PARSE;
		}
		memcpy(host, s, hl);
		host[hl] = '\0';
	}
	if (port_text && parse_port(port_text, &port) != 0) {
		set_err(err, errlen, "port must be a number from 1 to 65535");
		return MW_ERR_PARSE;
	}
	if (mw_ip_parse(host, &ip, err, errlen) != MW_OK)
		return MW_ERR_PARSE;
	mw_ip_format(&ip, ipstr, sizeof(ipstr));
	if (ip.family == AF_INET)
		n = snprintf(dst, len, "%s:%u", ipstr, port);
	else
		n = snprintf(dst, len, "[%s]:%u", ipstr, port);
	if (n < 0 || (size_t)n >= len) {
		set_err(err, errlen, "resolver text too long");
		return MW_ERR_TOOBIG;
	}
	return MW_OK;
}
