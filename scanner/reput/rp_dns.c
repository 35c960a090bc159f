/*
 * One question at a time through c-ares (rp_dns.h). The event loop is
 * core/aresloop.c's, shared with the dnsbl check; the answers are decoded
 * by c-ares' own parsers, which bound everything they read.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <ares.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/aresloop.h"
#include "scanner/reput/rp_dns.h"

struct entry {
	struct entry *next;
	enum rp_rrtype type;
	struct rp_answer a;
	char name[];
};

struct rp_dns {
	ares_channel ch;
	unsigned budget_ms;
	size_t sent;
	int capped;
	struct entry *cache;
	struct rp_answer fail;	/* MW_DNS_OTHER, for the cap and OOM */
	char servers[256];
};

struct pending {
	struct rp_answer *a;
	enum rp_rrtype type;
	size_t left;
};

int mw_rp_dns_is_void(enum mw_dns_status st)
{
	return st == MW_DNS_NXDOMAIN || st == MW_DNS_NODATA;
}

static void add_str(struct rp_answer *a, const unsigned char *s, size_t n)
{
	char *d;
	size_t i;

	if (a->n >= RP_DNS_MAX_RRS)
		return;
	d = malloc(n + 1);
	if (!d)
		return;
	for (i = 0; i < n; i++)
		d[i] = s[i] ? (char)s[i] : '\x01';
	d[n] = '\0';
	a->v[a->n++] = d;
}

static void decode_txt(struct rp_answer *a, const unsigned char *buf, int len)
{
	struct ares_txt_ext *txt = NULL, *t;
	unsigned char rec[RP_DNS_MAX_TXT];
	size_t rl = 0;
	int open = 0;

	if (ares_parse_txt_reply_ext(buf, len, &txt) != ARES_SUCCESS) {
		a->status = MW_DNS_BADREPLY;
		return;
	}
	for (t = txt; t; t = t->next) {
		size_t take;

		if (t->record_start && open) {
			add_str(a, rec, rl);
			rl = 0;
		}
		open = 1;
		take = t->length < sizeof(rec) - rl ? t->length : sizeof(rec) - rl;
		memcpy(rec + rl, t->txt, take);
		rl += take;
	}
	if (open)
		add_str(a, rec, rl);
	ares_free_data(txt);
}

static void decode_addrs(struct rp_answer *a, const unsigned char *buf, int len,
			 int family)
{
	struct ares_addrttl t4[RP_DNS_MAX_RRS];
	struct ares_addr6ttl t6[RP_DNS_MAX_RRS];
	int n = RP_DNS_MAX_RRS, i, rc;

	rc = family == AF_INET ? ares_parse_a_reply(buf, len, NULL, t4, &n) :
				 ares_parse_aaaa_reply(buf, len, NULL, t6, &n);
	if (rc != ARES_SUCCESS) {
		a->status = mw_dnsbl_ares_status(rc);
		return;
	}
	for (i = 0; i < n && a->n < RP_DNS_MAX_RRS; i++) {
		struct mw_ip *ip = &a->ip[a->n++];

		memset(ip, 0, sizeof(*ip));
		ip->family = family;
		if (family == AF_INET)
			memcpy(ip->a, &t4[i].ipaddr, 4);
		else
			memcpy(ip->a, &t6[i].ip6addr, 16);
	}
}

static void decode_mx(struct rp_answer *a, const unsigned char *buf, int len)
{
	struct ares_mx_reply *mx = NULL, *m;
	int pref;

	if (ares_parse_mx_reply(buf, len, &mx) != ARES_SUCCESS) {
		a->status = MW_DNS_BADREPLY;
		return;
	}
	/* insertion in preference order: at most RP_DNS_MAX_RRS names */
	for (pref = -1;;) {
		int next = 65536;

		for (m = mx; m; m = m->next)
			if ((int)m->priority > pref && (int)m->priority < next)
				next = m->priority;
		if (next == 65536)
			break;
		for (m = mx; m; m = m->next)
			if ((int)m->priority == next && m->host)
				add_str(a, (const unsigned char *)m->host, strlen(m->host));
		pref = next;
	}
	ares_free_data(mx);
}

static void decode_ptr(struct rp_answer *a, const unsigned char *buf, int len)
{
	struct hostent *h = NULL;
	unsigned char dummy[16] = { 0 };
	size_t i;

	if (ares_parse_ptr_reply(buf, len, dummy, 4, AF_INET, &h) != ARES_SUCCESS) {
		a->status = MW_DNS_BADREPLY;
		return;
	}
	if (h->h_name)
		add_str(a, (const unsigned char *)h->h_name, strlen(h->h_name));
	for (i = 0; h->h_aliases && h->h_aliases[i]; i++)
		add_str(a, (const unsigned char *)h->h_aliases[i],
			strlen(h->h_aliases[i]));
	ares_free_hostent(h);
}

