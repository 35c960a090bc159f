/*
 * Sending addresses the MTA is told to use: Postfix smtp_bind_address(6)
 * in main.cf and as -o overrides in master.cf, Exim's smtp transport
 * "interface" option. The programs' own printers are used (postconf -x,
 * exim -bP) so that includes, macros and defaults are resolved as the MTA
 * resolves them, and read by sysconf/mtakv.c; here, the addresses in it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/dnsbl/dnsbl.h"
#include "sysconf/mta.h"

#define MAX_LABEL	160

enum mw_err mw_dnsbl_addrs_add(struct mw_dnsbl_addrs *set,
			       const struct mw_ip *ip, const char *source)
{
	struct mw_dnsbl_addr *a = NULL;
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (mw_ip_equal(&set->v[i].ip, ip)) {
			a = &set->v[i];
			break;
		}
	}
	if (!a) {
		if (set->n >= MW_DNSBL_MAX_IPS) {
			set->dropped++;
			return MW_ERR_LIMIT;
		}
		a = &set->v[set->n++];
		memset(a, 0, sizeof(*a));
		a->ip = *ip;
		mw_ip_format(ip, a->text, sizeof(a->text));
		a->cls = mw_ip_classify(ip);
	}
	if (!source)
		return MW_OK;
	for (i = 0; i < a->nsources; i++)
		if (strcmp(a->sources[i], source) == 0)
			return MW_OK;
	if (a->nsources >= MW_DNSBL_MAX_SOURCES)
		return MW_OK;
	if (mw_strlist_add(&a->owned, source) != MW_OK)
		return MW_ERR_NOMEM;
	a->sources[a->nsources++] = a->owned.v[a->owned.n - 1];
	return MW_OK;
}

void mw_dnsbl_addrs_free(struct mw_dnsbl_addrs *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		mw_strlist_clear(&set->v[i].owned);
	set->n = 0;
}

/* Trim blanks at both ends of s[0..*n); returns the new start. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
		(*n)--;
	return s;
}

/*
 * Parse one address item (brackets around IPv6 tolerated) and add it.
 * Returns 0 when added, -1 when the item is not an address.
 */
static int add_item(struct mw_dnsbl_addrs *set, const char *p, size_t n,
		    const char *label)
{
	char tmp[MW_DNSBL_IPSTR_MAX + 2];
	struct mw_ip ip;

	p = trim(p, &n);
	if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
		p++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (mw_ip_parse(tmp, &ip, NULL, 0) != MW_OK)
		return -1;
	(void)mw_dnsbl_addrs_add(set, &ip, label);
	return 0;
}

/* The parameter of a postconf name: "smtp_bind_address" from main.cf or
 * "service/type/smtp_bind_address" from postconf -P. */
static const char *param_of(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash ? slash + 1 : name;
}

/* Add the addresses of the smtp_bind_address(6) pairs of kv. */
static void postconf_addrs(const struct mw_kvlist *kv, const char *label_prefix,
			   struct mw_dnsbl_addrs *set, unsigned *bad)
{
	char label[MAX_LABEL];
	size_t i;

	for (i = 0; i < kv->n; i++) {
		const char *name = kv->v[i].name, *v = kv->v[i].value;
		const char *param = param_of(name);

		if (strcmp(param, "smtp_bind_address") != 0 &&
		    strcmp(param, "smtp_bind_address6") != 0)
			continue;
		if (!*v)
			continue;	/* not set: the kernel chooses */
		if (param != name)
			snprintf(label, sizeof(label), "%s master.cf %.*s -o %s",
				 label_prefix, (int)(param - 1 - name), name, param);
		else
			snprintf(label, sizeof(label), "%s main.cf %s",
				 label_prefix, param);
		if (add_item(set, v, strlen(v), label) != 0 && bad)
			(*bad)++;
	}
}

void mw_dnsbl_parse_postconf(const char *text, size_t len,
			     const char *label_prefix,
			     struct mw_dnsbl_addrs *set, unsigned *bad)
{
	struct mw_kvlist kv = { 0 };

	/* out of memory or too many pairs: judge what was parsed */
	(void)mw_kv_parse(text, len, &kv);
	postconf_addrs(&kv, label_prefix, set, bad);
	mw_kv_free(&kv);
}

/*
 * Split an Exim list value and add each address. Returns the number of
 * items that were not addresses.
 */
