/*
 * SPF records (RFC 7208): parsing, macro expansion, check_host() and the
 * lookup count receivers judge a record by. The parser only points into
 * the record text and never allocates, so the fuzzer drives it directly.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/netaddr.h"
#include "scanner/reput/rp_dns.h"
#include "scanner/reput/rp_spf.h"

#define SPF_NAME_MAX	254	/* a domain name in text form, with NUL */

int mw_spf_is_record(const char *txt)
{
	return strncasecmp(txt, "v=spf1", 6) == 0 && (txt[6] == ' ' || txt[6] == '\0');
}

int mw_spf_kind_queries(enum spf_kind k)
{
	return k == SPF_INCLUDE || k == SPF_A || k == SPF_MX || k == SPF_PTR ||
	       k == SPF_EXISTS || k == SPF_REDIRECT;
}

static int is_delim(char c)
{
	return c && strchr(".-+,/_=", c) != NULL;
}

/*
 * Length of the macro-expand at s[0..n) (s[0] == '%'), 0 when malformed.
 * exp_letters: also accept c, r, t (allowed in exp= text only).
 */
static size_t macro_len(const char *s, size_t n, int exp_letters)
{
	size_t i = 2;
	char l;

	if (n < 2)
		return 0;
	if (s[1] == '%' || s[1] == '_' || s[1] == '-')
		return 2;
	if (s[1] != '{' || n < 4)
		return 0;
	l = (char)tolower((unsigned char)s[2]);
	if (!strchr("slodiphv", l) && !(exp_letters && strchr("crt", l)))
		return 0;
	for (i = 3; i < n && isdigit((unsigned char)s[i]); i++)
		;
	if (i < n && (s[i] == 'r' || s[i] == 'R'))
		i++;
	while (i < n && is_delim(s[i]))
		i++;
	return i < n && s[i] == '}' ? i + 1 : 0;
}

/*
 * A domain-spec (macro-string domain-end): visible characters and valid
 * macros, ending with a macro or a dotted name whose top label is not
 * all digits.
 */
static int valid_domain_spec(const char *s, size_t n)
{
	size_t i, last_macro_end = 0, top;
	int alpha = 0;

	if (n == 0 || n > 253 + 64)
		return 0;
	for (i = 0; i < n;) {
		if (s[i] == '%') {
			size_t m = macro_len(s + i, n - i, 0);

			if (!m)
				return 0;
			i += m;
			last_macro_end = i;
			continue;
		}
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
		i++;
	}
	if (last_macro_end == n)
		return 1;
	if (s[n - 1] == '.')
		n--;
	for (top = n; top > 0 && s[top - 1] != '.'; top--)
		;
	if (top == 0 || top == n || top < last_macro_end)
		return last_macro_end && top < last_macro_end;
	for (i = top; i < n; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '-')
			return 0;
	}
	return alpha && s[top] != '-' && s[n - 1] != '-';
}

/* "/N" with N in 0..max, no leading zero; returns the characters used. */
static size_t cidr(const char *s, size_t n, int max, int *out)
{
	size_t i = 1;
	int v = 0;

	if (n < 2 || s[0] != '/' || !isdigit((unsigned char)s[1]))
		return 0;
	if (s[1] == '0' && n > 2 && isdigit((unsigned char)s[2]))
		return 0;
	while (i < n && isdigit((unsigned char)s[i]) && i < 5)
		v = v * 10 + (s[i++] - '0');
	if (v > max)
		return 0;
	*out = v;
	return i;
}

/* ip4-cidr-length / "//" ip6-cidr-length / both: all of s[0..n) or -1. */
static int dual_cidr(const char *s, size_t n, struct spf_term *t)
{
	size_t u;

	if (n == 0)
		return 0;
	if (n >= 2 && s[0] == '/' && s[1] == '/')
		return cidr(s + 1, n - 1, 128, &t->cidr6) == n - 1 ? 0 : -1;
	u = cidr(s, n, 32, &t->cidr4);
	if (!u)
		return -1;
	if (u == n)
		return 0;
	if (n - u >= 3 && s[u] == '/' && s[u + 1] == '/')
		return cidr(s + u + 1, n - u - 1, 128, &t->cidr6) == n - u - 1 ? 0 : -1;
	return -1;
}

