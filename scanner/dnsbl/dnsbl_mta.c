/*
 * Sending addresses the MTA is told to use: Postfix smtp_bind_address(6)
 * in main.cf and as -o overrides in master.cf, Exim's smtp transport
 * "interface" option. The programs' own printers are used (postconf -x,
 * exim -bP) so that includes, macros and defaults are resolved as the MTA
 * resolves them; their output is parsed here with fixed limits.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "core/spawn.h"
#include "scanner/dnsbl/dnsbl.h"

#define MTA_OUTPUT_CAP	(1u << 20)	/* postconf/exim -bP output kept */
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

void mw_dnsbl_parse_postconf(const char *text, size_t len,
			     const char *label_prefix,
			     struct mw_dnsbl_addrs *set, unsigned *bad)
{
	const char *line, *eq, *name, *slash;
	char label[MAX_LABEL];
	struct mw_lines it;
	size_t n, nl, vl;
	int overlong;

	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		if (overlong)
			continue;
		eq = memchr(line, '=', n);
		if (!eq)
			continue;
		nl = (size_t)(eq - line);
		name = trim(line, &nl);
		/* "service/type/parameter" from postconf -P */
		slash = NULL;
		for (size_t i = 0; i < nl; i++)
			if (name[i] == '/')
				slash = name + i;
		{
			const char *param = slash ? slash + 1 : name;
			size_t pl = nl - (size_t)(param - name);

			if (!((pl == 17 && !memcmp(param, "smtp_bind_address", 17)) ||
			      (pl == 18 && !memcmp(param, "smtp_bind_address6", 18))))
				continue;
			if (slash)
				snprintf(label, sizeof(label), "%s master.cf %.*s -o %.*s",
					 label_prefix, (int)(slash - name), name,
					 (int)pl, param);
			else
				snprintf(label, sizeof(label), "%s main.cf %.*s",
					 label_prefix, (int)pl, param);
		}
		vl = n - (size_t)(eq + 1 - line);
		{
			const char *v = trim(eq + 1, &vl);

			if (vl == 0)
				continue;	/* not set: the kernel chooses */
			if (add_item(set, v, vl, label) != 0 && bad)
				(*bad)++;
		}
	}
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

void mw_dnsbl_parse_exim(const char *text, size_t len,
			 struct mw_dnsbl_addrs *set, unsigned *bad)
{
	char transport[64] = "?", label[MAX_LABEL];
	const char *line, *eq;
	struct mw_lines it;
	size_t n, kl, vl;
	int overlong;

	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		const char *k, *v;

		if (overlong)
			continue;
		eq = memchr(line, '=', n);
		if (!eq) {
			/* "name:" or "name transport:" opens a driver block */
			kl = n;
			k = trim(line, &kl);
			if (kl > 1 && k[kl - 1] == ':') {
				kl--;
				if (kl > 10 && !memcmp(k + kl - 10, " transport", 10))
					kl -= 10;
				snprintf(transport, sizeof(transport), "%.*s", (int)kl, k);
			}
			continue;
		}
		kl = (size_t)(eq - line);
		k = trim(line, &kl);
		if (kl != 9 || memcmp(k, "interface", 9) != 0)
			continue;
		vl = n - (size_t)(eq + 1 - line);
		v = trim(eq + 1, &vl);
		if (vl == 0)
			continue;
		snprintf(label, sizeof(label), "exim transport %s interface", transport);
		if (memchr(v, '$', vl)) {
			/* an expansion: its value is only known at delivery */
			if (bad)
				(*bad)++;
			continue;
		}
		if (bad)
			*bad += exim_list(v, vl, set, label);
		else
			(void)exim_list(v, vl, set, label);
	}
}

static void note(struct mw_strlist *notes, const char *fmt, const char *a)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, a);
	(void)mw_strlist_add(notes, msg);
}

