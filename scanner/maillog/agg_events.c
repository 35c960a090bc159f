/*
 * What each line means for the aggregator: the events of Postfix, Exim and
 * PHP's mail.log, parsed by postfix_line.c, exim_line.c and
 * php_mail_line.c, are joined by queue id and counted into the capped
 * tables of struct ml_agg (senders, local users, SASL logins, client IPs,
 * hours, blocklist rejections, scripts), with a few lines kept as evidence.
 * agg.c reads the lines, keeps the window and calls in here.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "core/users.h"
#include "scanner/maillog/agg_internal.h"

/* Keep the current line ("source:line: text") as evidence, up to ML_MAX_SAMPLES. */
void mw_ml_agg_sample(struct ml_agg *a, struct ml_samples *s)
{
	char *l;
	size_t n = a->cur_len < ML_MAX_SAMPLE_LEN ? a->cur_len : ML_MAX_SAMPLE_LEN;
	const char *src = a->nsources ? a->sources[a->nsources - 1].name : "-";
	size_t need;

	if (s->n >= ML_MAX_SAMPLES || !a->cur_line)
		return;
	need = strlen(src) + n + 32;
	l = malloc(need);
	if (!l)
		return;
	snprintf(l, need, "%s:%lu: %.*s", src, a->cur_lineno, (int)n, a->cur_line);
	s->line[s->n++] = l;
}

/* --- helpers ------------------------------------------------------------- */

static struct ml_str domain_of(struct ml_str addr)
{
	const char *at = NULL;
	size_t i;
	struct ml_str d = { "", 0 };

	for (i = addr.n; i > 0; i--)
		if (addr.p[i - 1] == '@') {
			at = addr.p + i - 1;
			break;
		}
	if (at) {
		d.p = at + 1;
		d.n = addr.n - (size_t)(at + 1 - addr.p);
	}
	return d;
}

static uint64_t hash_lower(struct ml_str s)
{
	char buf[256];
	size_t i, n = s.n < sizeof(buf) ? s.n : sizeof(buf);

	for (i = 0; i < n; i++) {
		char c = s.p[i];

		buf[i] = (char)mw_ascii_lower((unsigned char)c);
	}
	return mw_ml_hash(buf, n);
}

/* The network of an address: /16 for IPv4, /32 for IPv6 (first 2 groups). */
static uint64_t net_hash(struct ml_str ip)
{
	size_t i, dots = 0;
	char sep = ip.n && memchr(ip.p, ':', ip.n) ? ':' : '.';

	for (i = 0; i < ip.n; i++)
		if (ip.p[i] == sep && ++dots == 2)
			break;
	return mw_ml_hash(ip.p, i);
}

