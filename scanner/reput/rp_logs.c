/*
 * Sending domains from the mail logs (rp_logs.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "scanner/reput/rp_logs.h"

/*
 * The domain of an envelope sender, lower-cased into dst; 0, or -1 when
 * there is none worth checking (the null sender, no '@', characters no
 * host name has, no dot).
 */
static int sender_domain(struct ml_str from, char dst[RP_LOG_DOMAIN_MAX])
{
	const char *at = NULL;
	size_t i, n;
	int dot = 0;

	for (i = 0; i < from.n; i++)
		if (from.p[i] == '@')
			at = from.p + i;
	if (!at)
		return -1;
	n = from.n - (size_t)(at + 1 - from.p);
	if (n && at[n] == '.')		/* "a@example.org." */
		n--;
	if (n == 0 || n >= RP_LOG_DOMAIN_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		int c = mw_ascii_lower((unsigned char)at[1 + i]);

		if (c == '.') {
			if (i == 0 || dst[i - 1] == '.')
				return -1;
			dot = 1;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			     c == '-' || c == '_')) {
			return -1;
		}
		dst[i] = (char)c;
	}
	dst[n] = '\0';
	return dot && dst[n - 1] != '.' ? 0 : -1;
}

static void count(struct rp_log_senders *s, struct ml_str from)
{
	char d[RP_LOG_DOMAIN_MAX];
	size_t i, len;

	if (sender_domain(from, d) != 0)
		return;
	s->messages++;
	len = strlen(d);
	/* linear probing; the table never fills (RP_LOG_DOMAINS < slots) */
	for (i = mw_fnv1a(d, len) & (RP_LOG_SLOTS - 1);; i = (i + 1) & (RP_LOG_SLOTS - 1)) {
		struct rp_log_domain *e = &s->slot[i];

		if (!e->name[0]) {
			if (s->n >= RP_LOG_DOMAINS) {
				s->dropped++;
				return;
			}
			memcpy(e->name, d, len + 1);
			e->messages = 1;
			s->n++;
			return;
		}
		if (strcmp(e->name, d) == 0) {
			e->messages++;
			return;
		}
	}
}

/* The queue-id slot of qid, or NULL when it cannot be one. */
static char *qid_slot(struct rp_log_senders *s, struct ml_str qid)
{
	if (qid.n == 0 || qid.n >= RP_LOG_QID_MAX)
		return NULL;
	return s->qid[mw_fnv1a(qid.p, qid.n) & (RP_LOG_QIDS - 1)];
}

static void postfix_line(struct rp_log_senders *s, const struct ml_line *l)
{
	struct ml_pf_event ev;
	char *q;

	if (mw_ml_parse_postfix(l->ident, l->msg, &ev) != 0 || !(q = qid_slot(s, ev.qid)))
		return;
	switch (ev.kind) {
	case PF_PICKUP:
		break;
	case PF_CLIENT:
		if (ev.sasl_user.n)
			break;
		return;
	case PF_QMGR_FROM:
		/* a message is logged by qmgr once per queue pass: the first
		 * one counts, the id is forgotten */
		if (strlen(q) == ev.qid.n && memcmp(q, ev.qid.p, ev.qid.n) == 0) {
			q[0] = '\0';
			count(s, ev.from);
		}
		return;
	default:
		return;
	}
	memcpy(q, ev.qid.p, ev.qid.n);
	q[ev.qid.n] = '\0';
}

static int is_exim_ident(struct ml_str id)
{
	return (id.n == 4 && memcmp(id.p, "exim", 4) == 0) ||
	       (id.n == 5 && memcmp(id.p, "exim4", 5) == 0);
}

void mw_rp_log_senders_line(struct rp_log_senders *s, const struct ml_line *l)
{
	struct ml_ex_event ev;
	int with_time;

	if (mw_ml_is_postfix_ident(l->ident)) {
		postfix_line(s, l);
		return;
	}
	/* Exim: its own main log (passed whole, no ident) or through syslog */
	if (l->ident.n == 0 && mw_ml_looks_exim(l->msg.p, l->msg.n))
		with_time = 1;
	else if (is_exim_ident(l->ident))
		with_time = 0;
	else
		return;
	if (mw_ml_parse_exim(l->msg.p, l->msg.n, with_time, &ev) != 0 || ev.kind != EX_ARRIVAL)
		return;
	if (ev.auth.n || (ev.proto.n >= 5 && memcmp(ev.proto.p, "local", 5) == 0))
		count(s, ev.addr);
}

static int by_count(const void *a, const void *b)
{
	const struct rp_log_domain *x = *(const struct rp_log_domain *const *)a;
	const struct rp_log_domain *y = *(const struct rp_log_domain *const *)b;

	if (x->messages != y->messages)
		return x->messages < y->messages ? 1 : -1;
	return strcmp(x->name, y->name);
}

size_t mw_rp_log_senders_top(const struct rp_log_senders *s,
			  const struct rp_log_domain **out, size_t n)
{
	const struct rp_log_domain **all;
	size_t i, k = 0;

	if (!n || !s->n)
		return 0;
	all = malloc(s->n * sizeof(*all));
	if (!all)
		return 0;
	for (i = 0; i < RP_LOG_SLOTS; i++)
		if (s->slot[i].name[0])
			all[k++] = &s->slot[i];
	qsort(all, k, sizeof(*all), by_count);
	if (n > k)
		n = k;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}
