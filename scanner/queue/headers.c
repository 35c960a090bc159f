/*
 * Who submitted a queued message, from what the MTA recorded with it:
 *   Postfix `postcat -q -e -h ID`: envelope records ("named_attribute:
 *   sasl_username=bob", "named_attribute: client_address=...") and the
 *   headers, of which two matter: the first Received, which Postfix's
 *   pickup writes as "by HOST (Postfix, from userid 33)", and
 *   X-PHP-Originating-Script ("33:mailer.php", added by PHP's mail()).
 *   Exim `exim -Mvh ID`: the -H spool file: "login uid gid" on line 2,
 *   then "-ident", "-auth_id", "-host_address" option lines (Exim >= 4.94
 *   writes tainted values with a second dash), then the headers as
 *   "NNNf Name: value".
 * The uid comes from the MTA (the Received header it wrote first, the
 * spool file); the script is only what the header claims: a local user
 * can forge it, so it is reported as the header's, never trusted for the
 * uid. Everything is bounded: QMAX_HEADERS bytes, QMAX_FIELD per value.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/users.h"
#include "scanner/queue/queue_impl.h"

struct line_iter {
	const char *s;
	size_t n, pos;
};

static int next_line(struct line_iter *it, const char **l, size_t *len)
{
	const char *nl;

	if (it->pos >= it->n)
		return 0;
	*l = it->s + it->pos;
	nl = memchr(*l, '\n', it->n - it->pos);
	*len = nl ? (size_t)(nl - *l) : it->n - it->pos;
	it->pos += *len + (nl ? 1 : 0);
	if (*len && (*l)[*len - 1] == '\r')
		(*len)--;
	return 1;
}

static int starts(const char *l, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(l, p, k) == 0;
}

static int starts_nocase(const char *l, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && strncasecmp(l, p, k) == 0;
}

/* Set *dst once (the first occurrence wins). */
static enum mw_err set_once(char **dst, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (*dst || n == 0)
		return MW_OK;
	*dst = mw_qfield_dup(v, n);
	return *dst ? MW_OK : MW_ERR_NOMEM;
}

