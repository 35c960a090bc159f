/*
 * Sending domains and HELO names from the MTA's own printers (postconf,
 * exim -bP) through sysconf/mtakv.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/limits.h"
#include "scanner/reput/rp_run.h"
#include "sysconf/mta.h"

int mw_rp_names_add(struct rp_names *s, const char *name, size_t len,
		 const char *source)
{
	size_t max = s->max ? s->max : MW_REPUT_MAX_DOMAINS, i;
	struct rp_name *n;
	char tmp[RP_NAME_MAX];
	int dot = 0;

	if (len && name[len - 1] == '.')
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '-' && c != '.' && c != '_')
			return -1;
		if (c == '.') {
			if (i == 0 || name[i - 1] == '.')
				return -1;
			dot = 1;
		}
		tmp[i] = (char)tolower(c);
	}
	tmp[len] = '\0';
	if (!dot)
		return -1;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, tmp) == 0)
			return 0;
	if (s->n >= max || s->n >= MW_REPUT_MAX_DOMAINS) {
		s->dropped++;
		return 1;
	}
	n = &s->v[s->n++];
	memcpy(n->name, tmp, len + 1);
	snprintf(n->source, sizeof(n->source), "%s", source);
	return 0;
}

/*
 * 1 when name ends in a label that never reaches the public DNS
 * (localhost, localdomain, local, internal, lan, invalid, home.arpa): an
 * unconfigured host's default, not a domain receivers judge.
 */
static int private_name(const char *name, size_t n)
{
	static const char *const tld[] = { "localhost", "localdomain", "local",
		"internal", "lan", "invalid", "home.arpa" };
	size_t i, l;

	while (n && name[n - 1] == '.')
		n--;
	for (i = 0; i < sizeof(tld) / sizeof(tld[0]); i++) {
		l = strlen(tld[i]);
		if (n >= l && strncasecmp(name + n - l, tld[i], l) == 0 &&
		    (n == l || name[n - l - 1] == '.'))
			return 1;
	}
	return 0;
}

void mw_rp_names_add_found(struct rp_names *s, const char *v, size_t n, const char *src,
			struct mw_strlist *notes)
{
	char msg[400];

	if (private_name(v, n)) {
		snprintf(msg, sizeof(msg), "%s: %.*s is not a public name: not checked",
			 src, (int)(n > 200 ? 200 : n), v);
		(void)mw_strlist_add(notes, msg);
		return;
	}
	(void)mw_rp_names_add(s, v, n, src);
}

/* Every word of a Postfix list value; tables and files are named in a
 * note (their keys are not read). */
static void add_list(struct rp_names *s, const char *v, const char *param,
		     struct mw_strlist *notes)
{
	char src[96], msg[256];

	snprintf(src, sizeof(src), "postfix %s", param);
	while (*v) {
		size_t n;

		v += strspn(v, " \t,");
		n = strcspn(v, " \t,");
		if (!n)
			break;
		if (memchr(v, ':', n) || v[0] == '/' || v[0] == '$') {
			snprintf(msg, sizeof(msg), "postfix %s: %.*s is a table: its domains are "
				 "not checked; give them with --domain", param, (int)(n > 120 ? 120 : n), v);
			(void)mw_strlist_add(notes, msg);
		} else {
			mw_rp_names_add_found(s, v, n, src, notes);
		}
		v += n;
	}
}

static void postfix(const char *dir, struct rp_names *domains, struct rp_names *helo,
		    struct mw_strlist *notes)
{
	static const char *const params[] = { "myorigin", "mydomain", "myhostname",
		"virtual_alias_domains", "virtual_mailbox_domains" };
	static const char *const x[] = { "-x", NULL };
	struct mw_kvlist kv = { 0 };
	char err[300];
	const char *v;
	size_t i;

	/* postconf prints defaults (the host name) for a Postfix that was
	 * never configured: nothing of that is sent as */
	if (mw_postfix_state(dir) != MW_POSTFIX_PRESENT)
		return;
	if (mw_postconf_kv(dir, x, &kv, err, sizeof(err)) != MW_OK) {
		(void)mw_strlist_add(notes, err);
	} else {
		for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
			if ((v = mw_kv_get(&kv, params[i])))
				add_list(domains, v, params[i], notes);
		if ((v = mw_kv_get(&kv, "smtp_helo_name")) && *v)
			mw_rp_names_add_found(helo, v, strlen(v), "postfix smtp_helo_name", notes);
	}
	mw_kv_free(&kv);
}

static void exim(struct rp_names *domains, struct rp_names *helo,
		 struct mw_strlist *notes)
{
	static const char *const args[] = { "-bP", "primary_hostname", "qualify_domain",
					    NULL };
	struct mw_kvlist kv = { 0 };
	char path[MW_MAX_PATH], err[300];
	const char *v, *prog = mw_exim_program(NULL, path, sizeof(path));

	if (!prog)
		return;
	if (mw_exim_kv(prog, args, &kv, err, sizeof(err)) != MW_OK) {
		(void)mw_strlist_add(notes, err);
	} else {
		if ((v = mw_kv_get(&kv, "qualify_domain")) && *v)
			mw_rp_names_add_found(domains, v, strlen(v), "exim qualify_domain", notes);
		if ((v = mw_kv_get(&kv, "primary_hostname")) && *v) {
			mw_rp_names_add_found(domains, v, strlen(v), "exim primary_hostname", notes);
			/* helo_data defaults to $primary_hostname */
			mw_rp_names_add_found(helo, v, strlen(v), "exim helo_data (default)", notes);
		}
	}
	mw_kv_free(&kv);
}

void mw_rp_mta_discover(const char *postfix_dir, struct rp_names *domains,
		     struct rp_names *helo, struct mw_strlist *notes)
{
	postfix(postfix_dir, domains, helo, notes);
	if (!postfix_dir)
		exim(domains, helo, notes);
}