static int str_eq(struct ml_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static const char *uid_name(struct ml_agg *a, long uid)
{
	unsigned h = (unsigned)uid % ML_UID_CACHE;

	if (!a->uidc[h].used || a->uidc[h].uid != uid) {
		mw_user_name((uid_t)uid, a->uidc[h].name, sizeof(a->uidc[h].name));
		a->uidc[h].uid = uid;
		a->uidc[h].used = 1;
	}
	return a->uidc[h].name;
}

/* uid of a user name (-1 unknown), remembered: a passwd lookup opens files. */
long mw_ml_agg_name_uid(struct ml_agg *a, const char *name)
{
	uint64_t h = mw_ml_hash(name, strlen(name));
	unsigned k = (unsigned)(h % ML_NAME_CACHE);
	uid_t x;

	if (a->namec[k].hash == h)
		return a->namec[k].uid;
	a->namec[k].hash = h;
	a->namec[k].uid = mw_user_uid(name, &x) == 0 ? (long)x : -1;
	return a->namec[k].uid;
}

static int is_web_user(const struct ml_agg *a, long uid, const char *name)
{
	if (uid == 33)
		return 1;
	return a->web_users && mw_strlist_contains(a->web_users, name, 0);
}

static int cwd_is_web(struct ml_str cwd)
{
	return (cwd.n >= 9 && memcmp(cwd.p, "/var/www/", 9) == 0) ||
	       (cwd.n == 8 && memcmp(cwd.p, "/var/www", 8) == 0) ||
	       memmem(cwd.p, cwd.n, "/public_html", 12) ||
	       memmem(cwd.p, cwd.n, "/htdocs", 7) || memmem(cwd.p, cwd.n, "/httpdocs", 9);
}

static struct user_rec *user_get(struct ml_agg *a, const char *name, size_t n, long uid)
{
	struct user_rec *u = mw_ml_tab_get(&a->users, name, n);

	if (!u)
		return NULL;
	if (!u->known) {
		u->known = 1;
		u->uid = uid;
		if (uid < 0) {
			/* Exim names: the uid is looked up for the report
			 * only (passwd lookups open files; a log may name
			 * many users). uid 33 under another name is web too. */
			u->uid_pending = 1;
			u->web = is_web_user(a, -1, u->r.key) ||
				 strcmp(u->r.key, uid_name(a, 33)) == 0;
		} else {
			u->web = is_web_user(a, uid, u->r.key);
		}
	}
	return u;
}

static void add_str(char **v, uint32_t *cnt, size_t *n, int *more, struct ml_str s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strlen(v[i]) == s.n && memcmp(v[i], s.p, s.n) == 0) {
			cnt[i]++;
			return;
		}
	if (*n >= ML_MAX_SCRIPTS) {
		*more = 1;
		return;
	}
	v[*n] = strndup(s.p, s.n < ML_MAX_SCRIPT_LEN ? s.n : ML_MAX_SCRIPT_LEN);
	if (v[*n])
		cnt[(*n)++] = 1;
}

static void user_recipient(struct ml_agg *a, struct user_rec *u, struct ml_str rcpt)
{
	(void)a;
	u->recipients++;
	mw_ml_hset_add(&u->domains, hash_lower(domain_of(rcpt)), ML_MAX_DOMAINS);
}

static struct hour_rec *hour_get(struct ml_agg *a, int64_t t)
{
	int64_t h = t >= 0 ? t / 3600 : -((-t + 3599) / 3600);
	unsigned char k[8];
	int i;

	if (a->cur_hour && a->cur_hour_idx == h)
		return a->cur_hour;
	/* Big-endian key: sorting by key sorts by time (non-negative times). */
	for (i = 0; i < 8; i++)
		k[i] = (unsigned char)((uint64_t)h >> (56 - 8 * i));
	a->cur_hour = mw_ml_tab_get(&a->hours, (const char *)k, 8);
	a->cur_hour_idx = h;
	if (a->cur_hour)
		a->cur_hour->hour = h;
	return a->cur_hour;
}

static void count_message(struct ml_agg *a, struct ml_str sender)
{
	struct ml_rec *s;
	struct hour_rec *h;

	a->received++;
	if (sender.n == 0)
		sender = (struct ml_str){ "<>", 2 };
	s = mw_ml_tab_get(&a->senders, sender.p, sender.n);
	if (s)
		s->count++;
	h = hour_get(a, a->cur_time);
	if (h)
		h->r.count++;
}

static void hour_status(struct ml_agg *a, int deferred)
{
	struct hour_rec *h = hour_get(a, a->cur_time);

	if (!h)
		return;
	if (deferred)
		h->deferred++;
	else
		h->bounced++;
}

/* --- queue entries ------------------------------------------------------- */

static void q_unlink(struct ml_qlist *l, struct qent *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		l->head = q->next;
	if (q->next)
		q->next->prev = q->prev;
	else
		l->tail = q->prev;
	q->prev = q->next = NULL;
}

static void q_remove(struct ml_agg *a, struct ml_tab *t, struct ml_qlist *l,
		     struct qent *q, int evicted)
{
	if (q->flags & Q_DEFER_OPEN) {
		if (evicted)
			a->deferred_lost++;
		else if (a->deferred_open)
			a->deferred_open--;
	}
	if (evicted)
		a->queue_evicted++;
	q_unlink(l, q);
	mw_ml_tab_del(t, &q->r);
}

/* The entry for id, created when missing; the oldest go first when full. */
static struct qent *q_get(struct ml_agg *a, struct ml_tab *t, struct ml_qlist *l,
			  struct ml_str id)
{
	struct qent *q = mw_ml_tab_find(t, id.p, id.n);

