/*
 * The login table of `mailwarden account` (logins.h): the login lines of
 * Dovecot and Postfix, one account's addresses and networks.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reports/report.h"
#include "scanner/account/logins.h"

static int has_prefix(struct ml_str s, const char *p)
{
	size_t n = strlen(p);

	return s.n >= n && memcmp(s.p, p, n) == 0;
}

static struct ml_str skip(struct ml_str s, size_t k)
{
	s.p += k;
	s.n -= k;
	return s;
}

/* The value of "key" up to ',' or the end ("rip=1.2.3.4,"); "user=<u>"
 * runs to the '>' that is followed by ',' or the end. 0 found, -1 not. */
static int field(struct ml_str s, const char *key, struct ml_str *out)
{
	size_t kn = strlen(key);
	const char *p = s.p, *end = s.p + s.n, *q;

	while ((q = memmem(p, (size_t)(end - p), key, kn))) {
		if (q == s.p || q[-1] == ' ' || q[-1] == '(' || q[-1] == ',') {
			const char *v = q + kn, *e;

			if (v < end && *v == '<') {
				v++;
				for (e = v; e < end; e++)
					if (*e == '>' && (e + 1 == end || e[1] == ','))
						break;
				if (e == end)
					return -1;
			} else {
				e = memchr(v, ',', (size_t)(end - v));
				if (!e)
					e = end;
			}
			out->p = v;
			out->n = (size_t)(e - v);
			return 0;
		}
		p = q + 1;
	}
	return -1;
}

static enum acct_proto proto_of(struct ml_str svc)
{
	if (has_prefix(svc, "imap"))
		return ACCT_IMAP;
	if (has_prefix(svc, "pop3"))
		return ACCT_POP3;
	if (has_prefix(svc, "submission"))
		return ACCT_SMTP;
	if (has_prefix(svc, "managesieve"))
		return ACCT_SIEVE;
	return ACCT_OTHER;
}

