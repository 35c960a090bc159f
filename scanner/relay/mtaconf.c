#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/limits.h"
#include "core/netaddr.h"
#include "core/safefile.h"
#include "scanner/relay/mtaconf.h"

/* Next blank-separated word of s[0..n) from *pos; 0 when none is left. */
static int next_word(const char *s, size_t n, size_t *pos, const char **w,
		     size_t *wn)
{
	size_t p = *pos;

	while (p < n && isspace((unsigned char)s[p]))
		p++;
	if (p >= n)
		return 0;
	*w = s + p;
	while (p < n && !isspace((unsigned char)s[p]))
		p++;
	*wn = (size_t)(s + p - *w);
	*pos = p;
	return 1;
}

enum mw_err mw_services_parse(const char *text, size_t len,
			      struct mw_servicelist *out)
{
	struct mw_lines it;
	const char *line, *w[8];
	size_t n, wn[8], pos;
	int overlong, i;
	enum mw_err e;

	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		struct mw_service *s;

		pos = 0;
		if (memchr(line, '\0', n))
			goto bad;
		for (i = 0; i < 8; i++)
			if (!next_word(line, n, &pos, &w[i], &wn[i]))
				break;
		if (i == 0)
			continue;
		if (i < 8 || w[0][0] == '#')
			goto bad;
		e = mw_kv_grow((void **)&out->v, &out->alloc, out->n, sizeof(*out->v));
		if (e != MW_OK)
			return e;
		s = &out->v[out->n];
		s->name = mw_kv_dup_trimmed(w[0], wn[0]);
		s->type = mw_kv_dup_trimmed(w[1], wn[1]);
		s->command = mw_kv_dup_trimmed(w[7], wn[7]);
		s->args = mw_kv_dup_trimmed(line + pos, n - pos);
		s->line = it.lineno;
		if (!s->name || !s->type || !s->command || !s->args) {
			free(s->name);
			free(s->type);
			free(s->command);
			free(s->args);
			return MW_ERR_NOMEM;
		}
		out->n++;
		continue;
bad:
		out->bad_lines++;
	}
	return MW_OK;
}

void mw_services_free(struct mw_servicelist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].type);
		free(l->v[i].command);
		free(l->v[i].args);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const char *mw_service_port(const char *name)
{
	const char *c = strrchr(name, ':');

	/* "[::1]:submission" and "127.0.0.1:smtp" carry a host part */
	return c ? c + 1 : name;
}

static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int mw_net_contains(const struct mw_netent *e, const struct mw_ip *host)
{
	unsigned char m[16];

	if (e->kind != MW_NET_ADDR)
		return 0;
	if (e->ip.family == host->family)
		return mw_prefix_match(e->ip.a, host->a, e->prefix);
	if (e->ip.family == AF_INET6 && host->family == AF_INET) {
		memcpy(m, v4mapped, 12);
		memcpy(m + 12, host->a, 4);
		return mw_prefix_match(e->ip.a, m, e->prefix);
	}
	return 0;
}

/* The IPv4 view of an entry: 1 with a4/p4 set for IPv4 and mapped IPv6. */
static int as_v4(const struct mw_netent *e, unsigned char a4[4], unsigned *p4)
{
	if (e->ip.family == AF_INET) {
		memcpy(a4, e->ip.a, 4);
		*p4 = e->prefix;
		return 1;
	}
	if (e->prefix >= 96 && memcmp(e->ip.a, v4mapped, 12) == 0) {
		memcpy(a4, e->ip.a + 12, 4);
		*p4 = e->prefix - 96;
		return 1;
	}
	return 0;
}

static int v4_within(const unsigned char a[4], unsigned p, unsigned char n0,
		     unsigned char n1, unsigned np)
{
	unsigned char net[4] = { n0, n1, 0, 0 };

	return p >= np && mw_prefix_match(net, a, np);
}

int mw_net_ipv4_view(const struct mw_netent *e, struct mw_netent *v4)
{
	if (e->kind != MW_NET_ADDR || e->ip.family != AF_INET6 ||
	    !as_v4(e, v4->ip.a, &v4->prefix))
		return 0;
	v4->kind = MW_NET_ADDR;
	v4->ip.family = AF_INET;
	v4->negate = e->negate;
	v4->text = e->text;
	memset(v4->ip.a + 4, 0, 12);
	return 1;
}