	if (q) {
		q->last = a->cur_time;
		return q;
	}
	while (l->head && (t->n >= t->max ||
			   l->head->last < a->cur_time - ML_QUEUE_MAX_AGE))
		q_remove(a, t, l, l->head, 1);
	q = mw_ml_tab_get(t, id.p, id.n);
	if (!q)
		return NULL;
	q->uid = -1;
	q->first = q->last = a->cur_time;
	q->prev = l->tail;
	if (l->tail)
		l->tail->next = q;
	else
		l->head = q;
	l->tail = q;
	return q;
}

static void q_deferred(struct ml_agg *a, struct qent *q)
{
	if (!q || (q->flags & Q_DEFER_OPEN))
		return;
	q->flags |= Q_DEFER_OPEN;
	a->deferred_open++;
	if (a->deferred_open > a->deferred_max_open)
		a->deferred_max_open = a->deferred_open;
}

/* --- SASL ---------------------------------------------------------------- */

static struct ip_rec *ip_get(struct ml_agg *a, struct ml_str ip)
{
	struct ip_rec *r;

	if (!ip.n)
		return NULL;
	r = mw_ml_tab_get(&a->ips, ip.p, ip.n);
	if (r)
		r->r.count++;
	return r;
}

static void sasl_success(struct ml_agg *a, struct ml_str user, struct ml_str ip)
{
	struct sasl_rec *s = mw_ml_tab_get(&a->sasl, user.p, user.n);
	struct ip_rec *ir;
	uint64_t ih = mw_ml_hash(ip.p, ip.n), nh = net_hash(ip);
	uint64_t seen_ip[ML_SASL_RING], seen_net[ML_SASL_RING];
	unsigned i, nip = 0, nnet = 0, k;

	a->sasl_logins++;
	if (!s)
		return;
	s->r.count++;
	if (!s->first)
		s->first = a->cur_time;
	s->last = a->cur_time;
	if (ip.n && mw_ml_hset_add(&s->ips, ih, ML_MAX_SASL_IPS) && s->nexample < ML_SASL_EXAMPLES) {
		size_t n = ip.n < sizeof(s->example[0]) - 1 ? ip.n : sizeof(s->example[0]) - 1;

		memcpy(s->example[s->nexample], ip.p, n);
		s->example[s->nexample++][n] = '\0';
	}
	if (s->samples.n < ML_MAX_SAMPLES)
		mw_ml_agg_sample(a, &s->samples);

	/* Distinct addresses and networks among the recent logins in the window. */
	s->ring[s->ring_pos].t = a->cur_time;
	s->ring[s->ring_pos].ip = ih;
	s->ring[s->ring_pos].net = nh;
	s->ring_pos = (s->ring_pos + 1) % ML_SASL_RING;
	if (s->ring_n < ML_SASL_RING)
		s->ring_n++;
	for (i = 0; i < s->ring_n; i++) {
		if (s->ring[i].t < a->cur_time - ML_SASL_WINDOW)
			continue;
		for (k = 0; k < nip && seen_ip[k] != s->ring[i].ip; k++)
			;
		if (k == nip)
			seen_ip[nip++] = s->ring[i].ip;
		for (k = 0; k < nnet && seen_net[k] != s->ring[i].net; k++)
			;
		if (k == nnet)
			seen_net[nnet++] = s->ring[i].net;
	}
	if (nip > s->max_ips_window)
		s->max_ips_window = nip;
	if (nnet > s->max_nets_window)
		s->max_nets_window = nnet;

	/* Failures then a success: credential stuffing. */
	ir = ip.n ? mw_ml_tab_find(&a->ips, ip.p, ip.n) : NULL;
	{
		uint64_t f = s->fails_since_success;

		if (ir && ir->fails_since_success > f)
			f = ir->fails_since_success;
		if (f >= ML_STUFFING_FAILURES && f > s->stuff_failures) {
			size_t n = ip.n < sizeof(s->stuff_ip) - 1 ? ip.n : sizeof(s->stuff_ip) - 1;

			s->stuff_failures = f;
			if (n)
				memcpy(s->stuff_ip, ip.p, n);
			s->stuff_ip[n] = '\0';
			s->stuff_time = a->cur_time;
		}
		s->fails_since_success = 0;
		if (ir)
			ir->fails_since_success = 0;
	}
}