/* "(auth failed, 3 attempts in 9 secs)": 3; 1 when no count is given. */
static unsigned attempts_of(struct ml_str m)
{
	const char *p = memmem(m.p, m.n, "auth failed, ", 13);
	unsigned v = 0;

	if (!p)
		return 1;
	for (p += 13; p < m.p + m.n && *p >= '0' && *p <= '9' && v < 100000; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v ? v : 1;
}

/* Dovecot: svc is "imap-login" etc., m the text after "svc: [Level: ]". */
static int dovecot_event(struct ml_str svc, struct ml_str m, struct acct_event *ev)
{
	if (svc.n < 6 || memcmp(svc.p + svc.n - 6, "-login", 6) != 0)
		return 0;
	if (has_prefix(m, "Info: "))
		m = skip(m, 6);
	ev->proto = proto_of(svc);
	if (has_prefix(m, "Login: ")) {
		ev->ok = 1;
		ev->attempts = 0;
	} else if (memmem(m.p, m.n, "(auth failed", 12) || memmem(m.p, m.n, "(auth_failed)", 13) ||
		   memmem(m.p, m.n, "(user disabled)", 15)) {
		ev->ok = 0;
		ev->attempts = attempts_of(m);
	} else {
		return 0;
	}
	if (field(m, "user=", &ev->user) != 0 || ev->user.n == 0 ||
	    field(m, "rip=", &ev->ip) != 0)
		return 0;
	return 1;
}

/* An MTA's SMTP AUTH event: a message accepted from the login (ok), or
 * one failed attempt. Returns 1. */
static int smtp_event(struct acct_event *ev, int ok, struct ml_str user, struct ml_str ip)
{
	ev->ok = ok;
	ev->sends = ok;
	ev->attempts = !ok;
	ev->proto = ACCT_SMTP;
	ev->user = user;
	ev->ip = ip;
	return 1;
}

static int postfix_event(const struct ml_line *l, struct acct_event *ev)
{
	struct ml_pf_event pf;

	if (mw_ml_parse_postfix(l->ident, l->msg, &pf) != 0 || pf.sasl_user.n == 0 ||
	    (pf.kind != PF_CLIENT && pf.kind != PF_SASL_FAIL))
		return 0;
	return smtp_event(ev, pf.kind == PF_CLIENT, pf.sasl_user, pf.client_ip);
}

/*
 * Exim: an authenticated arrival "<= s H=... [ip] P=esmtpa A=name:user ..."
 * is a login that sent a message; "name authenticator failed for ... [ip]:
 * 535 ... (set_id=user)" a failed one. with_time: a main log line, else a
 * syslog body of ident exim/exim4.
 */
static int exim_event(struct ml_str m, int with_time, struct acct_event *ev)
{
	struct ml_ex_event ex;

	if (mw_ml_parse_exim(m.p, m.n, with_time, &ex) != 0 || ex.auth.n == 0 || ex.ip.n == 0 ||
	    (ex.kind != EX_ARRIVAL && ex.kind != EX_AUTH_FAIL))
		return 0;
	return smtp_event(ev, ex.kind == EX_ARRIVAL, ex.auth, ex.ip);
}

static int is_ident(struct ml_str s, const char *w)
{
	size_t n = strlen(w);

	return s.n == n && memcmp(s.p, w, n) == 0;
}

int mw_acct_parse_login(const struct ml_line *l, struct acct_event *ev)
{
	struct ml_str m = l->msg;
	const char *colon;

	memset(ev, 0, sizeof(*ev));
	if (mw_ml_is_postfix_ident(l->ident))
		return postfix_event(l, ev);
	/* The readers pass a main log line whole, with an empty ident. */
	if (l->ident.n == 0 && mw_ml_looks_exim(m.p, m.n))
		return exim_event(m, 1, ev);
	if (is_ident(l->ident, "exim") || is_ident(l->ident, "exim4"))
		return exim_event(m, 0, ev);
	/* Dovecot's own log file: "Dec 06 20:00:01 imap-login: Info: ..."
	 * reads as host "imap-login:", ident "Info". */
	if (l->host.n > 1 && l->host.p[l->host.n - 1] == ':' &&
	    is_ident(l->ident, "Info"))
		return dovecot_event((struct ml_str){ l->host.p, l->host.n - 1 }, m, ev);
	if (!is_ident(l->ident, "dovecot"))
		return 0;
	colon = memmem(m.p, m.n, ": ", 2);
	if (!colon)
		return 0;
	return dovecot_event((struct ml_str){ m.p, (size_t)(colon - m.p) },
			     skip(m, (size_t)(colon - m.p) + 2), ev);
}

/* --- the table ----------------------------------------------------------- */

void mw_acct_logins_init(struct acct_logins *t, const char *user)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->user, sizeof(t->user), "%s", user);
	t->first = INT64_MAX;
	t->last = INT64_MIN;
	t->stuffing_time = INT64_MIN;
}

void mw_acct_logins_free(struct acct_logins *t)
{
	free(t->addrs);
	t->addrs = NULL;
	t->n = t->cap = 0;
}

/* The /24 (IPv4, also IPv4-mapped) or /48 (IPv6) of ip; -1 when ip is not
 * an address. */
static int network_of(const char *ip, char *out, size_t cap)
{
	unsigned char a[16];
	char txt[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, ip, a) == 1) {
		a[3] = 0;
	} else if (inet_pton(AF_INET6, ip, a) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (memcmp(a, mapped, 12) == 0) {
			memmove(a, a + 12, 4);
			a[3] = 0;
			if (!inet_ntop(AF_INET, a, txt, sizeof(txt)))
				return -1;
			snprintf(out, cap, "%s/24", txt);
			return 0;
		}
		memset(a + 6, 0, 10);
		if (!inet_ntop(AF_INET6, a, txt, sizeof(txt)))
			return -1;
		snprintf(out, cap, "%s/48", txt);
		return 0;
	} else {
		return -1;
	}
	if (!inet_ntop(AF_INET, a, txt, sizeof(txt)))
		return -1;
	snprintf(out, cap, "%s/24", txt);
	return 0;
}

