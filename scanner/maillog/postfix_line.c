/*
 * Postfix log messages (the part after "postfix/SERVICE[pid]: "). Formats
 * as Postfix 2.x-3.x write them: queue-id lines of pickup, smtpd, cleanup,
 * qmgr and the delivery agents, NOQUEUE rejects, SASL failure warnings.
 */
#define _GNU_SOURCE
#include <string.h>

#include "scanner/maillog/maillog.h"

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z');
}

static int starts(struct ml_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

int mw_ml_is_postfix_ident(struct ml_str ident)
{
	return ident.n > 8 && memcmp(ident.p, "postfix", 7) == 0 &&
	       (ident.p[7] == '/' || ident.p[7] == '-') &&
	       memchr(ident.p + 7, '/', ident.n - 7) != NULL;
}

/*
 * A queue id: short ids are upper-case hex (>= 5 chars), long ids
 * (enable_long_queue_ids) are >= 12 alphanumerics with a digit. Words like
 * "warning" or "statistics" are neither.
 */
static size_t queue_id_len(const char *p, size_t n)
{
	size_t i = 0;
	int hex = 1, dig = 0;

	while (i < n && i < 32 && is_alnum(p[i])) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			dig = 1;
		else if (!(c >= 'A' && c <= 'F'))
			hex = 0;
		i++;
	}
	if (i >= n || p[i] != ':' || i >= 32)
		return 0;
	if ((hex && i >= 5) || (dig && i >= 12))
		return i;
	return 0;
}

/*
 * Find "key" (e.g. "to=") in s at a field boundary (start, ' ' or ',')
 * and return its value: "<...>" without the brackets (up to the last '>'
 * before ", " / " " / end), otherwise up to ',' or ' '. 0 found, -1 not
 * found, -2 found but malformed (unterminated '<').
 */
static int field(struct ml_str s, const char *key, struct ml_str *val)
{
	size_t kl = strlen(key) - 1;	/* without the '=' */
	const char *p = s.p, *end = s.p + s.n, *eq;

	/* Walk the '=' signs (a handful per line) rather than searching for
	 * the whole key: this runs several times for every line. */
	while (p < end && (eq = memchr(p, '=', (size_t)(end - p)))) {
		const char *hit = eq - kl, *v = eq + 1, *q;

		p = eq + 1;
		if (hit < s.p || memcmp(hit, key, kl) != 0 ||
		    (hit != s.p && hit[-1] != ' ' && hit[-1] != ','))
			continue;
		if (v < end && *v == '<') {
			v++;
			for (q = v; q < end; q++) {
				if (*q == '>' && (q + 1 == end || q[1] == ',' || q[1] == ' '))
					break;
			}
			if (q >= end)
				return -2;
			val->p = v;
			val->n = (size_t)(q - v);
			return 0;
		}
		for (q = v; q < end && *q != ',' && *q != ' '; q++)
			;
		val->p = v;
		val->n = (size_t)(q - v);
		return 0;
	}
	return -1;
}

/* "host[ip]" (optionally ":port" after) at p: split into host and ip. */
static int split_host_ip(struct ml_str s, struct ml_str *host, struct ml_str *ip)
{
	const char *lb = memchr(s.p, '[', s.n), *rb;

	if (!lb)
		return -1;
	rb = memchr(lb, ']', s.n - (size_t)(lb - s.p));
	if (!rb)
		return -1;
	host->p = s.p;
	host->n = (size_t)(lb - s.p);
	ip->p = lb + 1;
	ip->n = (size_t)(rb - lb - 1);
	return 0;
}

