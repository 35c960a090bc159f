/*
 * Exim main log lines (/var/log/exim4/mainlog, or syslog with ident exim):
 * "<=" arrivals with U= A= H= P=, "=>"/"->" deliveries, "**" failures,
 * "==" deferrals, "Completed", the "cwd=" line of local submissions (log
 * selector +arguments), relay refusals and authenticator failures.
 */
#define _GNU_SOURCE
#include <string.h>

#include "scanner/maillog/maillog.h"

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int num(const char *p, int w)
{
	int v = 0, i;

	for (i = 0; i < w; i++) {
		if (!digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int mw_ml_looks_exim(const char *line, size_t n)
{
	return n >= 20 && line[4] == '-' && line[7] == '-' && line[10] == ' ' &&
	       line[13] == ':' && line[16] == ':' && digit(line[0]) &&
	       digit(line[11]) && (line[19] == ' ' || line[19] == '.');
}

/* "YYYY-MM-DD HH:MM:SS[.mmm][ +ZZZZ] " at p; returns bytes used or 0. */
static size_t parse_time(const char *p, size_t n, struct ml_ex_event *ev)
{
	int y, mo, d, h, mi, s;
	size_t i;

	if (!mw_ml_looks_exim(p, n))
		return 0;
	y = num(p, 4);
	mo = num(p + 5, 2);
	d = num(p + 8, 2);
	h = num(p + 11, 2);
	mi = num(p + 14, 2);
	s = num(p + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || s < 0 || s > 60)
		return 0;
	ev->time = mw_ml_civil_to_epoch(y, mo, d, h, mi, s);
	ev->has_time = 1;
	i = 19;
	if (i < n && p[i] == '.') {
		i++;
		while (i < n && digit(p[i]))
			i++;
	}
	if (i + 6 <= n && p[i] == ' ' && (p[i + 1] == '+' || p[i + 1] == '-') &&
	    num(p + i + 2, 4) >= 0) {
		int z = num(p + i + 2, 4);
		long off = (z / 100) * 3600L + (z % 100) * 60L;

		ev->time -= p[i + 1] == '-' ? -off : off;
		ev->time_has_zone = 1;
		i += 6;
	}
	if (i >= n || p[i] != ' ')
		return 0;
	return i + 1;
}

/* Exim message id: 6-6-2 (classic) or 6-11-4 (4.97+). */
static size_t message_id_len(const char *p, size_t n)
{
	size_t i = 0, a, b, c;

	for (a = 0; i < n && is_alnum(p[i]); i++, a++)
		;
	if (a != 6 || i >= n || p[i] != '-')
		return 0;
	for (i++, b = 0; i < n && is_alnum(p[i]); i++, b++)
		;
	if ((b != 6 && b != 11) || i >= n || p[i] != '-')
		return 0;
	for (i++, c = 0; i < n && is_alnum(p[i]); i++, c++)
		;
	if (c < 2 || c > 4 || (i < n && p[i] != ' '))
		return 0;
	return i;
}

/* Next blank-separated token of [*p, end); quoted "..." with \ escapes
 * is one token. Returns 0 at the end. */
static int next_token(const char **p, const char *end, struct ml_str *tok)
{
	const char *s = *p, *q;

	while (s < end && *s == ' ')
		s++;
	if (s >= end)
		return 0;
	q = s;
	while (q < end && *q != ' ') {
		if (*q == '"') {
			q++;
			while (q < end && *q != '"') {
				if (*q == '\\' && q + 1 < end)
					q++;
				q++;
			}
			if (q < end)
				q++;
			continue;
		}
		q++;
	}
	tok->p = s;
	tok->n = (size_t)(q - s);
	*p = q;
	return 1;
}

static int tok_is(struct ml_str t, const char *key)
{
	size_t n = strlen(key);

	return t.n >= n && memcmp(t.p, key, n) == 0;
}

/*
 * H= value: "name (helo) [ip]:port", "(helo) [ip]", "[ip]" - spaces
 * inside. Consumes tokens from *p after the "H=" token's remainder.
 */
static void parse_host(struct ml_str first, const char **p, const char *end,
		       struct ml_ex_event *ev)
{
	struct ml_str t = first;
	const char *save;
	int guard = 0;

	for (;;) {
		if (t.n && t.p[0] == '[') {
			const char *rb = memchr(t.p, ']', t.n);

			ev->ip.p = t.p + 1;
			ev->ip.n = rb ? (size_t)(rb - t.p - 1) : t.n - 1;
			return;
		}
		if (t.n && t.p[0] != '(' && !ev->host.n) {
			ev->host = t;
			if (ev->host.n && ev->host.p[ev->host.n - 1] == ':')
				ev->host.n--;
		}
		save = *p;
		if (!next_token(p, end, &t) || memchr(t.p, '=', t.n) || ++guard > 4) {
			*p = save;
			return;
		}
	}
}

static void parse_fields(const char *p, const char *end, struct ml_ex_event *ev)
{
	struct ml_str t;

	while (next_token(&p, end, &t)) {
		if (tok_is(t, "U=")) {
			ev->user.p = t.p + 2;
			ev->user.n = t.n - 2;
		} else if (tok_is(t, "P=")) {
			ev->proto.p = t.p + 2;
			ev->proto.n = t.n - 2;
		} else if (tok_is(t, "A=")) {
			const char *c = memchr(t.p, ':', t.n);

			if (c) {
				ev->auth.p = c + 1;
				ev->auth.n = t.n - (size_t)(c + 1 - t.p);
			}
		} else if (tok_is(t, "H=")) {
			struct ml_str h = { t.p + 2, t.n - 2 };

			parse_host(h, &p, end, ev);
		} else if (t.n == 3 && memcmp(t.p, "for", 3) == 0 && ev->kind == EX_ARRIVAL) {
			while (p < end && *p == ' ')
				p++;
			ev->rcpts.p = p;
			ev->rcpts.n = (size_t)(end - p);
			return;
		}
	}
}

static void strip_brackets(struct ml_str *s)
{
	if (s->n >= 2 && s->p[0] == '<' && s->p[s->n - 1] == '>') {
		s->p++;
		s->n -= 2;
	}
}

static int parse_no_id(const char *p, const char *end, struct ml_ex_event *ev)
{
	size_t n = (size_t)(end - p);
	const char *q;

	if (n > 4 && memcmp(p, "cwd=", 4) == 0) {
		ev->kind = EX_CWD;
		ev->cwd.p = p + 4;
		q = memmem(p, n, " args: ", 7);
		if (q) {
			/* "cwd=DIR N args:" - DIR may hold blanks; cut at the
			 * blank before the argument count. */
			const char *sp = q;

			while (sp > ev->cwd.p && sp[-1] != ' ')
				sp--;
			ev->cwd.n = sp > ev->cwd.p ? (size_t)(sp - 1 - ev->cwd.p) :
						     (size_t)(q - ev->cwd.p);
		} else {
			const char *sp = memchr(ev->cwd.p, ' ', (size_t)(end - ev->cwd.p));

			ev->cwd.n = (size_t)((sp ? sp : end) - ev->cwd.p);
		}
		return 0;
	}
	if (memmem(p, n, " rejected RCPT ", 15) && memmem(p, n, "relay not permitted", 19)) {
		const char *r;
		struct ml_str t;
		const char *cur = p;

		ev->kind = EX_RELAY_DENIED;
		while (next_token(&cur, end, &t)) {
			if (tok_is(t, "H=")) {
				struct ml_str h = { t.p + 2, t.n - 2 };

				parse_host(h, &cur, end, ev);
				break;
			}
		}
		r = memmem(p, n, " rejected RCPT ", 15) + 15;
		ev->addr.p = r;
		q = memchr(r, ':', (size_t)(end - r));
		ev->addr.n = (size_t)((q ? q : end) - r);
		strip_brackets(&ev->addr);
		return 0;
	}
	q = memmem(p, n, " authenticator failed for ", 26);
	if (q) {
		const char *lb, *rb, *sid;

		ev->kind = EX_AUTH_FAIL;
		/* "for [H=][name ](helo) [ip]:port": the helo may be an
		 * address literal of the client's choosing, "([10.0.0.1])". */
		q += 26;
		if (end - q > 2 && memcmp(q, "H=", 2) == 0)
			q += 2;
		if (q < end && *q != '(' && *q != '[') {
			const char *sp = memchr(q, ' ', (size_t)(end - q));

			if (sp && sp + 1 < end && sp[1] == '(')
				q = sp + 1;
		}
		if (q < end && *q == '(') {
			lb = memmem(q, (size_t)(end - q), ") [", 3);
			if (lb)
				q = lb + 2;
		}
		lb = memchr(q, '[', (size_t)(end - q));
		rb = lb ? memchr(lb, ']', (size_t)(end - lb)) : NULL;
		if (!lb || !rb)
			return -1;
		ev->ip.p = lb + 1;
		ev->ip.n = (size_t)(rb - lb - 1);
		sid = memmem(rb, (size_t)(end - rb), "(set_id=", 8);
		if (sid) {
			const char *close = memchr(sid, ')', (size_t)(end - sid));

			ev->auth.p = sid + 8;
			ev->auth.n = (size_t)((close ? close : end) - ev->auth.p);
		}
		ev->reply.p = rb + 1;
		ev->reply.n = (size_t)(end - ev->reply.p);
		return 0;
	}
	ev->kind = EX_OTHER;
	return 0;
}

int mw_ml_parse_exim(const char *line, size_t n, int with_time,
		  struct ml_ex_event *ev)
{
	const char *p = line, *end = line + n;
	size_t used, il;
	struct ml_str t;

	memset(ev, 0, sizeof(*ev));
	ev->pid = -1;
	if (with_time || mw_ml_looks_exim(line, n)) {
		used = parse_time(line, n, ev);
		if (!used)
			return -1;
		p += used;
	}
	if (p < end && *p == '[') {
		const char *q = p + 1;
		long pid = 0;

		while (q < end && digit(*q) && pid < 100000000)
			pid = pid * 10 + (*q++ - '0');
		if (q == p + 1 || q >= end || (*q != ']' && *q != '/'))
			return -1;
		while (q < end && *q != ']')
			q++;
		if (q + 1 >= end || q[1] != ' ')
			return -1;
		ev->pid = pid;
		p = q + 2;
	}
	il = message_id_len(p, (size_t)(end - p));
	if (!il)
		return parse_no_id(p, end, ev);
	ev->id.p = p;
	ev->id.n = il;
	p += il;
	if (p >= end)
		return -1;
	p++;
	if (end - p >= 9 && memcmp(p, "Completed", 9) == 0) {
		ev->kind = EX_COMPLETED;
		return 0;
	}
	if (end - p < 3 || p[2] != ' ') {
		ev->kind = EX_OTHER;
		return 0;
	}
	if (p[0] == '<' && p[1] == '=')
		ev->kind = EX_ARRIVAL;
	else if ((p[0] == '=' && p[1] == '>') || (p[0] == '-' && p[1] == '>') ||
		 (p[0] == '*' && p[1] == '>'))
		ev->kind = EX_DELIVERY;
	else if (p[0] == '*' && p[1] == '*')
		ev->kind = EX_FAIL;
	else if (p[0] == '=' && p[1] == '=')
		ev->kind = EX_DEFER;
	else {
		ev->kind = EX_OTHER;
		return 0;
	}
	p += 3;
	if (!next_token(&p, end, &t))
		return -1;
	ev->addr = t;
	strip_brackets(&ev->addr);
	if (ev->kind != EX_ARRIVAL) {
		/* "=> bob <bob@example.com>": a local delivery names the
		 * original address next; that one has the domain. */
		const char *save = p;
		struct ml_str o;

		if (next_token(&p, end, &o) && o.n > 2 && o.p[0] == '<' &&
		    (o.p[o.n - 1] == '>' || (o.n > 3 && o.p[o.n - 2] == '>' && o.p[o.n - 1] == ':'))) {
			size_t cut = o.p[o.n - 1] == ':' ? 3 : 2;

			o.p++;
			o.n -= cut;
			ev->addr = o;
			if (cut == 3) {
				/* "** bob <bob@x>: reply" with no fields */
				while (p < end && *p == ' ')
					p++;
				ev->reply.p = p;
				ev->reply.n = (size_t)(end - p);
				return 0;
			}
		} else {
			p = save;
		}
	}
	if (ev->kind != EX_ARRIVAL && ev->addr.n && ev->addr.p[ev->addr.n - 1] == ':') {
		/* "** addr: reply" with no fields */
		ev->addr.n--;
		while (p < end && *p == ' ')
			p++;
		ev->reply.p = p;
		ev->reply.n = (size_t)(end - p);
		return 0;
	}
	if (ev->kind == EX_FAIL || ev->kind == EX_DEFER) {
		/* Router and transport names hold no ": "; the first one
		 * ends the fields and starts the (remote) reply. */
		const char *c = memmem(p, (size_t)(end - p), ": ", 2);

		if (c) {
			ev->reply.p = c + 2;
			ev->reply.n = (size_t)(end - ev->reply.p);
			end = c + 1;
		}
	}
	parse_fields(p, end, ev);
	return 0;
}