static struct acct_addr *addr_get(struct acct_logins *t, struct ml_str ip)
{
	char buf[48], net[52];
	struct acct_addr *a;
	size_t i;

	if (ip.n == 0 || ip.n >= sizeof(buf))
		return NULL;
	memcpy(buf, ip.p, ip.n);
	buf[ip.n] = '\0';
	for (i = 0; i < t->n; i++)
		if (strcmp(t->addrs[i].ip, buf) == 0)
			return &t->addrs[i];
	if (network_of(buf, net, sizeof(net)) != 0)
		snprintf(net, sizeof(net), "(not an address)");
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 16;
		struct acct_addr *v;

		if (t->n >= ACCT_MAX_ADDRS || !(v = realloc(t->addrs, nc * sizeof(*v))))
			return NULL;
		t->addrs = v;
		t->cap = nc;
	}
	a = &t->addrs[t->n++];
	memset(a, 0, sizeof(*a));
	memcpy(a->ip, buf, ip.n + 1);
	memcpy(a->net, net, sizeof(net));
	a->first = INT64_MAX;
	a->last = INT64_MIN;
	return a;
}

void mw_acct_logins_feed(struct acct_logins *t, const struct ml_line *l)
{
	struct acct_event ev;
	struct acct_addr *a;
	size_t ul = strlen(t->user);

	if (!mw_acct_parse_login(l, &ev) || ev.user.n != ul ||
	    strncasecmp(ev.user.p, t->user, ul) != 0)
		return;
	a = addr_get(t, ev.ip);
	if (!a) {
		t->dropped++;
		return;
	}
	a->protos |= ev.proto;
	if (l->time != INT64_MIN) {
		if (l->time < a->first)
			a->first = l->time;
		if (l->time > a->last)
			a->last = l->time;
		if (l->time < t->first)
			t->first = l->time;
		if (l->time > t->last)
			t->last = l->time;
	}
	if (!ev.ok) {
		a->failures += ev.attempts;
		t->failures += ev.attempts;
		t->run += ev.attempts;
		return;
	}
	a->logins++;
	t->logins++;
	if (ev.sends) {
		a->sent++;
		t->sent++;
	}
	if (t->run >= ACCT_STUFFING_FAILURES && t->run > t->stuffing_failures) {
		t->stuffing_failures = t->run;
		snprintf(t->stuffing_ip, sizeof(t->stuffing_ip), "%s", a->ip);
		t->stuffing_time = l->time;
	}
	t->run = 0;
}

/* --- networks ------------------------------------------------------------ */

struct net_sum {
	const char *net;
	size_t addresses;
	uint64_t logins, failures;
	int64_t first;
};

/* The networks of t in order of their first event; *n of them. */
static struct net_sum *net_list(const struct acct_logins *t, size_t *n)
{
	struct net_sum *v = calloc(t->n ? t->n : 1, sizeof(*v));
	size_t i, k;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < t->n; i++) {
		const struct acct_addr *a = &t->addrs[i];

		for (k = 0; k < *n && strcmp(v[k].net, a->net) != 0; k++)
			;
		if (k == *n) {
			v[k].net = a->net;
			v[k].first = INT64_MAX;
			(*n)++;
		}
		v[k].addresses++;
		v[k].logins += a->logins;
		v[k].failures += a->failures;
		if (a->first < v[k].first)
			v[k].first = a->first;
	}
	return v;
}

static int cmp_net_first(const void *x, const void *y)
{
	const struct net_sum *a = x, *b = y;

	return a->first < b->first ? -1 : a->first > b->first;
}

