/* DNSBL query names, zones and resolver addresses. */
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