static int ip_net(const char *s, size_t n, int v6, struct spf_term *t)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	size_t al = 0;

	while (al < n && s[al] != '/')
		al++;
	if (al == 0 || al >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, al);
	tmp[al] = '\0';
	memset(&t->net, 0, sizeof(t->net));
	t->net.family = v6 ? AF_INET6 : AF_INET;
	if (inet_pton(t->net.family, tmp, t->net.a) != 1)
		return -1;
	if (al == n)
		return 0;
	return cidr(s + al, n - al, v6 ? 128 : 32, v6 ? &t->cidr6 : &t->cidr4) == n - al ?
	       0 : -1;
}

static const struct {
	const char *name;
	enum spf_kind kind;
} mechs[] = {
	{ "all", SPF_ALL }, { "include", SPF_INCLUDE }, { "a", SPF_A },
	{ "mx", SPF_MX }, { "ptr", SPF_PTR }, { "ip4", SPF_IP4 },
	{ "ip6", SPF_IP6 }, { "exists", SPF_EXISTS },
};

/* One mechanism s[0..n) (qualifier included) into t; 0 or -1 with err. */
static int parse_mechanism(const char *s, size_t n, struct spf_term *t,
			   char *err, size_t errlen)
{
	size_t nl = 0, k;
	const char *rest;
	size_t rl;

	t->qual = '+';
	if (n && strchr("+-~?", s[0])) {
		t->qual = s[0];
		s++;
		n--;
	}
	while (nl < n && s[nl] != ':' && s[nl] != '/')
		nl++;
	for (k = 0; k < sizeof(mechs) / sizeof(mechs[0]); k++)
		if (strlen(mechs[k].name) == nl && strncasecmp(s, mechs[k].name, nl) == 0)
			break;
	if (k == sizeof(mechs) / sizeof(mechs[0])) {
		snprintf(err, errlen, "unknown mechanism '%.*s'", (int)(nl > 40 ? 40 : nl), s);
		return -1;
	}
	t->kind = mechs[k].kind;
	rest = s + nl;
	rl = n - nl;
	switch (t->kind) {
	case SPF_ALL:
		if (rl == 0)
			return 0;
		break;
	case SPF_INCLUDE:
	case SPF_EXISTS:
		if (rl > 1 && rest[0] == ':' && valid_domain_spec(rest + 1, rl - 1)) {
			t->spec = rest + 1;
			t->spec_len = rl - 1;
			return 0;
		}
		break;
	case SPF_A:
	case SPF_MX:
	case SPF_PTR: {
		size_t sl = 0;

		if (rl && rest[0] == ':') {
			while (1 + sl < rl && rest[1 + sl] != '/')
				sl++;
			if (!valid_domain_spec(rest + 1, sl))
				break;
			t->spec = rest + 1;
			t->spec_len = sl;
			rest += 1 + sl;
			rl -= 1 + sl;
		}
		if (t->kind == SPF_PTR ? rl == 0 : dual_cidr(rest, rl, t) == 0)
			return 0;
		break;
	}
	case SPF_IP4:
	case SPF_IP6:
		if (rl > 1 && rest[0] == ':' &&
		    ip_net(rest + 1, rl - 1, t->kind == SPF_IP6, t) == 0)
			return 0;
		break;
	default:
		break;
	}
	snprintf(err, errlen, "malformed term '%.*s'", (int)(n > 80 ? 80 : n), s);
	return -1;
}

static int is_modifier(const char *s, size_t n, size_t *eq)
{
	size_t i;

	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] == '=') {
			*eq = i;
			return 1;
		}
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return 0;
	}
	return 0;
}

/* A macro-string (exp= and unknown modifiers): visible bytes and macros. */
static int valid_macro_string(const char *s, size_t n)
{
	size_t i, m;

	for (i = 0; i < n;) {
		if (s[i] == '%') {
			if (!(m = macro_len(s + i, n - i, 1)))
				return 0;
			i += m;
		} else if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) {
			return 0;
		} else {
			i++;
		}
	}
	return 1;
}