size_t mw_acct_logins_networks(const struct acct_logins *t)
{
	size_t n;

	free(net_list(t, &n));
	return n;
}

size_t mw_acct_logins_networks_window(const struct acct_logins *t)
{
	size_t n, i, j, best = 0;
	struct net_sum *v = net_list(t, &n);

	if (!v)
		return 0;
	qsort(v, n, sizeof(*v), cmp_net_first);
	for (i = 0, j = 0; j < n; j++) {
		while (v[j].first - v[i].first > ACCT_NETS_WINDOW)
			i++;
		if (j - i + 1 > best)
			best = j - i + 1;
	}
	free(v);
	return best;
}

int64_t mw_acct_logins_newest_network_time(const struct acct_logins *t)
{
	size_t n, i;
	int64_t newest = INT64_MIN;
	struct net_sum *v = net_list(t, &n);

	if (!v)
		return INT64_MIN;
	for (i = 0; i < n; i++)
		if (v[i].first != INT64_MAX && v[i].first > newest)
			newest = v[i].first;
	free(v);
	return newest;
}

static json_t *jtime(int64_t t)
{
	return t == INT64_MAX || t == INT64_MIN ? json_null() : json_integer((json_int_t)t);
}

static int cmp_addr_first(const void *x, const void *y)
{
	const struct acct_addr *a = x, *b = y;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return strcmp(a->ip, b->ip);
}

static json_t *protocols(unsigned p)
{
	static const char *const names[] = { "imap", "pop3", "smtp", "managesieve", "other" };
	json_t *v = json_array();
	unsigned i;

	for (i = 0; v && i < 5; i++)
		if (p & (1u << i))
			json_array_append_new(v, json_string(names[i]));
	return v;
}

json_t *mw_acct_logins_json(const struct acct_logins *t)
{
	json_t *o, *addrs = json_array(), *nets = json_array();
	struct acct_addr *sorted = t->n ? malloc(t->n * sizeof(*sorted)) : NULL;
	struct net_sum *nv;
	size_t i, nn;

	nv = net_list(t, &nn);
	if (!addrs || !nets || !nv || (t->n && !sorted)) {
		json_decref(addrs);
		json_decref(nets);
		free(sorted);
		free(nv);
		return NULL;
	}
	if (t->n) {
		memcpy(sorted, t->addrs, t->n * sizeof(*sorted));
		qsort(sorted, t->n, sizeof(*sorted), cmp_addr_first);
	}
	for (i = 0; i < t->n; i++) {
		const struct acct_addr *a = &sorted[i];

		json_array_append_new(addrs, json_pack("{s:o, s:s, s:o, s:I, s:I, s:I, s:o, s:o}",
			"ip", mw_json_raw(a->ip), "network", a->net, "protocols", protocols(a->protos),
			"logins", (json_int_t)a->logins, "failures", (json_int_t)a->failures,
			"sent", (json_int_t)a->sent, "first", jtime(a->first), "last", jtime(a->last)));
	}
	qsort(nv, nn, sizeof(*nv), cmp_net_first);
	for (i = 0; i < nn; i++)
		json_array_append_new(nets, json_pack("{s:s, s:I, s:I, s:I, s:o}",
			"network", nv[i].net, "addresses", (json_int_t)nv[i].addresses,
			"logins", (json_int_t)nv[i].logins, "failures", (json_int_t)nv[i].failures,
			"first", jtime(nv[i].first)));
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:I}",
		      "logins", (json_int_t)t->logins, "failures", (json_int_t)t->failures,
		      "sent", (json_int_t)t->sent, "networks", (json_int_t)nn,
		      "networks_in_a_day", (json_int_t)mw_acct_logins_networks_window(t),
		      "first", jtime(t->first), "last", jtime(t->last),
		      "addresses", addrs, "network_list", nets, "dropped", (json_int_t)t->dropped);
	free(sorted);
	free(nv);
	return o;
}