/* "RCPT from host[ip]: reply; from=<> to=<> ..." after "reject: ". */
static int parse_reject(struct ml_str rest, struct ml_pf_event *ev)
{
	const char *p = rest.p, *end = rest.p + rest.n, *from, *colon;
	struct ml_str hs;

	ev->kind = PF_REJECT;
	from = memmem(p, (size_t)(end - p), " from ", 6);
	if (!from)
		return -1;
	from += 6;
	colon = memmem(from, (size_t)(end - from), ": ", 2);
	if (!colon)
		return -1;
	hs.p = from;
	hs.n = (size_t)(colon - from);
	if (split_host_ip(hs, &ev->client_host, &ev->client_ip) != 0)
		return -1;
	ev->reply.p = colon + 2;
	ev->reply.n = (size_t)(end - ev->reply.p);
	{
		struct ml_str tail = ev->reply;
		const char *semi = NULL, *q;

		/* The reply ends at the "; from=<" that Postfix appends. */
		for (q = tail.p; q + 8 <= end; q++)
			if (q[0] == ';' && memcmp(q, "; from=<", 8) == 0)
				semi = q;
		if (semi) {
			tail.p = semi + 2;
			tail.n = (size_t)(end - tail.p);
			ev->reply.n = (size_t)(semi - ev->reply.p);
			if (field(tail, "from=", &ev->from) == -2 ||
			    field(tail, "to=", &ev->to) == -2)
				return -1;
		}
	}
	return 0;
}

/* "warning: host[ip]: SASL LOGIN authentication failed: why[, sasl_username=u]" */
static int parse_sasl_fail(struct ml_str m, struct ml_pf_event *ev)
{
	const char *p = m.p + 9, *end = m.p + m.n, *colon;
	struct ml_str hs, rest;

	colon = memmem(p, (size_t)(end - p), ": ", 2);
	if (!colon)
		return -1;
	hs.p = p;
	hs.n = (size_t)(colon - p);
	if (split_host_ip(hs, &ev->client_host, &ev->client_ip) != 0)
		return -1;
	rest.p = colon + 2;
	rest.n = (size_t)(end - rest.p);
	if (!starts(rest, "SASL ") ||
	    !memmem(rest.p, rest.n, " authentication failed", 22))
		return 1;	/* another warning: not ours */
	ev->kind = PF_SASL_FAIL;
	{
		const char *sp = memchr(rest.p + 5, ' ', rest.n - 5);

		if (sp) {
			ev->sasl_method.p = rest.p + 5;
			ev->sasl_method.n = (size_t)(sp - rest.p - 5);
		}
	}
	(void)field(rest, "sasl_username=", &ev->sasl_user);
	ev->reply = rest;
	return 0;
}

static int parse_queue_line(struct ml_str svc, struct ml_str m,
			    struct ml_pf_event *ev)
{
	struct ml_str v;
	int r;