int mw_spf_parse(const char *txt, struct spf_record *rec, char *err, size_t errlen)
{
	const char *p;

	rec->n = 0;
	rec->redirect = rec->exp = -1;
	if (!mw_spf_is_record(txt)) {
		snprintf(err, errlen, "not an SPF record (must start with v=spf1)");
		return -1;
	}
	for (p = txt + 6;;) {
		struct spf_term *t;
		size_t n = 0, eq;

		while (*p == ' ')
			p++;
		if (!*p)
			return 0;
		while (p[n] && p[n] != ' ')
			n++;
		if (rec->n >= SPF_MAX_TERMS) {
			snprintf(err, errlen, "more than %d terms", SPF_MAX_TERMS);
			return -1;
		}
		t = &rec->t[rec->n];
		memset(t, 0, sizeof(*t));
		t->text = p;
		t->text_len = n;
		t->cidr4 = t->cidr6 = -1;
		if (is_modifier(p, n, &eq)) {
			int redirect = eq == 8 && strncasecmp(p, "redirect", 8) == 0;
			int exp = eq == 3 && strncasecmp(p, "exp", 3) == 0;

			t->spec = p + eq + 1;
			t->spec_len = n - eq - 1;
			t->kind = redirect ? SPF_REDIRECT : exp ? SPF_EXP : SPF_UNKNOWN_MOD;
			if ((redirect || exp) ? !valid_domain_spec(t->spec, t->spec_len) :
						!valid_macro_string(t->spec, t->spec_len)) {
				snprintf(err, errlen, "malformed modifier '%.*s'",
					 (int)(n > 80 ? 80 : n), p);
				return -1;
			}
			if ((redirect && rec->redirect >= 0) || (exp && rec->exp >= 0)) {
				snprintf(err, errlen, "%s= appears twice", redirect ? "redirect" : "exp");
				return -1;
			}
			if (redirect)
				rec->redirect = (int)rec->n;
			if (exp)
				rec->exp = (int)rec->n;
		} else if (parse_mechanism(p, n, t, err, errlen) != 0) {
			return -1;
		}
		rec->n++;
		p += n;
	}
}

/* ------------------------------------------------------------- macros */

/* The value of macro letter l into dst. */
static void macro_value(char l, const struct mw_ip *ip, const char *sender,
			const char *domain, const char *helo, char *dst, size_t len)
{
	const char *at = strrchr(sender, '@');

	switch (l) {
	case 's':
		snprintf(dst, len, "%s", sender);
		break;
	case 'l':
		snprintf(dst, len, "%.*s", at ? (int)(at - sender) : 10,
			 at ? sender : "postmaster");
		break;
	case 'o':
		snprintf(dst, len, "%s", at ? at + 1 : sender);
		break;
	case 'd':
		snprintf(dst, len, "%s", domain);
		break;
	case 'i':
	case 'c':
		if (ip->family == AF_INET) {
			snprintf(dst, len, "%u.%u.%u.%u", ip->a[0], ip->a[1], ip->a[2], ip->a[3]);
		} else {
			size_t k, u = 0;

			for (k = 0; k < 32 && u + 2 < len; k++) {
				unsigned nib = (ip->a[k / 2] >> (k % 2 ? 0 : 4)) & 15;

				dst[u++] = "0123456789abcdef"[nib];
				if (k < 31)
					dst[u++] = '.';
			}
			dst[u] = '\0';
		}
		break;
	case 'v':
		snprintf(dst, len, "%s", ip->family == AF_INET ? "in-addr" : "ip6");
		break;
	case 'h':
		snprintf(dst, len, "%s", helo ? helo : domain);
		break;
	case 't':
		snprintf(dst, len, "0");
		break;
	default:	/* p, r: the validated name is not worth the lookups */
		snprintf(dst, len, "unknown");
		break;
	}
}

/* Split v on delims, optionally reverse, keep the rightmost keep parts
 * (0 = all), join with '.', append to dst at *u. -1 when it does not fit. */
static int macro_transform(const char *v, const char *delims, size_t ndelims,
			   int reverse, unsigned keep, char *dst, size_t len, size_t *u)
{
	const char *part[128];
	size_t plen[128], np = 0, i, first;
	const char *s = v;

	for (;;) {
		size_t n = 0;

		while (s[n] && !(ndelims ? memchr(delims, s[n], ndelims) != NULL : s[n] == '.'))
			n++;
		if (np < 128) {
			part[np] = s;
			plen[np++] = n;
		}
		if (!s[n])
			break;
		s += n + 1;
	}
	if (reverse) {
		for (i = 0; i < np / 2; i++) {
			const char *tp = part[i];
			size_t tl = plen[i];

			part[i] = part[np - 1 - i];
			plen[i] = plen[np - 1 - i];
			part[np - 1 - i] = tp;
			plen[np - 1 - i] = tl;
		}
	}
	first = keep && keep < np ? np - keep : 0;
	for (i = first; i < np; i++) {
		if (*u + plen[i] + 2 > len)
			return -1;
		if (i > first)
			dst[(*u)++] = '.';
		memcpy(dst + *u, part[i], plen[i]);
		*u += plen[i];
	}
	dst[*u] = '\0';
	return 0;
}