int mw_net_is_loopback(const struct mw_netent *e)
{
	static const unsigned char lo6[16] = { [15] = 1 };
	unsigned char a4[4];
	unsigned p4;

	if (e->kind != MW_NET_ADDR)
		return 0;
	if (as_v4(e, a4, &p4))
		return v4_within(a4, p4, 127, 0, 8);
	return e->prefix == 128 && memcmp(e->ip.a, lo6, 16) == 0;
}

int mw_net_is_private(const struct mw_netent *e)
{
	unsigned char a4[4];
	unsigned p4;

	if (e->kind != MW_NET_ADDR)
		return 0;
	if (mw_net_is_loopback(e))
		return 1;
	if (as_v4(e, a4, &p4))
		return v4_within(a4, p4, 10, 0, 8) ||
		       v4_within(a4, p4, 172, 16, 12) ||
		       v4_within(a4, p4, 192, 168, 16) ||
		       v4_within(a4, p4, 100, 64, 10) ||
		       v4_within(a4, p4, 169, 254, 16);
	/* fc00::/7 unique local, fe80::/10 link local */
	return (e->prefix >= 7 && (e->ip.a[0] & 0xfe) == 0xfc) ||
	       (e->prefix >= 10 && e->ip.a[0] == 0xfe && (e->ip.a[1] & 0xc0) == 0x80);
}

static enum mw_err add_entry(struct mw_netlist *l, const char *s, size_t n,
			     int exim)
{
	struct mw_netent *e;
	enum mw_err err;
	int neg = 0;

	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n)
		return MW_OK;
	err = mw_kv_grow((void **)&l->v, &l->alloc, l->n, sizeof(*l->v));
	if (err != MW_OK)
		return err;
	e = &l->v[l->n];
	memset(e, 0, sizeof(*e));
	e->text = mw_kv_dup_trimmed(s, n);
	if (!e->text)
		return MW_ERR_NOMEM;
	l->n++;
	while (n && *s == '!') {
		neg = !neg;
		s++;
		n--;
	}
	e->negate = neg;
	{
		char *body = mw_kv_dup_trimmed(s, n);

		if (!body)
			return MW_ERR_NOMEM;
		if (mw_ipnet_parse(body, &e->ip, &e->prefix) == 0) {
			e->kind = MW_NET_ADDR;
		} else if (exim && strcmp(body, "*") == 0) {
			e->kind = MW_NET_ANY;
		} else if (exim && (strcmp(body, "@") == 0 || strcmp(body, "@[]") == 0)) {
			e->kind = MW_NET_LOCAL;
		} else if (body[0] == '/' || body[0] == '+' || strchr(body, ':') ||
			   strchr(body, ';')) {
			/* type:table, /file, +named_list, net-lsearch;file;
			 * anything else with a colon that did not parse as
			 * an address is a lookup, or a broken address */
			e->kind = MW_NET_LOOKUP;
			if (strspn(body, "0123456789abcdefABCDEF:./[]") == strlen(body))
				l->bad++;
		} else if (strspn(body, "0123456789./") == strlen(body)) {
			e->kind = MW_NET_NAME;
			l->bad++;
		} else {
			e->kind = MW_NET_NAME;
		}
		free(body);
	}
	return MW_OK;
}

enum mw_err mw_netlist_parse_postfix(const char *s, struct mw_netlist *out)
{
	const char *p = s;
	enum mw_err e;

	for (;;) {
		size_t n = strcspn(p, " \t\r\n,{}");

		if (n) {
			e = add_entry(out, p, n, 0);
			if (e != MW_OK)
				return e;
		}
		if (!p[n])
			return MW_OK;
		p += n + 1;
	}
}

enum mw_err mw_netlist_parse_exim(const char *s, struct mw_netlist *out)
{
	char sep = ':', *item;
	size_t len, cap;
	enum mw_err e;

	while (isspace((unsigned char)*s))
		s++;
	if (s[0] == '<' && s[1] && !isspace((unsigned char)s[1])) {
		sep = s[1];
		s += 2;
	}
	cap = strlen(s) + 1;
	item = malloc(cap);
	if (!item)
		return MW_ERR_NOMEM;
	len = 0;
	for (;;) {
		if (*s == sep && sep == ':' && s[1] == ':') {
			/* "::" is a literal colon in a colon-separated list */
			item[len++] = ':';
			s += 2;
			continue;
		}
		if (*s == sep || !*s) {
			e = add_entry(out, item, len, 1);
			if (e != MW_OK) {
				free(item);
				return e;
			}
			len = 0;
			if (!*s)
				break;
			s++;
			continue;
		}
		item[len++] = *s++;
	}
	free(item);
	return MW_OK;
}

void mw_netlist_free(struct mw_netlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