static long parse_uid(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "X-PHP-Originating-Script: 33:path/mailer.php" (value part). */
static enum mw_err php_script(struct qmsg *m, const char *v, size_t n)
{
	const char *colon;

	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	colon = memchr(v, ':', n);
	if (!colon || parse_uid(v, (size_t)(colon - v)) < 0)
		return set_once(&m->script, v, n);
	return set_once(&m->script, colon + 1, n - (size_t)(colon + 1 - v));
}

/* "by host (Postfix, from userid 33)" anywhere in the first Received. */
static long postfix_userid(const char *v, size_t n)
{
	static const char mark[] = "(Postfix, from userid ";
	size_t k = sizeof(mark) - 1, i, j;

	for (i = 0; i + k <= n; i++) {
		if (memcmp(v + i, mark, k) != 0)
			continue;
		for (j = i + k; j < n && v[j] >= '0' && v[j] <= '9'; j++)
			;
		if (j < n && v[j] == ')')
			return parse_uid(v + i + k, j - i - k);
		return -1;
	}
	return -1;
}

static void fill_user(struct qmsg *m)
{
	char name[256];

	if (m->uid < 0 || m->user)
		return;
	mw_user_name((uid_t)m->uid, name, sizeof(name));
	m->user = mw_qfield_dup(name, strlen(name));
}

enum mw_err mw_postcat_submitter(const char *text, size_t n, struct qmsg *m)
{
	struct line_iter it = { text, n > QMAX_HEADERS ? QMAX_HEADERS : n, 0 };
	enum { ENV, HDR, DONE } part = ENV;
	int received_seen = 0, in_received = 0;
	const char *l;
	size_t len;
	enum mw_err e = MW_OK;

	m->inspected = 1;
	while (!e && part != DONE && next_line(&it, &l, &len)) {
		if (starts(l, len, "*** ")) {
			in_received = 0;
			if (starts(l, len, "*** MESSAGE CONTENTS"))
				part = HDR;
			else if (part == HDR)
				part = DONE;
			continue;
		}
		if (part == ENV) {
			if (starts(l, len, "named_attribute: sasl_username="))
				e = set_once(&m->sasl, l + 31, len - 31);
			else if (starts(l, len, "named_attribute: client_address="))
				e = set_once(&m->client, l + 32, len - 32);
			continue;
		}
		/* headers: a continuation line belongs to the header above */
		if (len && (l[0] == ' ' || l[0] == '\t')) {
			if (in_received && m->uid < 0)
				m->uid = postfix_userid(l, len);
			continue;
		}
		in_received = 0;
		if (starts_nocase(l, len, "Received:")) {
			if (!received_seen) {
				received_seen = in_received = 1;
				m->uid = postfix_userid(l, len);
			}
		} else if (starts_nocase(l, len, "X-PHP-Originating-Script:")) {
			e = php_script(m, l + 25, len - 25);
		}
	}
	if (!e)
		fill_user(m);
	return e;
}

/* "-ident www-data" or "--ident www-data": the value, or NULL. */
static const char *exim_opt(const char *l, size_t len, const char *name, size_t *vlen)
{
	size_t k = strlen(name), off;

	if (len < 2 || l[0] != '-')
		return NULL;
	off = l[1] == '-' ? 2 : 1;
	if (len < off + k + 1 || memcmp(l + off, name, k) != 0 || l[off + k] != ' ')
		return NULL;
	*vlen = len - off - k - 1;
	return l + off + k + 1;
}

/* Exim's "[127.0.0.1]:54321" (4.96) or "127.0.0.1.54321" (older): the
 * address without the port. Sets *v past a '['. */
static size_t strip_port(const char **vp, size_t n)
{
	const char *v = *vp, *close;
	size_t i = n;

	if (n && v[0] == '[' && (close = memchr(v, ']', n))) {
		*vp = v + 1;
		return (size_t)(close - v - 1);
	}

	while (i > 0 && v[i - 1] >= '0' && v[i - 1] <= '9')
		i--;
	return i > 0 && i < n && v[i - 1] == '.' ? i - 1 : n;
}

static enum mw_err set_client(struct qmsg *m, const char *v, size_t n)
{
	size_t k = strip_port(&v, n);

	return set_once(&m->client, v, k);
}

enum mw_err mw_exim_mvh_submitter(const char *text, size_t n, struct qmsg *m)
{
	struct line_iter it = { text, n > QMAX_HEADERS ? QMAX_HEADERS : n, 0 };
	const char *l, *v;
	size_t len, vlen, lineno = 0;
	int in_headers = 0, local = 0;
	long caller_uid = -1;
	enum mw_err e = MW_OK;

	m->inspected = 1;
	while (!e && next_line(&it, &l, &len)) {
		lineno++;
		if (lineno == 2) {	/* "login uid gid" of the caller */
			const char *sp = memchr(l, ' ', len), *sp2;

			if (sp && (sp2 = memchr(sp + 1, ' ', len - (size_t)(sp + 1 - l))))
				caller_uid = parse_uid(sp + 1, (size_t)(sp2 - sp - 1));
			continue;
		}
		if (!in_headers) {
			if (len == 0) {
				in_headers = 1;	/* after the recipients */
				continue;
			}
			if ((v = exim_opt(l, len, "ident", &vlen)))
				e = set_once(&m->user, v, vlen);
			else if ((v = exim_opt(l, len, "auth_id", &vlen)))
				e = set_once(&m->sasl, v, vlen);
			else if ((v = exim_opt(l, len, "host_address", &vlen)))
				e = set_client(m, v, vlen);
			else if ((v = exim_opt(l, len, "received_protocol", &vlen)))
				local = vlen >= 5 && memcmp(v, "local", 5) == 0;	/* local, local-bsmtp, local-esmtp */
			continue;
		}
		/* "040  X-PHP-Originating-Script: 33:mailer.php" */
		{
			size_t i = 0;

			while (i < len && i < 6 && l[i] >= '0' && l[i] <= '9')
				i++;
			if (i == 0 || i + 2 > len)
				continue;
			i += 2;	/* flag character and blank */
			if (starts_nocase(l + i, len - i, "X-PHP-Originating-Script:"))
				e = php_script(m, l + i + 25, len - i - 25);
		}
	}
	if (e)
		return e;
	/*
	 * A local submission's ident is the caller's login (set by Exim, or
	 * by a trusted caller with -oMt on its behalf): its uid wins over
	 * the caller's. Anything else (SMTP) has no local uid.
	 */
	if (local || !m->client) {
		uid_t u;

		if (m->user && mw_user_uid(m->user, &u) == 0)
			m->uid = (long)u;
		else if (local)
			m->uid = caller_uid;
	}
	if (!local && m->client) {
		free(m->user);	/* an SMTP ident (RFC 1413) is the remote's claim */
		m->user = NULL;
	}
	fill_user(m);
	return MW_OK;
}