int mw_spf_expand(const char *spec, size_t len, const struct mw_ip *ip,
	       const char *sender, const char *domain, const char *helo,
	       char *dst, size_t dstlen)
{
	char out[1024], val[600];
	size_t i = 0, u = 0;

	while (i < len) {
		size_t m;

		if (spec[i] != '%') {
			if (u + 2 > sizeof(out))
				return -1;
			out[u++] = spec[i++];
			continue;
		}
		if (!(m = macro_len(spec + i, len - i, 1)))
			return -1;
		if (m == 2) {
			const char *lit = spec[i + 1] == '%' ? "%" : spec[i + 1] == '_' ? " " : "%20";

			if (u + strlen(lit) + 1 > sizeof(out))
				return -1;
			memcpy(out + u, lit, strlen(lit));
			u += strlen(lit);
		} else {
			size_t k = i + 3, dstart;
			unsigned keep = 0;
			int rev = 0;

			for (; isdigit((unsigned char)spec[k]); k++)
				if (keep < 1000)	/* more labels than a name has */
					keep = keep * 10 + (unsigned)(spec[k] - '0');
			if (k > i + 3 && keep == 0)
				return -1;	/* "%{d0}" */
			if (spec[k] == 'r' || spec[k] == 'R') {
				rev = 1;
				k++;
			}
			dstart = k;
			macro_value((char)tolower((unsigned char)spec[i + 2]), ip, sender,
				    domain, helo, val, sizeof(val));
			if (macro_transform(val, spec + dstart, i + m - 1 - dstart, rev, keep,
					    out, sizeof(out), &u) != 0)
				return -1;
		}
		i += m;
	}
	out[u] = '\0';
	/* longer than a name may be: drop labels from the left */
	{
		const char *o = out;

		while (strlen(o) > 253 && strchr(o, '.'))
			o = strchr(o, '.') + 1;
		if (strlen(o) > 253 || strlen(o) + 1 > dstlen)
			return -1;
		memcpy(dst, o, strlen(o) + 1);
	}
	return 0;
}

/* ----------------------------------------------------------- check_host */

