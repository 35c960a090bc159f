/*
 * The Postfix policy delegation protocol (SMTPD_POLICY_README): a client
 * writes "name=value\n" lines and an empty line; the server answers
 * "action=...\n\n". The input comes from whoever can connect to the socket,
 * so every byte is bounded and nothing is copied.
 */
#include <string.h>

#include "scanner/harden/policy.h"

int mw_pol_span_eq(struct pol_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* "recipient_count" is a decimal; anything else counts as 1 recipient. */
static unsigned long parse_count(struct pol_span v, int *ok)
{
	unsigned long n = 0;

	*ok = v.n > 0 && v.n <= 9;
	for (size_t i = 0; *ok && i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			*ok = 0;
		else
			n = n * 10 + (unsigned long)(v.p[i] - '0');
	}
	return *ok ? n : 1;
}

int mw_pol_limit_entry(const char *e, struct pol_span *name, unsigned long *n)
{
	const char *eq = strrchr(e, '=');
	int ok;

	if (!eq || eq == e || (size_t)(eq - e) >= POL_MAX_NAME)
		return -1;
	*name = (struct pol_span){ e, (size_t)(eq - e) };
	*n = parse_count((struct pol_span){ eq + 1, strlen(eq + 1) }, &ok);	/* <= 9 digits */
	return ok && *n <= POL_MAX_LIMIT ? 0 : -1;
}

static void take_attr(struct pol_req *r, struct pol_span name, struct pol_span v)
{
	static const struct {
		const char *name;
		size_t off;
	} known[] = {
		{ "request", offsetof(struct pol_req, request) },
		{ "protocol_state", offsetof(struct pol_req, state) },
		{ "sasl_username", offsetof(struct pol_req, sasl) },
		{ "sender", offsetof(struct pol_req, sender) },
		{ "client_address", offsetof(struct pol_req, client) },
		{ "instance", offsetof(struct pol_req, instance) },
	};

	if (mw_pol_span_eq(name, "recipient_count")) {
		int ok;

		r->rcpt_count = parse_count(v, &ok);
		r->have_rcpt = ok;
		return;
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (mw_pol_span_eq(name, known[i].name)) {
			*(struct pol_span *)(void *)((char *)r + known[i].off) = v;
			return;
		}
}

long mw_pol_parse(const char *buf, size_t len, struct pol_req *r)
{
	size_t pos = 0, lim = len < POL_MAX_REQUEST ? len : POL_MAX_REQUEST;

	memset(r, 0, sizeof(*r));
	while (pos < lim) {
		const char *line = buf + pos, *nl, *eq;
		size_t n;

		nl = memchr(line, '\n', lim - pos);
		if (!nl)
			break;
		n = (size_t)(nl - line);
		pos += n + 1;
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0)
			return (long)pos;
		if (memchr(line, '\0', n))
			return -1;
		eq = memchr(line, '=', n);
		if (!eq || eq == line)
			return -1;
		take_attr(r, (struct pol_span){ line, (size_t)(eq - line) },
			  (struct pol_span){ eq + 1, n - (size_t)(eq - line) - 1 });
	}
	if (len >= POL_MAX_REQUEST)
		return -1;
	memset(r, 0, sizeof(*r));
	return 0;
}
