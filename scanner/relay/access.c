/*
 * access(5) tables in restriction lists: which check_*_access looks at
 * input the client chooses, and whether a table can answer OK (read from
 * its postmap source, regexp:/pcre: file, inline:{} or static:). Used by
 * the relay audit (config_audit.c) to find sender-based and similar
 * relays.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/relay/access.h"

const char *mw_access_input(const char *restr, size_t n)
{
	static const struct { const char *name, *input; } t[] = {
		{ "check_sender_access", "the envelope sender (MAIL FROM)" },
		{ "check_sender_mx_access", "the envelope sender's domain (its MX)" },
		{ "check_sender_ns_access", "the envelope sender's domain (its NS)" },
		{ "check_sender_a_access", "the envelope sender's domain (its A record)" },
		{ "check_helo_access", "the HELO/EHLO name" },
		{ "check_helo_mx_access", "the HELO/EHLO name (its MX)" },
		{ "check_helo_ns_access", "the HELO/EHLO name (its NS)" },
		{ "check_helo_a_access", "the HELO/EHLO name (its A record)" },
		{ "check_recipient_access", "the recipient address (RCPT TO)" },
		{ "check_recipient_mx_access", "the recipient's domain (its MX)" },
		{ "check_recipient_ns_access", "the recipient's domain (its NS)" },
		{ "check_recipient_a_access", "the recipient's domain (its A record)" },
		{ "check_client_access", "the client host name (its reverse DNS)" },
		{ "check_reverse_client_hostname_access", "the client's reverse DNS name" },
		{ "check_client_mx_access", "the client host name (its MX)" },
		{ "check_client_ns_access", "the client host name (its NS)" },
		{ "check_client_a_access", "the client host name (its A record)" },
		{ "check_reverse_client_hostname_mx_access", "the client's reverse DNS name" },
		{ "check_reverse_client_hostname_ns_access", "the client's reverse DNS name" },
		{ "check_reverse_client_hostname_a_access", "the client's reverse DNS name" },
		{ "check_etrn_access", "the ETRN argument" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i].name) == n && strncmp(restr, t[i].name, n) == 0)
			return t[i].input;
	return NULL;
}

/* An access(5) action that permits: OK, all-numerical, permit[_*]. */
static int action_permits(const char *a, size_t n)
{
	size_t i;

	while (n && (*a == ' ' || *a == '\t')) {
		a++;
		n--;
	}
	if (n >= 2 && strncasecmp(a, "OK", 2) == 0 && (n == 2 || isspace((unsigned char)a[2])))
		return 1;
	if (n >= 6 && strncasecmp(a, "permit", 6) == 0)
		return 1;
	/* all-numerical is OK; "550 text" is a reject with that code */
	while (n && isspace((unsigned char)a[n - 1]))
		n--;
	for (i = 0; i < n && isdigit((unsigned char)a[i]); i++)
		;
	return i && i == n;
}

static void copy_field(char *dst, const char *src, size_t n)
{
	if (n >= MW_ACCESS_MAX_ENTRY)
		n = MW_ACCESS_MAX_ENTRY - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	while (n && isspace((unsigned char)dst[n - 1]))
		dst[--n] = '\0';
}

/* An address or network key (check_client_access 192.0.2.7): the client
 * does not choose it, so OK there is trust by address, like mynetworks. */
static int key_is_address(const char *k)
{
	struct mw_ip net;
	unsigned prefix;

	return mw_ipnet_parse(k, &net, &prefix) == 0 ||
	       strspn(k, "0123456789.") == strlen(k) ||
	       strspn(k, "0123456789abcdefABCDEF:") == strlen(k);
}

/* 1 when domain d (length n) is in one of the domain lists Postfix
 * delivers locally or relays on purpose for (effective values). */
static int domain_is_ours(const struct mw_relay_postfix *pf, const char *d, size_t n)
{
	static const char *const lists[] = {
		"mydestination", "virtual_mailbox_domains", "virtual_alias_domains",
		"relay_domains", NULL
	};
	size_t i;

	for (i = 0; pf && lists[i]; i++) {
		const char *p = mw_kv_get(&pf->effective, lists[i]);

		while (p && *p) {
			size_t l;

			p += strspn(p, " \t,");
			l = strcspn(p, " \t,");
			if (l == n && strncasecmp(p, d, n) == 0)
				return 1;
			p += l;
		}
	}
	return 0;
}

static int key_ignored(const struct mw_access_filter *kf, const char *key, int regex)
{
	const char *at;

	if (regex)
		return 0;
	if (kf->client && key_is_address(key))
		return 1;
	if (kf->recipient) {
		/* "user@domain" or "domain": mail to our own domains is not
		 * relayed; "user@" matches every domain and is reported */
		at = strrchr(key, '@');
		at = at ? at + 1 : key;
		return *at && domain_is_ours(kf->pf, at, strlen(at));
	}
	return 0;
}

/*
 * Find the first entry of a table source file that permits. regexp: and
 * pcre: lines are "/pattern/flags action"; indexed tables (hash, lmdb,
 * cdb, btree, dbm, texthash) are "key action" as postmap reads them, with
 * continuation lines starting with blanks. Returns 1 and fills *ok when
 * one is found, 0 when none, -1 when the file cannot be read.
 */