static unsigned exim_list(const char *v, size_t n, struct mw_dnsbl_addrs *set,
			  const char *label)
{
	char item[MW_DNSBL_IPSTR_MAX + 4];
	unsigned bad = 0;
	size_t il = 0, i = 0;
	char sep = ':';
	int overflow = 0;

	if (n >= 2 && v[0] == '<' && ispunct((unsigned char)v[1])) {
		sep = v[1];
		i = 2;
	}
	for (; i <= n; i++) {
		int end = i == n;
		char c = end ? 0 : v[i];

		if (!end && c == sep) {
			/* a doubled separator is a literal one */
			if (i + 1 < n && v[i + 1] == sep) {
				i++;
			} else {
				end = 1;
			}
		}
		if (end) {
			size_t tl = il;
			const char *t = trim(item, &tl);

			if (overflow || (tl && add_item(set, t, tl, label) != 0))
				bad++;
			il = 0;
			overflow = 0;
			continue;
		}
		if (il + 1 < sizeof(item))
			item[il++] = c;
		else
			overflow = 1;
	}
	return bad;
}

/* Add the addresses of the transports' "interface" pairs of kv. */
static void exim_addrs(const struct mw_kvlist *kv, struct mw_dnsbl_addrs *set,
		       unsigned *bad)
{
	char label[MAX_LABEL];
	size_t i;

	for (i = 0; i < kv->n; i++) {
		const char *v = kv->v[i].value;

		if (strcmp(kv->v[i].name, "interface") != 0 || !*v)
			continue;
		snprintf(label, sizeof(label), "exim transport %s interface",
			 kv->v[i].section ? kv->v[i].section : "?");
		if (strchr(v, '$')) {
			/* an expansion: its value is only known at delivery */
			if (bad)
				(*bad)++;
			continue;
		}
		if (bad)
			*bad += exim_list(v, strlen(v), set, label);
		else
			(void)exim_list(v, strlen(v), set, label);
	}
}

void mw_dnsbl_parse_exim(const char *text, size_t len,
			 struct mw_dnsbl_addrs *set, unsigned *bad)
{
	struct mw_kvlist kv = { 0 };

	(void)mw_kv_parse(text, len, &kv);
	exim_addrs(&kv, set, bad);
	mw_kv_free(&kv);
}

static void note(struct mw_strlist *notes, const char *fmt, const char *a)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, a);
	(void)mw_strlist_add(notes, msg);
}

/* A kv answer, or its error as a note; 0 when it came. */
static int answered(enum mw_err e, const char *err, struct mw_strlist *notes)
{
	if (e != MW_OK) {
		(void)mw_strlist_add(notes, err);
		return -1;
	}
	return 0;
}

void mw_dnsbl_discover_mta(const char *postfix_confdir,
			   struct mw_dnsbl_addrs *set, struct mw_strlist *notes)
{
	static const char *const x[] = { "-x", NULL }, *const px[] = { "-P", "-x", NULL };
	static const char *const transports[] = { "-bP", "transports", NULL };
	char path[MW_MAX_PATH], cnt[32], err[300];
	struct mw_kvlist kv = { 0 };
	const char *exim;
	unsigned bad = 0;

	if (mw_postfix_state(postfix_confdir) != MW_POSTFIX_ABSENT) {
		if (answered(mw_postconf_kv(postfix_confdir, x, &kv, err, sizeof(err)), err,
			     notes) != 0)
			goto exim;	/* not configured: -P would fail the same way */
		postconf_addrs(&kv, "postfix", set, &bad);
		mw_kv_free(&kv);
		/* the master.cf overrides */
		if (answered(mw_postconf_kv(postfix_confdir, px, &kv, err, sizeof(err)), err,
			     notes) == 0)
			postconf_addrs(&kv, "postfix", set, &bad);
		mw_kv_free(&kv);
		if (bad) {
			snprintf(cnt, sizeof(cnt), "%u", bad);
			note(notes, "postfix: %s smtp_bind_address setting(s) hold no "
			     "usable address", cnt);
		}
	} else if (postfix_confdir) {
		note(notes, "postconf not found; %s not read", postfix_confdir);
	}

exim:
	mw_kv_free(&kv);
	bad = 0;
	if ((exim = mw_exim_program(NULL, path, sizeof(path)))) {
		if (answered(mw_exim_kv(exim, transports, &kv, err, sizeof(err)), err,
			     notes) == 0)
			exim_addrs(&kv, set, &bad);
		mw_kv_free(&kv);
		if (bad) {
			snprintf(cnt, sizeof(cnt), "%u", bad);
			note(notes, "exim: %s interface setting(s) are expansions or not "
			     "addresses; give the sending address with --ip", cnt);
		}
	}
}