/* Run argv; 0 with the output in out when it exited 0. */
static int run_tool(const char *const argv[], struct mw_buf *out,
		    struct mw_strlist *notes)
{
	struct mw_spawn_result res;
	struct mw_buf err;
	char msg[256];

	mw_buf_init(&err, 4096);
	if (mw_spawn_capture(argv, NULL, 0, out, MTA_OUTPUT_CAP, &err,
			     MW_CMD_TIMEOUT_MS, &res) != MW_OK) {
		mw_buf_free(&err);
		note(notes, "could not run %s", argv[0]);
		return -1;
	}
	if (res.timed_out || !res.exited || res.status != 0) {
		size_t el = err.len;
		const char *e = mw_buf_str(&err);

		while (el && (e[el - 1] == '\n' || e[el - 1] == '\r'))
			el--;
		if (res.timed_out)
			snprintf(msg, sizeof(msg), "%s timed out", argv[0]);
		else
			snprintf(msg, sizeof(msg), "%s failed with status %d%s%.*s",
				 argv[0], res.status, el ? ": " : "",
				 (int)(el > 160 ? 160 : el), e);
		(void)mw_strlist_add(notes, msg);
		mw_buf_free(&err);
		return -1;
	}
	mw_buf_free(&err);
	return 0;
}

void mw_dnsbl_discover_mta(const char *postfix_confdir,
			   struct mw_dnsbl_addrs *set, struct mw_strlist *notes)
{
	char path[MW_MAX_PATH], cnt[32];
	const char *argv[8];
	struct mw_buf out;
	unsigned bad = 0;
	int argc;

	mw_buf_init(&out, MTA_OUTPUT_CAP);
	if (mw_find_program("postconf", path, sizeof(path)) == 0) {
		argc = 0;
		argv[argc++] = "postconf";
		if (postfix_confdir) {
			argv[argc++] = "-c";
			argv[argc++] = postfix_confdir;
		}
		argv[argc++] = "-x";
		argv[argc++] = "smtp_bind_address";
		argv[argc++] = "smtp_bind_address6";
		argv[argc] = NULL;
		if (run_tool(argv, &out, notes) != 0)
			goto exim;	/* not configured: -P would fail the same way */
		mw_dnsbl_parse_postconf(out.data ? out.data : "", out.len,
					"postfix", set, &bad);
		mw_buf_reset(&out);
		argc = 0;
		argv[argc++] = "postconf";
		if (postfix_confdir) {
			argv[argc++] = "-c";
			argv[argc++] = postfix_confdir;
		}
		argv[argc++] = "-P";
		argv[argc++] = "-x";
		argv[argc] = NULL;
		if (run_tool(argv, &out, notes) == 0)
			mw_dnsbl_parse_postconf(out.data ? out.data : "", out.len,
						"postfix", set, &bad);
		mw_buf_reset(&out);
		if (bad) {
			snprintf(cnt, sizeof(cnt), "%u", bad);
			note(notes, "postfix: %s smtp_bind_address setting(s) hold no "
			     "usable address", cnt);
		}
	} else if (postfix_confdir) {
		note(notes, "postconf not found; %s not read", postfix_confdir);
	}

exim:
	mw_buf_reset(&out);
	bad = 0;
	if (mw_find_program("exim", path, sizeof(path)) == 0 ||
	    mw_find_program("exim4", path, sizeof(path)) == 0) {
		argv[0] = path;
		argv[1] = "-bP";
		argv[2] = "transports";
		argv[3] = NULL;
		if (run_tool(argv, &out, notes) == 0)
			mw_dnsbl_parse_exim(out.data ? out.data : "", out.len, set, &bad);
		if (bad) {
			snprintf(cnt, sizeof(cnt), "%u", bad);
			note(notes, "exim: %s interface setting(s) are expansions or not "
			     "addresses; give the sending address with --ip", cnt);
		}
	}
	mw_buf_free(&out);
}
