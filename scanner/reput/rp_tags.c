/*
 * Tag lists and the DMARC and DKIM key records (rp_tags.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/reput/rp_tags.h"

static int fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int mw_rp_tags_parse(const char *text, struct rp_tag *tags, char *err, size_t errlen)
{
	const char *p = text;
	int n = 0, k;

	for (;;) {
		const char *end = strchr(p, ';'), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p), nl, vl;
		const char *name, *value;

		name = p;
		nl = len;
		while (nl && fws(*name)) {
			name++;
			nl--;
		}
		if (nl == 0 && !end)
			return n;	/* end, or a trailing ';' */
		eq = memchr(name, '=', nl);
		if (!eq) {
			snprintf(err, errlen, "tag without '=': '%.*s'", (int)(nl > 40 ? 40 : nl), name);
			return -1;
		}
		value = eq + 1;
		vl = nl - (size_t)(value - name);
		nl = (size_t)(eq - name);
		while (nl && fws(name[nl - 1]))
			nl--;
		while (vl && fws(*value)) {
			value++;
			vl--;
		}
		while (vl && fws(value[vl - 1]))
			vl--;
		if (nl == 0 || !isalpha((unsigned char)name[0])) {
			snprintf(err, errlen, "malformed tag name '%.*s'", (int)(nl > 40 ? 40 : nl), name);
			return -1;
		}
		for (k = 0; k < (int)nl; k++) {
			if (!isalnum((unsigned char)name[k]) && name[k] != '_') {
				snprintf(err, errlen, "malformed tag name '%.*s'",
					 (int)(nl > 40 ? 40 : nl), name);
				return -1;
			}
		}
		for (k = 0; k < n; k++) {
			if (tags[k].name_len == nl && memcmp(tags[k].name, name, nl) == 0) {
				snprintf(err, errlen, "tag '%.*s' given twice", (int)nl, name);
				return -1;
			}
		}
		if (n >= RP_MAX_TAGS) {
			snprintf(err, errlen, "more than %d tags", RP_MAX_TAGS);
			return -1;
		}
		tags[n].name = name;
		tags[n].name_len = nl;
		tags[n].value = value;
		tags[n].value_len = vl;
		n++;
		if (!end)
			return n;
		p = end + 1;
	}
}

const struct rp_tag *mw_rp_tag_get(const struct rp_tag *tags, int n, const char *name)
{
	size_t nl = strlen(name);
	int i;

	for (i = 0; i < n; i++)
		if (tags[i].name_len == nl && memcmp(tags[i].name, name, nl) == 0)
			return &tags[i];
	return NULL;
}

static int value_is(const struct rp_tag *t, const char *v)
{
	return t->value_len == strlen(v) && strncasecmp(t->value, v, t->value_len) == 0;
}

static int policy(const struct rp_tag *t, char *dst, size_t len)
{
	static const char *const ok[] = { "none", "quarantine", "reject" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (value_is(t, ok[i])) {
			snprintf(dst, len, "%s", ok[i]);
			return 0;
		}
	}
	return -1;
}

/* A decimal 0..max of at most 10 digits: the value, else -1. */
static long number(const struct rp_tag *t, long max)
{
	long v = 0;
	size_t i;

	if (t->value_len == 0 || t->value_len > 10)
		return -1;
	for (i = 0; i < t->value_len; i++) {
		if (!isdigit((unsigned char)t->value[i]))
			return -1;
		v = v * 10 + (t->value[i] - '0');
	}
	return v <= max ? v : -1;
}

static int bad(char *err, size_t errlen, const struct rp_tag *t, const char *why)
{
	snprintf(err, errlen, "%.*s=%.*s: %s", (int)t->name_len, t->name,
		 (int)(t->value_len > 60 ? 60 : t->value_len), t->value, why);
	return -1;
}