const char *mw_spf_result_name(enum spf_result r)
{
	static const char *const names[] = { "none", "neutral", "pass", "fail",
		"softfail", "temperror", "permerror" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

int mw_spf_fetch(struct rp_dns *dns, const char *domain, const char **txt,
	      enum mw_dns_status *st)
{
	const struct rp_answer *a = mw_rp_dns_get(dns, domain, RP_TXT);
	size_t i, found = 0;

	*st = a->status;
	*txt = NULL;
	if (mw_rp_dns_is_void(a->status))
		return 1;
	if (a->status != MW_DNS_ANSWER)
		return -1;
	for (i = 0; i < a->n; i++) {
		if (mw_spf_is_record(a->v[i])) {
			if (!found++)
				*txt = a->v[i];
		}
	}
	return found == 0 ? 1 : found == 1 ? 0 : 2;
}

struct ev {
	struct rp_dns *dns;
	const struct mw_ip *ip;
	const char *sender;
	unsigned lookups, voids;
	int depth;
	char *why;
	size_t whylen;
};

static enum spf_result fail_with(struct ev *e, enum spf_result r, const char *domain,
				 const char *what)
{
	snprintf(e->why, e->whylen, "%s: %s", domain, what);
	return r;
}

static int ip_in(const struct mw_ip *ip, const struct mw_ip *net, int bits)
{
	if (ip->family != net->family)
		return 0;
	return mw_prefix_match(ip->a, net->a, (unsigned)bits);
}

/* Does name's A/AAAA set contain the sending address (within bits)?
 * 1 yes, 0 no, -1 temporary failure, -2 void. */
static int addr_match(struct ev *e, const char *name, int bits)
{
	const struct rp_answer *a = mw_rp_dns_get(e->dns, name,
					       e->ip->family == AF_INET ? RP_A : RP_AAAA);
	size_t i;

	if (mw_rp_dns_is_void(a->status))
		return -2;
	if (a->status != MW_DNS_ANSWER)
		return -1;
	for (i = 0; i < a->n; i++)
		if (ip_in(e->ip, &a->ip[i], bits))
			return 1;
	return 0;
}

static enum spf_result check(struct ev *e, const char *domain);

/* Term t of domain's record: 1 match, 0 no match, -1 with *res set. */
static int match_term(struct ev *e, const char *domain, const struct spf_term *t,
		      const char *target, enum spf_result *res)
{
	int bits = e->ip->family == AF_INET ? (t->cidr4 >= 0 ? t->cidr4 : 32) :
					      (t->cidr6 >= 0 ? t->cidr6 : 128);
	const struct rp_answer *a;
	size_t i;
	int m;

	switch (t->kind) {
	case SPF_ALL:
		return 1;
	case SPF_IP4:
	case SPF_IP6:
		return ip_in(e->ip, &t->net, t->kind == SPF_IP4 ?
			     (t->cidr4 >= 0 ? t->cidr4 : 32) : (t->cidr6 >= 0 ? t->cidr6 : 128));
	case SPF_INCLUDE: {
		enum spf_result r;

		e->depth++;
		r = check(e, target);
		e->depth--;
		switch (r) {
		case SPF_PASS:
			return 1;
		case SPF_FAIL:
		case SPF_SOFTFAIL:
		case SPF_NEUTRAL:
			return 0;
		case SPF_NONE:
			*res = fail_with(e, SPF_PERMERROR, domain, "include: target has no SPF record");
			return -1;
		default:
			*res = r;
			return -1;
		}
	}
	case SPF_A:
		m = addr_match(e, target, bits);
		break;
	case SPF_EXISTS:
		a = mw_rp_dns_get(e->dns, target, RP_A);
		m = a->status == MW_DNS_ANSWER ? 1 : mw_rp_dns_is_void(a->status) ? -2 : -1;
		break;
	case SPF_MX:
		a = mw_rp_dns_get(e->dns, target, RP_MX);
		if (mw_rp_dns_is_void(a->status)) {
			m = -2;
			break;
		}
		if (a->status != MW_DNS_ANSWER) {
			m = -1;
			break;
		}
		if (a->n > SPF_MAX_MXPTR) {
			*res = fail_with(e, SPF_PERMERROR, domain, "mx: more than 10 MX names");
			return -1;
		}
		for (i = 0, m = 0; i < a->n && m != 1; i++) {
			int r = addr_match(e, a->v[i], bits);

			if (r == -1) {
				m = -1;
				break;
			}
			m = r == 1;
		}
		break;
	case SPF_PTR: {
		char rev[MW_DNSBL_QNAME_MAX];

		if (mw_dnsbl_qname(e->ip, e->ip->family == AF_INET ? "in-addr.arpa" :
				   "ip6.arpa", rev, sizeof(rev)) != MW_OK)
			return 0;
		a = mw_rp_dns_get(e->dns, rev, RP_PTR);
		if (a->status != MW_DNS_ANSWER) {
			m = mw_rp_dns_is_void(a->status) ? -2 : 0;	/* RFC 5.5: no temperror */
			break;
		}
		for (i = 0, m = 0; i < a->n && i < SPF_MAX_MXPTR && !m; i++) {
			size_t nl = strlen(a->v[i]), tl = strlen(target);

			if (!(nl == tl || (nl > tl && a->v[i][nl - tl - 1] == '.')) ||
			    strcasecmp(a->v[i] + nl - tl, target) != 0)
				continue;
			m = addr_match(e, a->v[i], e->ip->family == AF_INET ? 32 : 128) == 1;
		}
		break;
	}
	default:
		return 0;
	}
	if (m == -2) {
		if (++e->voids > SPF_MAX_VOID) {
			*res = fail_with(e, SPF_PERMERROR, domain,
					 "more than 2 lookups returned no answer (void lookup limit)");
			return -1;
		}
		return 0;
	}
	if (m == -1) {
		char what[300];

		snprintf(what, sizeof(what), "DNS failure while looking up %s", target);
		*res = fail_with(e, SPF_TEMPERROR, domain, what);
		return -1;
	}
	return m;
}

static enum spf_result qual_result(char q)
{
	return q == '-' ? SPF_FAIL : q == '~' ? SPF_SOFTFAIL : q == '?' ? SPF_NEUTRAL : SPF_PASS;
}

static enum spf_result check(struct ev *e, const char *domain)
{
	struct spf_record rec;
	enum mw_dns_status st;
	const char *txt;
	char err[160], target[SPF_NAME_MAX];
	size_t i;
	int rc;

	if (e->depth > SPF_MAX_DEPTH)
		return fail_with(e, SPF_PERMERROR, domain, "include/redirect nested too deep");
	rc = mw_spf_fetch(e->dns, domain, &txt, &st);
	if (rc < 0)
		return fail_with(e, SPF_TEMPERROR, domain, mw_dns_status_name(st));
	if (rc == 1)
		return fail_with(e, SPF_NONE, domain, "no SPF record");
	if (rc == 2)
		return fail_with(e, SPF_PERMERROR, domain, "more than one SPF record");
	if (mw_spf_parse(txt, &rec, err, sizeof(err)) != 0)
		return fail_with(e, SPF_PERMERROR, domain, err);
	for (i = 0; i < rec.n; i++) {
		const struct spf_term *t = &rec.t[i];
		enum spf_result res = SPF_PERMERROR;
		int m;

		if (t->kind == SPF_REDIRECT || t->kind == SPF_EXP || t->kind == SPF_UNKNOWN_MOD)
			continue;
		if (mw_spf_kind_queries(t->kind) && ++e->lookups > SPF_MAX_LOOKUPS)
			return fail_with(e, SPF_PERMERROR, domain,
					 "more than 10 DNS-querying terms (lookup limit)");
		if (t->spec ? mw_spf_expand(t->spec, t->spec_len, e->ip, e->sender, domain, NULL,
					 target, sizeof(target)) != 0 :
			      snprintf(target, sizeof(target), "%s", domain) >= (int)sizeof(target))
			return fail_with(e, SPF_PERMERROR, domain, "a macro does not expand");
		m = match_term(e, domain, t, target, &res);
		if (m < 0)
			return res;
		if (m) {
			snprintf(e->why, e->whylen, "%s: matched '%.*s'", domain,
				 (int)t->text_len, t->text);
			return qual_result(t->qual);
		}
	}
	if (rec.redirect >= 0) {
		const struct spf_term *t = &rec.t[rec.redirect];
		enum spf_result r;

		if (++e->lookups > SPF_MAX_LOOKUPS)
			return fail_with(e, SPF_PERMERROR, domain,
					 "more than 10 DNS-querying terms (lookup limit)");
		if (mw_spf_expand(t->spec, t->spec_len, e->ip, e->sender, domain, NULL,
			       target, sizeof(target)) != 0)
			return fail_with(e, SPF_PERMERROR, domain, "a macro does not expand");
		e->depth++;
		r = check(e, target);
		e->depth--;
		return r == SPF_NONE ?
		       fail_with(e, SPF_PERMERROR, domain, "redirect= target has no SPF record") : r;
	}
	return fail_with(e, SPF_NEUTRAL, domain, "no term matched (default neutral)");
}

void mw_spf_check_host(struct rp_dns *dns, const struct mw_ip *ip,
		    const char *domain, const char *sender, struct spf_eval *out)
{
	struct ev e = { 0 };

	e.dns = dns;
	e.ip = ip;
	e.sender = sender;
	e.why = out->why;
	e.whylen = sizeof(out->why);
	out->why[0] = '\0';
	out->result = check(&e, domain);
	out->lookups = e.lookups;
	out->voids = e.voids;
}

static unsigned count(struct rp_dns *dns, const char *domain, int depth, unsigned total)
{
	struct spf_record rec;
	enum mw_dns_status st;
	const char *txt;
	char err[8], target[SPF_NAME_MAX];
	size_t i;
	int has_all = 0;

	if (depth > SPF_MAX_DEPTH || mw_spf_fetch(dns, domain, &txt, &st) != 0 ||
	    mw_spf_parse(txt, &rec, err, sizeof(err)) != 0)
		return total;
	for (i = 0; i < rec.n; i++)
		has_all |= rec.t[i].kind == SPF_ALL;
	for (i = 0; i < rec.n && total < SPF_COUNT_CAP; i++) {
		const struct spf_term *t = &rec.t[i];

		if (!mw_spf_kind_queries(t->kind) || (t->kind == SPF_REDIRECT && has_all))
			continue;
		total++;
		if ((t->kind == SPF_INCLUDE || t->kind == SPF_REDIRECT) &&
		    !memchr(t->spec, '%', t->spec_len) && t->spec_len < sizeof(target)) {
			memcpy(target, t->spec, t->spec_len);
			target[t->spec_len] = '\0';
			total = count(dns, target, depth + 1, total);
		}
	}
	return total < SPF_COUNT_CAP ? total : SPF_COUNT_CAP;
}

unsigned mw_spf_count_lookups(struct rp_dns *dns, const char *domain)
{
	return count(dns, domain, 0, 0);
}
