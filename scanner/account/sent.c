/*
 * The recipient domains of the account's sent mail (sent.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reports/report.h"
#include "scanner/account/sent.h"

int mw_acct_sent_init(struct acct_sent *s, const char *user)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->user, sizeof(s->user), "%s", user);
	s->ids = calloc(ACCT_SENT_IDS, sizeof(*s->ids));
	s->pairs = calloc(ACCT_SENT_PAIRS, sizeof(*s->pairs));
	s->domains = calloc(ACCT_SENT_DOMAINS, sizeof(*s->domains));
	if (!s->ids || !s->pairs || !s->domains) {
		mw_acct_sent_free(s);
		return -1;
	}
	return 0;
}

void mw_acct_sent_free(struct acct_sent *s)
{
	free(s->ids);
	free(s->pairs);
	free(s->domains);
	s->ids = NULL;
	s->pairs = NULL;
	s->domains = NULL;
}

/* FNV-1a over s (ASCII lower case when fold), continuing from h. */
static uint64_t fnv(uint64_t h, struct ml_str s, int fold)
{
	size_t i;

	for (i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (fold && c >= 'A' && c <= 'Z')
			c |= 0x20;
		h = (h ^ c) * 0x100000001b3ull;
	}
	return h;
}

/* The slot of id in the id table: its own, or the free one it would take
 * (NULL when the table is full and id is not in it). */
static char *id_slot(struct acct_sent *s, struct ml_str id)
{
	size_t i = (size_t)fnv(0xcbf29ce484222325ull, id, 0) & (ACCT_SENT_IDS - 1), k;

	for (k = 0; k < ACCT_SENT_IDS; k++, i = (i + 1) & (ACCT_SENT_IDS - 1)) {
		char *e = s->ids[i];

		if (!e[0] || (strlen(e) == id.n && memcmp(e, id.p, id.n) == 0))
			return e;
	}
	return NULL;
}

/* The slot of the account's message id (added when new), or NULL. */
static char *add_id(struct acct_sent *s, struct ml_str id)
{
	char *e;

	if (id.n == 0 || id.n >= sizeof(s->ids[0]) - 1)
		return NULL;
	/* at most 3/4 full: the probes stay short */
	e = s->nids < ACCT_SENT_IDS / 4 * 3 ? id_slot(s, id) : NULL;
	if (!e) {
		s->dropped++;
		return NULL;
	}
	if (!e[0]) {
		memcpy(e, id.p, id.n);
		e[id.n] = '\0';
		s->nids++;
	}
	return e;
}

/* The slot of id when it is one of the account's messages, else NULL. */
static char *ours(struct acct_sent *s, struct ml_str id)
{
	char *e = id.n && id.n < sizeof(s->ids[0]) - 1 ? id_slot(s, id) : NULL;

	return e && e[0] ? e : NULL;
}

/* 1 when the (message, recipient) pair is new (and now kept), 0 when
 * seen, -1 when the table is full. */
static int new_pair(struct acct_sent *s, struct ml_str id, struct ml_str rcpt)
{
	uint64_t h = fnv(fnv(0xcbf29ce484222325ull, id, 0) * 31 + 1, rcpt, 1);
	size_t i;

	h = h ? h : 1;
	if (s->npairs >= ACCT_SENT_PAIRS / 4 * 3)
		return -1;
	for (i = (size_t)h & (ACCT_SENT_PAIRS - 1); s->pairs[i]; i = (i + 1) & (ACCT_SENT_PAIRS - 1))
		if (s->pairs[i] == h)
			return 0;
	s->pairs[i] = h;
	s->npairs++;
	return 1;
}

static void count_domain(struct acct_sent *s, struct ml_str rcpt)
{
	const char *at = memrchr(rcpt.p, '@', rcpt.n);
	struct ml_str d = at ? (struct ml_str){ at + 1, rcpt.n - (size_t)(at + 1 - rcpt.p) }
			     : (struct ml_str){ "(local)", 7 };
	size_t i, k;

	if (d.n == 0 || d.n >= sizeof(s->domains[0].name)) {
		s->dropped++;
		return;
	}
	for (i = 0; i < s->ndomains; i++)
		if (strlen(s->domains[i].name) == d.n && strncasecmp(s->domains[i].name, d.p, d.n) == 0)
			break;
	if (i == s->ndomains) {
		if (i == ACCT_SENT_DOMAINS) {
			s->dropped++;
			return;
		}
		for (k = 0; k < d.n; k++)
			s->domains[i].name[k] = (char)(d.p[k] >= 'A' && d.p[k] <= 'Z' ? d.p[k] | 0x20 : d.p[k]);
		s->domains[i].name[d.n] = '\0';
		s->ndomains++;
	}
	s->domains[i].recipients++;
}