int mw_dmarc_parse(const char *text, struct dmarc_record *rec, char *err, size_t errlen)
{
	struct rp_tag tags[RP_MAX_TAGS];
	const struct rp_tag *t;
	int n;

	memset(rec, 0, sizeof(*rec));
	rec->adkim = rec->aspf = 'r';
	rec->pct = 100;
	n = mw_rp_tags_parse(text, tags, err, errlen);
	if (n < 0)
		return -1;
	if (n == 0 || tags[0].name_len != 1 || tags[0].name[0] != 'v' ||
	    tags[0].value_len != 6 || memcmp(tags[0].value, "DMARC1", 6) != 0) {
		snprintf(err, errlen, "does not start with v=DMARC1");
		return -1;
	}
	t = mw_rp_tag_get(tags, n, "p");
	if (!t) {
		snprintf(err, errlen, "no p= (policy) tag");
		return -1;
	}
	if (policy(t, rec->p, sizeof(rec->p)) != 0)
		return bad(err, errlen, t, "policy must be none, quarantine or reject");
	if ((t = mw_rp_tag_get(tags, n, "sp")) && policy(t, rec->sp, sizeof(rec->sp)) != 0)
		return bad(err, errlen, t, "policy must be none, quarantine or reject");
	if ((t = mw_rp_tag_get(tags, n, "adkim"))) {
		if (!value_is(t, "r") && !value_is(t, "s"))
			return bad(err, errlen, t, "must be r or s");
		rec->adkim = (char)tolower((unsigned char)t->value[0]);
	}
	if ((t = mw_rp_tag_get(tags, n, "aspf"))) {
		if (!value_is(t, "r") && !value_is(t, "s"))
			return bad(err, errlen, t, "must be r or s");
		rec->aspf = (char)tolower((unsigned char)t->value[0]);
	}
	if ((t = mw_rp_tag_get(tags, n, "pct"))) {
		long v = number(t, 100);

		if (v < 0)
			return bad(err, errlen, t, "must be a number from 0 to 100");
		rec->pct = (int)v;
	}
	if ((t = mw_rp_tag_get(tags, n, "ri")) && number(t, 4294967295L) < 0)
		return bad(err, errlen, t, "must be a number of seconds");
	if ((t = mw_rp_tag_get(tags, n, "fo"))) {
		size_t i;

		for (i = 0; i < t->value_len; i++)
			if (!strchr("01ds: \t", t->value[i]))
				return bad(err, errlen, t, "must be 0, 1, d or s (colon-separated)");
	}
	if ((t = mw_rp_tag_get(tags, n, "rua"))) {
		if (t->value_len < 7 || strncasecmp(t->value, "mailto:", 7) != 0)
			return bad(err, errlen, t, "must be mailto: addresses");
		snprintf(rec->rua, sizeof(rec->rua), "%.*s", (int)t->value_len, t->value);
	}
	return 0;
}

int mw_dkim_key_parse(const char *text, struct dkim_key *key, char *err, size_t errlen)
{
	struct rp_tag tags[RP_MAX_TAGS];
	const struct rp_tag *t;
	size_t i;
	int n;

	memset(key, 0, sizeof(*key));
	snprintf(key->k, sizeof(key->k), "rsa");
	n = mw_rp_tags_parse(text, tags, err, errlen);
	if (n < 0)
		return -1;
	if ((t = mw_rp_tag_get(tags, n, "v")) &&
	    (t != &tags[0] || t->value_len != 5 || memcmp(t->value, "DKIM1", 5) != 0)) {
		snprintf(err, errlen, "v= must be DKIM1 and come first");
		return -1;
	}
	if ((t = mw_rp_tag_get(tags, n, "k"))) {
		if (t->value_len == 0 || t->value_len >= sizeof(key->k))
			return bad(err, errlen, t, "unknown key type");
		snprintf(key->k, sizeof(key->k), "%.*s", (int)t->value_len, t->value);
	}
	t = mw_rp_tag_get(tags, n, "p");
	if (!t) {
		snprintf(err, errlen, "no p= (public key) tag");
		return -1;
	}
	for (i = 0; i < t->value_len; i++)
		if (!isalnum((unsigned char)t->value[i]) && !strchr("+/= \t\r\n", t->value[i]))
			return bad(err, errlen, t, "not base64");
	key->p = t->value;
	key->p_len = t->value_len;
	return 0;
}