static int table_first_ok(const char *path, int regex, const struct mw_access_filter *kf,
			  struct mw_access_ok *ok)
{
	struct mw_lines it;
	struct mw_buf b;
	const char *l;
	size_t n;
	unsigned long pending_line = 0;
	int overlong, found = 0;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_read_file_at(AT_FDCWD, path, &b, MW_MAX_TEXT_FILE, NULL, NULL) != MW_OK) {
		mw_buf_free(&b);
		return -1;
	}
	mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
	while (!found && mw_lines_next(&it, &l, &n, &overlong)) {
		size_t k = 0, ks, ke;

		if (n && isspace((unsigned char)l[0]) && pending_line) {
			/* "key" alone, its action on a continuation line */
			while (k < n && isspace((unsigned char)l[k]))
				k++;
			if (action_permits(l + k, n - k) &&
			    !key_ignored(kf, ok->key, regex)) {
				copy_field(ok->action, l + k, n - k);
				ok->line = pending_line;
				found = 1;
			}
			pending_line = 0;
			continue;
		}
		pending_line = 0;
		if (!n || l[0] == '#' || isspace((unsigned char)l[0]))
			continue;
		if (regex) {
			char delim = l[0] == '!' && n > 1 ? l[1] : l[0];

			if (strncasecmp(l, "if", 2) == 0 || strncasecmp(l, "endif", 5) == 0)
				continue;
			k = l[0] == '!' ? 2 : 1;
			while (k < n && l[k] != delim)
				k += l[k] == '\\' ? 2 : 1;
			if (k >= n)
				continue;
			ks = 0;
			ke = ++k;
			while (k < n && !isspace((unsigned char)l[k]))
				k++;	/* flags */
		} else {
			ks = 0;
			while (k < n && !isspace((unsigned char)l[k]))
				k++;
			ke = k;
		}
		while (k < n && isspace((unsigned char)l[k]))
			k++;
		if (k == n) {
			copy_field(ok->key, l + ks, ke - ks);
			pending_line = it.lineno;
			continue;
		}
		if (!action_permits(l + k, n - k))
			continue;
		copy_field(ok->key, l + ks, ke - ks);
		if (key_ignored(kf, ok->key, regex))
			continue;
		copy_field(ok->action, l + k, n - k);
		ok->line = it.lineno;
		found = 1;
	}
	mw_buf_free(&b);
	return found;
}

int mw_access_table_can_permit(const char *tab, size_t n, const struct mw_access_filter *kf,
			    struct mw_access_ok *ok, char *tpath, size_t tplen,
			    const char **why)
{
	static const char *const indexed[] = {
		"hash:", "lmdb:", "cdb:", "btree:", "dbm:", "sdbm:", "texthash:", NULL
	};
	char t[MW_MAX_PATH];
	size_t i, tl;
	int rc;

	snprintf(t, sizeof(t), "%.*s", (int)(n < sizeof(t) ? n : sizeof(t) - 1), tab);
	memset(ok, 0, sizeof(*ok));
	tpath[0] = '\0';
	if (strncasecmp(t, "static:", 7) == 0) {
		const char *v = t + 7 + (t[7] == '{');

		copy_field(ok->key, "(every key)", 11);
		copy_field(ok->action, v, strcspn(v, "}"));
		return action_permits(v, strcspn(v, "}"));
	}
	if (strncasecmp(t, "inline:{", 8) == 0) {
		const char *p = t + 8;

		/* inline:{ key=value, { key = text with blanks } } */
		while (*p && *p != '}') {
			size_t en;
			const char *eq;

			p += strspn(p, " \t,{");
			en = strcspn(p, ",}");
			eq = memchr(p, '=', en);
			if (eq && action_permits(eq + 1, en - (size_t)(eq + 1 - p))) {
				copy_field(ok->key, p, (size_t)(eq - p));
				copy_field(ok->action, eq + 1, en - (size_t)(eq + 1 - p));
				if (!key_ignored(kf, ok->key, 0))
					return 1;
			}
			p += en;
			if (*p == '}' && p[1] && p[1] != '}')
				p++;	/* end of a { key = value } group */
		}
		return 0;
	}
	for (i = 0; indexed[i]; i++) {
		tl = strlen(indexed[i]);
		if (strncasecmp(t, indexed[i], tl) == 0)
			break;
	}
	if (indexed[i] || strncasecmp(t, "regexp:", 7) == 0 || strncasecmp(t, "pcre:", 5) == 0) {
		int regex = !indexed[i];
		const char *file = strchr(t, ':') + 1;

		snprintf(tpath, tplen, "%s", file);
		rc = table_first_ok(file, regex, kf, ok);
		if (rc < 0)
			*why = "its source file cannot be read";
		return rc;
	}
	*why = "mailwarden does not read this kind of table (database, proxy, "
	       "socketmap)";
	snprintf(tpath, tplen, "%s", t);
	return -1;
}