static void answer_cb(void *arg, int status, int timeouts, unsigned char *abuf,
		      int alen)
{
	struct pending *p = arg;
	struct rp_answer *a = p->a;

	(void)timeouts;
	p->left = 0;
	a->status = mw_dnsbl_ares_status(status);
	if (status != ARES_SUCCESS)
		return;
	if (!abuf || alen <= 0) {
		a->status = MW_DNS_BADREPLY;
		return;
	}
	switch (p->type) {
	case RP_TXT:
		decode_txt(a, abuf, alen);
		break;
	case RP_A:
		decode_addrs(a, abuf, alen, AF_INET);
		break;
	case RP_AAAA:
		decode_addrs(a, abuf, alen, AF_INET6);
		break;
	case RP_MX:
		decode_mx(a, abuf, alen);
		break;
	case RP_PTR:
		decode_ptr(a, abuf, alen);
		break;
	}
	if (a->status == MW_DNS_ANSWER && a->n == 0)
		a->status = MW_DNS_NODATA;
}

static int lib_ready;

struct rp_dns *mw_rp_dns_new(const char *server, unsigned timeout_ms,
			  unsigned tries, char *err, size_t errlen)
{
	struct ares_addr_port_node *sv = NULL, *s;
	struct ares_options ao;
	struct rp_dns *d;
	size_t used = 0;
	int rc;

	if (!lib_ready) {
		rc = ares_library_init(ARES_LIB_INIT_ALL);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
			return NULL;
		}
		lib_ready = 1;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->fail.status = MW_DNS_OTHER;
	memset(&ao, 0, sizeof(ao));
	ao.timeout = (int)(timeout_ms ? timeout_ms : 1000);
	ao.tries = (int)(tries ? tries : 1);
	/* as in the dnsbl check: SERVFAIL/REFUSED reach us as such */
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP;
	rc = ares_init_options(&d->ch, &ao,
			       ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: cannot set up the resolver: %s",
			 ares_strerror(rc));
		free(d);
		return NULL;
	}
	if (server && (rc = ares_set_servers_ports_csv(d->ch, server)) != ARES_SUCCESS) {
		snprintf(err, errlen, "resolver %s: %s", server, ares_strerror(rc));
		ares_destroy(d->ch);
		free(d);
		return NULL;
	}
	d->budget_ms = (unsigned)ao.timeout * (unsigned)ao.tries;
	if (ares_get_servers_ports(d->ch, &sv) == ARES_SUCCESS) {
		for (s = sv; s; s = s->next) {
			char ip[MW_DNSBL_IPSTR_MAX];
			int n;

			if (!inet_ntop(s->family, &s->addr, ip, sizeof(ip)))
				continue;
			n = snprintf(d->servers + used, sizeof(d->servers) - used,
				     s->family == AF_INET6 ? "%s[%s]:%d" : "%s%s:%d",
				     used ? ", " : "", ip, s->udp_port ? s->udp_port : 53);
			if (n < 0 || (size_t)n >= sizeof(d->servers) - used)
				break;
			used += (size_t)n;
		}
		ares_free_data(sv);
	}
	return d;
}

const char *mw_rp_dns_servers(const struct rp_dns *d)
{
	return d->servers;
}

static const int qtype[] = { [RP_TXT] = T_TXT, [RP_A] = T_A, [RP_AAAA] = T_AAAA,
			     [RP_MX] = T_MX, [RP_PTR] = T_PTR };

const struct rp_answer *mw_rp_dns_get(struct rp_dns *d, const char *name,
				   enum rp_rrtype type)
{
	struct pending p;
	struct entry *e;
	long long deadline;
	size_t nl = strlen(name);

	for (e = d->cache; e; e = e->next)
		if (e->type == type && strcasecmp(e->name, name) == 0)
			return &e->a;
	if (d->sent >= RP_DNS_MAX_QUERIES) {
		d->capped = 1;
		return &d->fail;
	}
	e = calloc(1, sizeof(*e) + nl + 1);
	if (!e)
		return &d->fail;
	memcpy(e->name, name, nl + 1);
	e->type = type;
	e->a.status = MW_DNS_TIMEOUT;
	e->next = d->cache;
	d->cache = e;
	d->sent++;
	p.a = &e->a;
	p.type = type;
	p.left = 1;
	ares_query(d->ch, name, C_IN, qtype[type], answer_cb, &p);
	deadline = mw_now_ms() + d->budget_ms;
	mw_ares_loop(d->ch, &p.left, &deadline);
	if (p.left)
		ares_cancel(d->ch);	/* answer_cb records the timeout */
	return &e->a;
}

size_t mw_rp_dns_sent(const struct rp_dns *d, int *capped)
{
	if (capped)
		*capped = d->capped;
	return d->sent;
}

void mw_rp_dns_free(struct rp_dns *d)
{
	struct entry *e, *n;
	size_t i;

	if (!d)
		return;
	for (e = d->cache; e; e = n) {
		n = e->next;
		for (i = 0; i < e->a.n; i++)
			free(e->a.v[i]);
		free(e);
	}
	ares_destroy(d->ch);
	free(d);
}
