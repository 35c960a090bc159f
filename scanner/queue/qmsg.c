/*
 * The queued-message model shared by the parsers: bounded copies of the
 * fields, recipient domains, and the class of a deferral reason.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ascii.h"
#include "scanner/queue/queue_impl.h"

void mw_qmsg_clear(struct qmsg *m)
{
	unsigned i;

	free(m->sender);
	free(m->reason);
	free(m->user);
	free(m->script);
	free(m->sasl);
	free(m->client);
	for (i = 0; i < m->n_domains; i++)
		free(m->domains[i]);
	memset(m, 0, sizeof(*m));
	m->uid = -1;
}

void mw_qlist_free(struct qlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		mw_qmsg_clear(&l->m[i]);
	free(l->m);
	memset(l, 0, sizeof(*l));
}

struct qmsg *mw_qlist_push(struct qlist *l)
{
	struct qmsg *m;

	if (l->n >= QMAX_MESSAGES)
		return NULL;
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 256;
		struct qmsg *p = realloc(l->m, na * sizeof(*p));

		if (!p)
			return NULL;
		l->m = p;
		l->alloc = na;
	}
	m = &l->m[l->n++];
	memset(m, 0, sizeof(*m));
	m->uid = -1;
	return m;
}

char *mw_qfield_dup(const char *s, size_t n)
{
	char *d;

	if (n > QMAX_FIELD)
		n = QMAX_FIELD;
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

enum mw_err mw_qmsg_add_domain(struct qmsg *m, const char *a, size_t n)
{
	const char *at = NULL;
	char dom[QMAX_FIELD + 1];
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	if (at) {
		n -= (size_t)(at + 1 - a);
		a = at + 1;
	} else {
		a = "(local)";
		n = 7;
	}
	for (i = 0; i < n && k < QMAX_FIELD; i++) {
		if (a[i] == '>' && i == n - 1)
			break;
		dom[k++] = (char)mw_ascii_lower((unsigned char)a[i]);
	}
	dom[k] = '\0';
	for (i = 0; i < m->n_domains; i++)
		if (strcmp(m->domains[i], dom) == 0)
			return MW_OK;
	if (m->n_domains == QMAX_DOMAINS)
		return MW_OK;	/* counted per message: the first few suffice */
	m->domains[m->n_domains] = strdup(dom);
	if (!m->domains[m->n_domains])
		return MW_ERR_NOMEM;
	m->n_domains++;
	return MW_OK;
}

/*
 * The words remote MXes put in their replies. Blocklists first: "421 ...
 * blocked using zen.spamhaus.org, try again later" is a listing, not a
 * throttle. Matched on a lower-cased copy of the first QMAX_REASON bytes.
 */
static const char *const blocklist_words[] = {
	"blocked using", "blacklist", "blocklist", "block list", "black list",
	"dnsbl", "rbl", "spamhaus", "spamcop", "barracuda", "uceprotect", "sorbs",
	"abuseat", "listed at", "listed in", "listed on", "listed by", "s3150",
	"poor reputation", "bad reputation", "denylist",
};
static const char *const throttle_words[] = {
	"rate limit", "ratelimit", "rate-limit", "too many", "throttl",
	"try again later", "temporarily deferred", "temporarily rate",
	"exceeded", "slow down", "4.7.28", "4.7.0", "greylist", "graylist",
	"unusual rate", "too fast",
};
static const char *const unknown_user_words[] = {
	"user unknown", "unknown user", "no such user", "does not exist",
	"mailbox unavailable", "mailbox not found", "invalid recipient",
	"recipient address rejected", "unknown recipient", "5.1.1",
	"no mailbox", "address rejected", "undeliverable address",
};
static const char *const connect_words[] = {
	"connection refused", "connection timed out", "network is unreachable",
	"no route to host", "host not found", "lost connection", "connect to",
	"name service error", "conversation with", "delivery temporarily suspended",
	"mail transport unavailable",
};

static int any(const char *low, const char *const *w, size_t nw)
{
	size_t i;

	for (i = 0; i < nw; i++)
		if (strstr(low, w[i]))
			return 1;
	return 0;
}

#define NW(a) (sizeof(a) / sizeof((a)[0]))

enum qreason mw_qreason_classify(const char *s, size_t n)
{
	char low[QMAX_REASON + 1];
	size_t i;

	if (n == 0)
		return QR_NONE;
	if (n > QMAX_REASON)
		n = QMAX_REASON;
	for (i = 0; i < n; i++)
		low[i] = s[i] ? (char)mw_ascii_lower((unsigned char)s[i]) : ' ';
	low[n] = '\0';
	if (any(low, blocklist_words, NW(blocklist_words)))
		return QR_BLOCKLIST;
	if (any(low, unknown_user_words, NW(unknown_user_words)))
		return QR_UNKNOWN_USER;
	if (any(low, throttle_words, NW(throttle_words)))
		return QR_THROTTLE;
	if (any(low, connect_words, NW(connect_words)))
		return QR_CONNECT;
	return QR_OTHER;
}

enum mw_err mw_qmsg_set_reason(struct qmsg *m, const char *s, size_t n)
{
	if (m->reason || n == 0)
		return MW_OK;
	if (n > QMAX_REASON)
		n = QMAX_REASON;
	m->reason = mw_qfield_dup(s, n);
	if (!m->reason)
		return MW_ERR_NOMEM;
	m->reason_class = mw_qreason_classify(s, n);
	return MW_OK;
}

const char *mw_qreason_name(enum qreason c)
{
	static const char *const names[QR__COUNT] = {
		"none", "blocklist", "throttle", "unknown-user", "connect", "other",
	};

	return (unsigned)c < QR__COUNT ? names[c] : "other";
}

const char *mw_qname_str(enum qname q)
{
	static const char *const names[QN__COUNT] = {
		"active", "deferred", "hold", "incoming", "maildrop", "frozen", "other",
	};

	return (unsigned)q < QN__COUNT ? names[q] : "other";
}

int mw_qmsg_is_bounce(const struct qmsg *m)
{
	return !m->sender || m->sender[0] == '\0' || strcmp(m->sender, "<>") == 0 ||
	       strncasecmp(m->sender, "MAILER-DAEMON", 13) == 0;
}