static void sasl_failure(struct ml_agg *a, struct ml_str user, struct ml_str ip)
{
	struct ip_rec *ir = ip_get(a, ip);

	a->auth_failures++;
	if (ir) {
		ir->auth_failures++;
		ir->fails_since_success++;
	}
	if (user.n) {
		struct sasl_rec *s = mw_ml_tab_get(&a->sasl, user.p, user.n);

		if (s) {
			s->failures++;
			s->fails_since_success++;
		}
	}
}

/* --- remote replies ------------------------------------------------------ */

/* The SMTP code of a reply: "554 5.7.1" / "550" after the first ": " that
 * is followed by three digits ("said: 554 ...", "RCPT TO:<x>: 550 ..."). */
static void reply_code(struct ml_str reply, char *code, size_t len)
{
	const char *p = reply.p, *end = reply.p + reply.n;
	size_t i;

	code[0] = '\0';
	for (; p + 5 < end; p++) {
		if (p[0] != ':' || p[1] != ' ' || p[2] < '2' || p[2] > '5' ||
		    p[3] < '0' || p[3] > '9' || p[4] < '0' || p[4] > '9')
			continue;
		p += 2;
		i = 3;
		/* An enhanced status code "5.7.1" after the basic one. */
		if (p + 4 < end && (p[3] == ' ' || p[3] == '-') && p[4] >= '2' && p[4] <= '5' &&
		    p + 5 < end && p[5] == '.') {
			i = 4;
			while (p + i < end && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.'))
				i++;
		}
		if (i >= len)
			i = len - 1;
		memcpy(code, p, i);
		code[i] = '\0';
		if (code[3] == '-')
			code[3] = ' ';
		return;
	}
}

/* The remote MX: "host NAME[IP] said" in the reply, else the relay name. */
static struct ml_str mx_of(struct ml_str reply, struct ml_str relay)
{
	const char *h = reply.n ? memmem(reply.p, reply.n, "host ", 5) : NULL;
	struct ml_str mx = relay;

	if (h) {
		const char *s = h + 5, *end = reply.p + reply.n, *lb;

		lb = memchr(s, '[', (size_t)(end - s));
		if (lb && !memchr(s, ' ', (size_t)(lb - s))) {
			mx.p = s;
			mx.n = (size_t)(lb - s);
			return mx;
		}
	}
	if (relay.n) {
		const char *lb = memchr(relay.p, '[', relay.n);

		if (lb)
			mx.n = (size_t)(lb - relay.p);
	}
	return mx;
}

static void remote_reject(struct ml_agg *a, struct ml_str reply, struct ml_str mx)
{
	char list[96], key[ML_MAX_KEY + 1];
	struct bl_rec *b;
	int n;

	if (!reply.n || !mw_ml_reply_blocklist(reply.p, reply.n, list, sizeof(list)))
		return;
	a->blocklist_rejections++;
	if (!mx.n)
		mx = (struct ml_str){ "unknown", 7 };
	n = snprintf(key, sizeof(key), "%s\x1f%.*s", list, (int)(mx.n < 80 ? mx.n : 80), mx.p);
	if (n < 0)
		return;
	b = mw_ml_tab_get(&a->bls, key, (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1);
	if (!b)
		return;
	if (!b->r.count) {
		snprintf(b->list, sizeof(b->list), "%s", list);
		snprintf(b->mx, sizeof(b->mx), "%.*s", (int)(mx.n < 80 ? mx.n : 80), mx.p);
		reply_code(reply, b->code, sizeof(b->code));
		b->first = a->cur_time;
	}
	b->r.count++;
	b->last = a->cur_time;
	mw_ml_agg_sample(a, &b->samples);
}

/* --- Postfix ------------------------------------------------------------- */

static void php_header(struct ml_agg *a, struct qent *q, struct ml_str value)
{
	const char *c = memchr(value.p, ':', value.n);
	struct ml_str script = value;
	long uid = -1;
	struct user_rec *u;
	struct script_rec *sr;
	const char *name;

	a->php_headers++;
	if (c) {
		long v = 0;
		const char *p;

		for (p = value.p; p < c && *p >= '0' && *p <= '9' && v < 100000000; p++)
			v = v * 10 + (*p - '0');
		if (p == c && c > value.p)
			uid = v;
		script.p = c + 1;
		script.n = value.n - (size_t)(c + 1 - value.p);
	}
	if (q && q->uid >= 0)
		uid = q->uid;
	if (!script.n)
		return;
	sr = mw_ml_tab_get(&a->scripts, script.p, script.n);
	if (sr) {
		sr->r.count++;
		sr->from_header = 1;
		if (sr->uid < 0 || !sr->uid_set) {
			sr->uid = uid;
			sr->uid_set = 1;
		}
		mw_ml_agg_sample(a, &sr->samples);
	}
	if (uid < 0)
		return;
	name = uid_name(a, uid);
	u = user_get(a, name, strlen(name), uid);
	if (u)
		add_str(u->scripts, u->script_count, &u->nscripts, &u->scripts_more, script);
}

void mw_agg_postfix_event(struct ml_agg *a, const struct ml_pf_event *ev)
{
	struct qent *q = NULL;
	struct user_rec *u;

	a->postfix_lines++;
	switch (ev->kind) {
	case PF_PICKUP: {
		const char *name = uid_name(a, ev->uid);

		q = q_get(a, &a->pfq, &a->pfl, ev->qid);
		a->local_submissions++;
		u = user_get(a, name, strlen(name), ev->uid);
		if (q) {
			q->uid = ev->uid;
			q->flags |= Q_LOCAL;
			if (u && u->web)
				q->flags |= Q_WEB;
			snprintf(q->user, sizeof(q->user), "%s", name);
		}
		if (u) {
			u->r.count++;
			if (u->web) {
				a->web_submissions++;
				mw_ml_agg_sample(a, &u->samples);
			}
		}
		break;
	}
	case PF_CLIENT: {
		struct ip_rec *ir = ip_get(a, ev->client_ip);

		q = q_get(a, &a->pfq, &a->pfl, ev->qid);
		a->smtpd_submissions++;
		if (ir)
			ir->messages++;
		if (ev->sasl_user.n) {
			if (q)
				q->flags |= Q_SASL;
			sasl_success(a, ev->sasl_user, ev->client_ip);
		}
		break;
	}
	case PF_QMGR_FROM:
		q = q_get(a, &a->pfq, &a->pfl, ev->qid);
		if (q && (q->flags & Q_COUNTED))
			break;
		if (q)
			q->flags |= Q_COUNTED;
		count_message(a, ev->from);
		break;
	case PF_QMGR_EXPIRED:
		a->expired++;
		break;
	case PF_REMOVED:
		q = mw_ml_tab_find(&a->pfq, ev->qid.p, ev->qid.n);
		if (q)
			q_remove(a, &a->pfq, &a->pfl, q, 0);
		break;
	case PF_HEADER:
		q = mw_ml_tab_find(&a->pfq, ev->qid.p, ev->qid.n);
		if (ev->header_name.n == 24 &&
		    strncasecmp(ev->header_name.p, "X-PHP-Originating-Script", 24) == 0)
			php_header(a, q, ev->header_value);
		break;
	case PF_DELIVERY:
		q = mw_ml_tab_find(&a->pfq, ev->qid.p, ev->qid.n);
		if (q && (q->flags & Q_LOCAL) && q->user[0]) {
			u = mw_ml_tab_find(&a->users, q->user, strlen(q->user));
			if (u)
				user_recipient(a, u, ev->to);
		}
		if (str_eq(ev->status, "sent")) {
			a->delivered++;
		} else if (str_eq(ev->status, "deferred")) {
			a->deferred++;
			hour_status(a, 1);
			q_deferred(a, q);
		} else if (str_eq(ev->status, "bounced")) {
			a->bounced++;
			hour_status(a, 0);
		}
		if (ev->is_client_side && (str_eq(ev->status, "bounced") ||
					   str_eq(ev->status, "deferred")))
		{
			struct ml_str mx = mx_of(ev->reply, ev->relay);

			remote_reject(a, ev->reply, mx);
			mw_ml_agg_provider_reply(a, ev->reply, mx, str_eq(ev->status, "bounced"),
					      ev->to, ev->orig_to);
		}
		break;
	case PF_REJECT: {
		struct ip_rec *ir = ip_get(a, ev->client_ip);

		a->rejected++;
		if (ir)
			ir->rejects++;
		if (memmem(ev->reply.p, ev->reply.n, "Relay access denied", 19)) {
			a->relay_denied++;
			if (ir)
				ir->relay_denied++;
			mw_ml_agg_sample(a, &a->relay_samples);
		}
		break;
	}
	case PF_SASL_FAIL:
		sasl_failure(a, ev->sasl_user, ev->client_ip);
		break;
	case PF_OTHER:
		break;
	}
}

/* --- Exim ---------------------------------------------------------------- */

static void exim_cwd_remember(struct ml_agg *a, const struct ml_ex_event *ev)
{
	struct ml_cwd *c = &a->cwds[a->cwd_pos];

	a->cwd_pos = (a->cwd_pos + 1) % ML_MAX_CWD_PIDS;
	c->pid = ev->pid;
	c->time = a->cur_time;
	c->used = 1;
	c->len = ev->cwd.n < sizeof(c->dir) - 1 ? ev->cwd.n : sizeof(c->dir) - 1;
	memcpy(c->dir, ev->cwd.p, c->len);
	c->dir[c->len] = '\0';
}

/* The cwd= line of the same process (or, without pids, the latest one
 * within a few seconds); consumed. */
static struct ml_cwd *exim_cwd_take(struct ml_agg *a, long pid)
{
	unsigned i, k;

	for (i = 0; i < ML_MAX_CWD_PIDS; i++) {
		k = (a->cwd_pos + ML_MAX_CWD_PIDS - 1 - i) % ML_MAX_CWD_PIDS;
		if (!a->cwds[k].used)
			continue;
		if (a->cwds[k].pid == pid && a->cur_time - a->cwds[k].time <= 60 &&
		    (pid >= 0 || a->cur_time - a->cwds[k].time <= 5)) {
			a->cwds[k].used = 0;
			return &a->cwds[k];
		}
	}
	return NULL;
}

static void exim_rcpts(struct ml_agg *a, struct user_rec *u, struct ml_str list)
{
	const char *p = list.p, *end = list.p + list.n;

	while (p < end) {
		const char *sp;
		struct ml_str r;

		while (p < end && *p == ' ')
			p++;
		sp = memchr(p, ' ', (size_t)(end - p));
		r.p = p;
		r.n = (size_t)((sp ? sp : end) - p);
		if (r.n)
			user_recipient(a, u, r);
		p = sp ? sp + 1 : end;
	}
}

void mw_agg_exim_event(struct ml_agg *a, const struct ml_ex_event *ev)
{
	struct qent *q;
	struct user_rec *u = NULL;

	a->exim_lines++;
	switch (ev->kind) {
	case EX_ARRIVAL: {
		int local = ev->proto.n >= 5 && memcmp(ev->proto.p, "local", 5) == 0;
		struct ml_cwd *cwd = NULL;

		q = q_get(a, &a->exq, &a->exl, ev->id);
		if (q && (q->flags & Q_COUNTED))
			break;
		if (q)
			q->flags |= Q_COUNTED;
		count_message(a, ev->addr);
		if (ev->ip.n) {
			struct ip_rec *ir = ip_get(a, ev->ip);

			if (ir)
				ir->messages++;
		}
		if (ev->auth.n) {
			a->smtpd_submissions++;
			sasl_success(a, ev->auth, ev->ip);
		} else if (ev->ip.n) {
			a->smtpd_submissions++;
		}
		if (local && ev->user.n) {
			a->local_submissions++;
			cwd = exim_cwd_take(a, ev->pid);
			u = user_get(a, ev->user.p, ev->user.n, -1);
			if (u) {
				struct ml_str cs = { cwd ? cwd->dir : "", cwd ? cwd->len : 0 };

				u->r.count++;
				if (cwd) {
					add_str(u->cwds, u->cwd_count, &u->ncwds, &u->cwds_more, cs);
					if (cwd_is_web(cs))
						u->web = 1;
				}
				if (u->web) {
					a->web_submissions++;
					mw_ml_agg_sample(a, &u->samples);
				}
				if (q) {
					q->flags |= Q_LOCAL;
					snprintf(q->user, sizeof(q->user), "%.32s", u->r.key);
					if (ev->rcpts.n) {
						q->flags |= Q_RCPTS;
						exim_rcpts(a, u, ev->rcpts);
					}
				}
			}
		}
		break;
	}
	case EX_DELIVERY:
	case EX_FAIL:
	case EX_DEFER:
		q = mw_ml_tab_find(&a->exq, ev->id.p, ev->id.n);
		if (q && (q->flags & Q_LOCAL) && !(q->flags & Q_RCPTS) && q->user[0] &&
		    ev->kind != EX_DEFER) {
			u = mw_ml_tab_find(&a->users, q->user, strlen(q->user));
			if (u)
				user_recipient(a, u, ev->addr);
		}
		if (ev->kind == EX_DELIVERY) {
			a->delivered++;
		} else if (ev->kind == EX_FAIL) {
			a->bounced++;
			hour_status(a, 0);
		} else {
			a->deferred++;
			hour_status(a, 1);
			q_deferred(a, q);
		}
		if (ev->kind != EX_DELIVERY && ev->reply.n &&
		    memmem(ev->reply.p, ev->reply.n, "remote mail server", 18))
		{
			struct ml_str none = { "", 0 };

			remote_reject(a, ev->reply, ev->host.n ? ev->host : ev->ip);
			mw_ml_agg_provider_reply(a, ev->reply, ev->host, ev->kind == EX_FAIL,
					      none, none);
		}
		break;
	case EX_COMPLETED:
		q = mw_ml_tab_find(&a->exq, ev->id.p, ev->id.n);
		if (q)
			q_remove(a, &a->exq, &a->exl, q, 0);
		break;
	case EX_CWD:
		exim_cwd_remember(a, ev);
		break;
	case EX_RELAY_DENIED: {
		struct ip_rec *ir = ip_get(a, ev->ip);

		a->rejected++;
		a->relay_denied++;
		if (ir) {
			ir->rejects++;
			ir->relay_denied++;
		}
		mw_ml_agg_sample(a, &a->relay_samples);
		break;
	}
	case EX_AUTH_FAIL:
		sasl_failure(a, ev->auth, ev->ip);
		break;
	case EX_OTHER:
		break;
	}
}

/* --- PHP mail.log -------------------------------------------------------- */

void mw_agg_php_event(struct ml_agg *a, const struct ml_php_event *ev)
{
	struct script_rec *s = mw_ml_tab_get(&a->scripts, ev->script.p, ev->script.n);
	const char *p = ev->to.p, *end = ev->to.n ? ev->to.p + ev->to.n : ev->to.p;

	a->php_lines++;
	if (!s)
		return;
	if (!s->uid_set) {
		s->uid = -1;
		s->uid_set = 1;
	}
	s->r.count++;
	s->from_mail_log = 1;
	mw_ml_agg_sample(a, &s->samples);
	/* "a@b, Name <c@d>" */
	while (p && p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p)), *e = c ? c : end;
		struct ml_str r = { p, (size_t)(e - p) };
		const char *lt = memchr(r.p, '<', r.n);

		if (lt) {
			const char *gt = memchr(lt, '>', (size_t)(e - lt));

			r.p = lt + 1;
			r.n = (size_t)((gt ? gt : e) - r.p);
		}
		while (r.n && r.p[r.n - 1] == ' ')
			r.n--;
		if (memchr(r.p, '@', r.n)) {
			s->recipients++;
			mw_ml_hset_add(&s->domains, hash_lower(domain_of(r)), ML_MAX_SCRIPT_DOMAINS);
		}
		p = c ? c + 1 : end;
	}
}