	if (starts(m, "uid=")) {
		ev->kind = PF_PICKUP;
		if (field(m, "uid=", &v) != 0 || (ev->uid = mw_ml_str_long(v)) < 0)
			return -1;
		if (field(m, "from=", &ev->from) == -2)
			return -1;
		return 0;
	}
	if (starts(m, "client=")) {
		ev->kind = PF_CLIENT;
		if (field(m, "client=", &v) != 0)
			return -1;
		/* "client=host[ip]" possibly followed by ", sasl_..." */
		if (v.n && v.p[v.n - 1] == ',')
			v.n--;
		if (split_host_ip(v, &ev->client_host, &ev->client_ip) != 0)
			return -1;
		(void)field(m, "sasl_method=", &ev->sasl_method);
		(void)field(m, "sasl_username=", &ev->sasl_user);
		return 0;
	}
	if (starts(m, "from=")) {
		if (field(m, "from=", &ev->from) != 0)
			return -1;
		if (field(m, "status=", &v) == 0 && v.n == 7 && memcmp(v.p, "expired", 7) == 0) {
			ev->kind = PF_QMGR_EXPIRED;
			ev->status = v;
			return 0;
		}
		ev->kind = PF_QMGR_FROM;
		if (field(m, "nrcpt=", &v) == 0)
			ev->nrcpt = mw_ml_str_long(v);
		return 0;
	}
	if (m.n == 7 && memcmp(m.p, "removed", 7) == 0) {
		ev->kind = PF_REMOVED;
		return 0;
	}
	if (starts(m, "to=")) {
		const char *st, *end = m.p + m.n;

		ev->kind = PF_DELIVERY;
		if (field(m, "to=", &ev->to) != 0)
			return -1;
		(void)field(m, "orig_to=", &ev->orig_to);
		(void)field(m, "relay=", &ev->relay);
		if (ev->relay.n && ev->relay.p[ev->relay.n - 1] == ',')
			ev->relay.n--;
		r = field(m, "status=", &ev->status);
		if (r != 0)
			return -1;
		st = ev->status.p + ev->status.n;
		if (st + 1 < end && st[0] == ' ' && st[1] == '(') {
			const char *close = end;

			while (close > st && close[-1] != ')')
				close--;
			if (close > st + 2) {
				ev->reply.p = st + 2;
				ev->reply.n = (size_t)(close - 1 - ev->reply.p);
			}
		}
		ev->is_client_side = (svc.n == 4 && memcmp(svc.p, "smtp", 4) == 0) ||
				     (svc.n == 5 && memcmp(svc.p, "relay", 5) == 0) ||
				     (svc.n == 4 && memcmp(svc.p, "lmtp", 4) == 0);
		return 0;
	}
	if (starts(m, "warning: header ") || starts(m, "info: header ") ||
	    starts(m, "reject: header ") || starts(m, "hold: header ") ||
	    starts(m, "discard: header ")) {
		const char *h = memchr(m.p, ':', m.n) + 9, *end = m.p + m.n, *c, *fr, *semi;

		ev->kind = PF_HEADER;
		c = memchr(h, ':', (size_t)(end - h));
		if (!c)
			return -1;
		ev->header_name.p = h;
		ev->header_name.n = (size_t)(c - h);
		h = c + 1;
		if (h < end && *h == ' ')
			h++;
		/* The value ends at the last " from " before "; from=<". */
		fr = NULL;
		semi = NULL;
		for (c = h; c + 6 <= end; c++) {
			if (*c == ';' && c + 8 <= end && memcmp(c, "; from=<", 8) == 0) {
				semi = c;
				break;
			}
			if (*c == ' ' && memcmp(c, " from ", 6) == 0)
				fr = c;
		}
		ev->header_value.p = h;
		ev->header_value.n = (size_t)((fr ? fr : semi ? semi : end) - h);
		if (semi) {
			c = semi;
			struct ml_str tail = { c + 2, (size_t)(end - c - 2) };

			(void)field(tail, "from=", &ev->from);
			(void)field(tail, "to=", &ev->to);
		}
		return 0;
	}
	if (starts(m, "reject: ")) {
		struct ml_str rest = { m.p + 8, m.n - 8 };

		return parse_reject(rest, ev);
	}
	ev->kind = PF_OTHER;
	return 0;
}

int mw_ml_parse_postfix(struct ml_str ident, struct ml_str msg,
		     struct ml_pf_event *ev)
{
	const char *slash;
	size_t ql;

	memset(ev, 0, sizeof(*ev));
	ev->uid = -1;
	ev->nrcpt = -1;
	slash = memchr(ident.p, '/', ident.n);
	if (!slash)
		return -1;
	ev->service.p = slash + 1;
	ev->service.n = ident.n - (size_t)(slash + 1 - ident.p);

	if (starts(msg, "NOQUEUE: ")) {
		struct ml_str m = { msg.p + 9, msg.n - 9 };

		if (starts(m, "reject: ")) {
			struct ml_str rest = { m.p + 8, m.n - 8 };

			return parse_reject(rest, ev);
		}
		ev->kind = PF_OTHER;
		return 0;
	}
	if (starts(msg, "warning: ")) {
		int r = parse_sasl_fail(msg, ev);

		if (r > 0 || r < 0) {
			/* Other warnings ("hostname does not resolve", ...)
			 * are well-formed and of no interest. */
			memset(&ev->client_host, 0, sizeof(ev->client_host));
			memset(&ev->client_ip, 0, sizeof(ev->client_ip));
			ev->kind = PF_OTHER;
		}
		return 0;
	}
	ql = queue_id_len(msg.p, msg.n);
	if (ql) {
		struct ml_str m;

		ev->qid.p = msg.p;
		ev->qid.n = ql;
		if (ql + 1 >= msg.n || msg.p[ql + 1] != ' ')
			return -1;
		m.p = msg.p + ql + 2;
		m.n = msg.n - ql - 2;
		return parse_queue_line(ev->service, m, ev);
	}
	ev->kind = PF_OTHER;
	return 0;
}

long mw_ml_str_long(struct ml_str s)
{
	long v = 0;
	size_t i;

	if (s.n == 0)
		return -1;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9' || v > 100000000L)
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	return v;
}