/* A recipient of the account's message in slot e (its id). */
static void recipient(struct acct_sent *s, char *e, struct ml_str rcpt)
{
	struct ml_str id = { e, strlen(e) };

	if (rcpt.n == 0)
		return;
	switch (new_pair(s, id, rcpt)) {
	case -1:
		s->dropped++;
		return;
	case 0:
		return;
	}
	/* the byte after the id's NUL: the message counted already */
	if (!e[31]) {
		e[31] = 1;
		s->messages++;
	}
	s->recipients++;
	count_domain(s, rcpt);
}

static int user_is(const struct acct_sent *s, struct ml_str u)
{
	return u.n == strlen(s->user) && strncasecmp(u.p, s->user, u.n) == 0;
}

/* Exim: the arrival and its "for" list, or a delivery line of an id. */
static void exim_line(struct acct_sent *s, struct ml_str m, int with_time)
{
	struct ml_ex_event ex;
	const char *p, *e;
	char *slot;

	if (mw_ml_parse_exim(m.p, m.n, with_time, &ex) != 0)
		return;
	if (ex.kind == EX_ARRIVAL && user_is(s, ex.auth)) {
		if (!(slot = add_id(s, ex.id)))
			return;
		for (p = ex.rcpts.p, e = p + ex.rcpts.n; p < e;) {
			const char *sp = memchr(p, ' ', (size_t)(e - p));
			struct ml_str r = { p, (size_t)((sp ? sp : e) - p) };

			recipient(s, slot, r);
			p = sp ? sp + 1 : e;
		}
	} else if ((ex.kind == EX_DELIVERY || ex.kind == EX_FAIL || ex.kind == EX_DEFER) &&
		   (slot = ours(s, ex.id))) {
		recipient(s, slot, ex.addr);
	}
}

static int ident_is(struct ml_str s, const char *w)
{
	return s.n == strlen(w) && memcmp(s.p, w, s.n) == 0;
}

void mw_acct_sent_feed(struct acct_sent *s, const struct ml_line *l)
{
	struct ml_pf_event pf;
	char *slot;

	if (!s->ids)
		return;
	if (mw_ml_is_postfix_ident(l->ident)) {
		if (mw_ml_parse_postfix(l->ident, l->msg, &pf) != 0 || pf.qid.n == 0)
			return;
		if (pf.kind == PF_CLIENT && user_is(s, pf.sasl_user))
			(void)add_id(s, pf.qid);
		else if (pf.kind == PF_DELIVERY && (slot = ours(s, pf.qid)))
			recipient(s, slot, pf.orig_to.n ? pf.orig_to : pf.to);
		return;
	}
	if (l->ident.n == 0 && mw_ml_looks_exim(l->msg.p, l->msg.n))
		exim_line(s, l->msg, 1);
	else if (ident_is(l->ident, "exim") || ident_is(l->ident, "exim4"))
		exim_line(s, l->msg, 0);
}

static int by_count(const void *x, const void *y)
{
	const struct acct_sent_domain *a = x, *b = y;

	if (a->recipients != b->recipients)
		return a->recipients > b->recipients ? -1 : 1;
	return strcmp(a->name, b->name);
}

json_t *mw_acct_sent_json(const struct acct_sent *s)
{
	struct acct_sent_domain *v = NULL;
	json_t *top = json_array();
	size_t i;

	if (s->ndomains && !(v = malloc(s->ndomains * sizeof(*v)))) {
		json_decref(top);
		return NULL;
	}
	if (v) {
		memcpy(v, s->domains, s->ndomains * sizeof(*v));
		qsort(v, s->ndomains, sizeof(*v), by_count);
	}
	for (i = 0; i < s->ndomains && i < ACCT_SENT_TOP; i++)
		json_array_append_new(top, json_pack("{s:o, s:I}", "domain", mw_json_raw(v[i].name),
						     "recipients", (json_int_t)v[i].recipients));
	free(v);
	return json_pack("{s:I, s:I, s:I, s:o, s:I}", "messages", (json_int_t)s->messages,
			 "recipients", (json_int_t)s->recipients, "domains", (json_int_t)s->ndomains,
			 "top", top, "dropped", (json_int_t)s->dropped);
}
