/*
 * All DNSBL lookups at once through one c-ares channel, driven by poll().
 * c-ares retries with a doubling timeout; we cap the whole wait at
 * timeout_ms * tries so that one dead list costs a known, short time.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ares.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/aresloop.h"
#include "scanner/dnsbl/dnsbl.h"

struct engine;

struct slot {
	struct engine *e;
	struct mw_dnsbl_query *q;
};

struct engine {
	ares_channel ch;
	size_t pending;
	long long start, deadline, hard_deadline;
	long long budget_ms;
	int stopping;		/* cancelling: start nothing new */
};

enum mw_dns_status mw_dnsbl_ares_status(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return MW_DNS_ANSWER;
	case ARES_ENOTFOUND:
		return MW_DNS_NXDOMAIN;
	case ARES_ENODATA:
		return MW_DNS_NODATA;
	case ARES_ESERVFAIL:
		return MW_DNS_SERVFAIL;
	case ARES_EREFUSED:
		return MW_DNS_REFUSED;
	case ARES_ETIMEOUT:
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		return MW_DNS_TIMEOUT;
	case ARES_ECONNREFUSED:	/* nobody at the resolver's port */
		return MW_DNS_UNREACHABLE;
	case ARES_EBADRESP:
	case ARES_EFORMERR:
	case ARES_ENOTIMP:
		return MW_DNS_BADREPLY;
	default:
		return MW_DNS_OTHER;
	}
}

static int any_in_loopback_net(const struct mw_dnsbl_query *q)
{
	size_t i;

	for (i = 0; i < q->naddrs; i++)
		if ((q->addrs[i] >> 24) == 127)
			return 1;
	return 0;
}

static void txt_cb(void *arg, int status, int timeouts, unsigned char *abuf,
		   int alen)
{
	struct slot *s = arg;

	(void)timeouts;
	s->e->pending--;
	s->q->txt_status = mw_dnsbl_ares_status(status);
	if (status == ARES_SUCCESS && abuf && alen > 0 &&
	    mw_dnsbl_decode_txt(abuf, (size_t)alen, s->q->txt, sizeof(s->q->txt)) != 0)
		s->q->txt_status = MW_DNS_NODATA;
}

static void a_cb(void *arg, int status, int timeouts, unsigned char *abuf,
		 int alen)
{
	struct slot *s = arg;
	struct mw_dnsbl_query *q = s->q;
	struct engine *e = s->e;
	long long now = mw_now_ms();

	(void)timeouts;
	e->pending--;
	q->ms = (long)(now - e->start);
	q->status = mw_dnsbl_ares_status(status);
	if (status == ARES_SUCCESS) {
		if (abuf && alen > 0)
			q->status = mw_dnsbl_decode_a(abuf, (size_t)alen, q->addrs,
						      MW_DNSBL_MAX_ANSWERS, &q->naddrs);
		else
			q->status = MW_DNS_BADREPLY;
	}
	if (q->status != MW_DNS_ANSWER || e->stopping || !any_in_loopback_net(q))
		return;
	/* The reason text of a listing; it gets its own time budget, within
	 * twice the overall one. */
	q->txt_asked = 1;
	q->txt_status = MW_DNS_TIMEOUT;
	e->pending++;
	if (now + e->budget_ms > e->deadline)
		e->deadline = now + e->budget_ms < e->hard_deadline ?
			      now + e->budget_ms : e->hard_deadline;
	ares_query(e->ch, q->qname, C_IN, T_TXT, txt_cb, s);
}

/* Describe the servers in use ("127.0.0.1:53, [::1]:53") into dst. */
static void describe_servers(ares_channel ch, char *dst, size_t len)
{
	struct ares_addr_port_node *servers = NULL, *sv;
	char ip[MW_DNSBL_IPSTR_MAX];
	size_t used = 0;
	int n;

	dst[0] = '\0';
	if (ares_get_servers_ports(ch, &servers) != ARES_SUCCESS)
		return;
	for (sv = servers; sv; sv = sv->next) {
		if (!inet_ntop(sv->family, &sv->addr, ip, sizeof(ip)))
			continue;
		n = snprintf(dst + used, len - used, sv->family == AF_INET6 ?
			     "%s[%s]:%d" : "%s%s:%d", used ? ", " : "", ip,
			     sv->udp_port ? sv->udp_port : 53);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	ares_free_data(servers);
}

static int lib_ready;

enum mw_err mw_dnsbl_resolve(struct mw_dnsbl_query *q, size_t n,
			     const struct mw_dnsbl_resolve_opts *opts,
			     long *elapsed_ms, char *err, size_t errlen,
			     char *servers, size_t servers_len)
{
	struct ares_options ao;
	struct engine e;
	struct slot *slots;
	size_t i;
	int rc, optmask;

	if (servers_len)
		servers[0] = '\0';
	if (!lib_ready) {
		rc = ares_library_init(ARES_LIB_INIT_ALL);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
			return MW_ERR_NET;
		}
		lib_ready = 1;
	}
	memset(&e, 0, sizeof(e));
	memset(&ao, 0, sizeof(ao));
	ao.timeout = (int)(opts->timeout_ms ? opts->timeout_ms : 1000);
	ao.tries = (int)(opts->tries ? opts->tries : 1);
	/* NOCHECKRESP: hand SERVFAIL/REFUSED answers to us instead of
	 * turning them into "connection refused" after the retries; the
	 * user must learn which of the two happened. */
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP;
	optmask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
	rc = ares_init_options(&e.ch, &ao, optmask);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: cannot set up the resolver: %s",
			 ares_strerror(rc));
		return MW_ERR_NET;
	}
	if (opts->server) {
		rc = ares_set_servers_ports_csv(e.ch, opts->server);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "resolver %s: %s", opts->server,
				 ares_strerror(rc));
			ares_destroy(e.ch);
			return MW_ERR_USAGE;
		}
	}
	describe_servers(e.ch, servers, servers_len);
	slots = calloc(n ? n : 1, sizeof(*slots));
	if (!slots) {
		ares_destroy(e.ch);
		snprintf(err, errlen, "out of memory");
		return MW_ERR_NOMEM;
	}
	e.budget_ms = (long long)ao.timeout * ao.tries;
	e.start = mw_now_ms();
	e.deadline = e.start + e.budget_ms;
	e.hard_deadline = e.start + 2 * e.budget_ms;
	for (i = 0; i < n; i++) {
		slots[i].e = &e;
		slots[i].q = &q[i];
		q[i].status = MW_DNS_TIMEOUT;
		q[i].naddrs = 0;
		q[i].txt_asked = 0;
		q[i].txt[0] = '\0';
		e.pending++;
		ares_query(e.ch, q[i].qname, C_IN, T_A, a_cb, &slots[i]);
	}

	mw_ares_loop(e.ch, &e.pending, &e.deadline);
	/* What is still open ran out of time: the callbacks see
	 * ARES_ECANCELLED and record a timeout. */
	e.stopping = 1;
	if (e.pending)
		ares_cancel(e.ch);
	ares_destroy(e.ch);
	if (elapsed_ms)
		*elapsed_ms = (long)(mw_now_ms() - e.start);
	for (i = 0; i < n; i++)
		if (q[i].status == MW_DNS_TIMEOUT && q[i].ms == 0)
			q[i].ms = (long)e.budget_ms;
	free(slots);
	return MW_OK;
}
