#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/users.h"
#include "firewall/fw_policy.h"

/* nft(8) breaks set elements after every fifth one. */
#define NFT_ELEMS_PER_LINE 5

const char *mw_fw_uid_set_name(const struct fw_policy *p)
{
	return p->mode == MW_FW_ALLOW_LIST ? "allowed_uids" : "blocked_uids";
}

const char *mw_fw_rule_comment(const struct fw_policy *p, unsigned i)
{
	if (p->mode == MW_FW_ALLOW_LIST)
		return i == FW_RULE_LOG ?
			"mailwarden: log SMTP attempts of users other than the MTA" :
			"mailwarden: only the MTA may connect to SMTP ports";
	return i == FW_RULE_LOG ?
		"mailwarden: log SMTP attempts of web users" :
		"mailwarden: web users may not connect to SMTP ports";
}

void mw_fw_policy_init(struct fw_policy *p, enum mw_fw_mode mode)
{
	memset(p, 0, sizeof(*p));
	p->mode = mode;
}

void mw_fw_policy_free(struct fw_policy *p)
{
	free(p->users);
	p->users = NULL;
	p->nusers = p->alloc = 0;
}

/* Index where uid is or would be inserted (users are kept sorted). */
static size_t uid_slot(const struct fw_policy *p, uid_t uid)
{
	size_t lo = 0, hi = p->nusers;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->users[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int mw_fw_policy_has_uid(const struct fw_policy *p, uid_t uid)
{
	size_t i = uid_slot(p, uid);

	return i < p->nusers && p->users[i].uid == uid;
}

enum mw_err mw_fw_policy_add_uid(struct fw_policy *p, uid_t uid, const char *name,
			      const char *source)
{
	struct fw_user *u;
	size_t i = uid_slot(p, uid);

	if (i < p->nusers && p->users[i].uid == uid)
		return MW_OK;
	if (p->nusers >= FW_MAX_USERS)
		return MW_ERR_LIMIT;
	if (p->nusers == p->alloc) {
		size_t na = p->alloc ? p->alloc * 2 : 16;

		u = realloc(p->users, na * sizeof(*u));
		if (!u)
			return MW_ERR_NOMEM;
		p->users = u;
		p->alloc = na;
	}
	memmove(&p->users[i + 1], &p->users[i], (p->nusers - i) * sizeof(*u));
	u = &p->users[i];
	memset(u, 0, sizeof(*u));
	u->uid = uid;
	snprintf(u->name, sizeof(u->name), "%s", name ? name : "");
	snprintf(u->source, sizeof(u->source), "%s", source ? source : "");
	p->nusers++;
	return MW_OK;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

enum mw_err mw_fw_policy_set_ports(struct fw_policy *p, const struct mw_strlist *ports,
				char *err, size_t errlen)
{
	unsigned long v;
	size_t i, j;

	p->nports = 0;
	for (i = 0; i < ports->n; i++) {
		if (parse_uint(ports->v[i], 65535, &v) || v == 0) {
			snprintf(err, errlen, "[firewall] ports: '%s' is not a port number (1-65535)",
				 ports->v[i]);
			return MW_ERR_CONFIG;
		}
		for (j = 0; j < p->nports && p->ports[j] < v; j++)
			;
		if (j < p->nports && p->ports[j] == v)
			continue;
		if (p->nports >= FW_MAX_PORTS) {
			snprintf(err, errlen, "[firewall] ports: more than %d ports", FW_MAX_PORTS);
			return MW_ERR_CONFIG;
		}
		memmove(&p->ports[j + 1], &p->ports[j], (p->nports - j) * sizeof(p->ports[0]));
		p->ports[j] = (uint16_t)v;
		p->nports++;
	}
	if (!p->nports) {
		snprintf(err, errlen, "[firewall] ports: empty; at least one port is needed");
		return MW_ERR_CONFIG;
	}
	return MW_OK;
}

int mw_fw_resolve_user(const char *spec, uid_t *uid, char *name, size_t namelen)
{
	unsigned long v;

	if (name && namelen)
		name[0] = '\0';
	if (!spec || !*spec)
		return -1;
	/* uid_t -1 is "no uid" to the kernel; refuse it. */
	if (spec[0] == '#' && parse_uint(spec + 1, 0xfffffffeul, &v) == 0) {
		*uid = (uid_t)v;
	} else if (parse_uint(spec, 0xfffffffeul, &v) == 0) {
		*uid = (uid_t)v;
	} else {
		if (mw_user_uid(spec, uid))
			return -1;
		if (name && namelen)
			snprintf(name, namelen, "%s", spec);
		return 0;
	}
	if (name && namelen) {
		mw_user_name(*uid, name, namelen);
		/* mw_user_name writes the number when there is no entry. */
		if (parse_uint(name, 0xfffffffful, &v) == 0)
			name[0] = '\0';
	}
	return 0;
}

static enum mw_err put_elements(struct mw_buf *out, const unsigned long *v, size_t n)
{
	enum mw_err e;
	size_t i;

	if (!n)
		return MW_OK;
	e = mw_buf_puts(out, "\t\telements = { ");
	for (i = 0; !e && i < n; i++) {
		if (i)
			e = mw_buf_puts(out, i % NFT_ELEMS_PER_LINE ? ", " : ",\n\t\t\t     ");
		if (!e)
			e = mw_buf_printf(out, "%lu", v[i]);
	}
	if (!e)
		e = mw_buf_puts(out, " }\n");
	return e;
}

enum mw_err mw_fw_policy_render(const struct fw_policy *p, struct mw_buf *out)
{
	unsigned long *v;
	enum mw_err e;
	const char *inv = p->mode == MW_FW_ALLOW_LIST ? "!= " : "";
	char match[256];
	size_t i, n = p->nusers > p->nports ? p->nusers : p->nports;

	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return MW_ERR_NOMEM;
	e = mw_buf_printf(out, "table %s %s {\n\tset %s {\n\t\ttype inet_service\n",
			  FW_FAMILY_NAME, FW_TABLE, FW_SET_PORTS);
	for (i = 0; i < p->nports; i++)
		v[i] = p->ports[i];
	if (!e)
		e = put_elements(out, v, p->nports);
	if (!e)
		e = mw_buf_printf(out, "\t}\n\n\tset %s {\n\t\ttype uid\n", mw_fw_uid_set_name(p));
	for (i = 0; i < p->nusers; i++)
		v[i] = p->users[i].uid;
	if (!e)
		e = put_elements(out, v, p->nusers);
	free(v);
	snprintf(match, sizeof(match), "tcp dport @%s %smeta skuid %s@%s",
		 FW_SET_PORTS, p->allow_loopback ? "oif != \"lo\" " : "", inv,
		 mw_fw_uid_set_name(p));
	if (!e)
		e = mw_buf_printf(out, "\t}\n\n\tchain %s {\n"
				  "\t\ttype filter hook output priority filter; policy accept;\n",
				  FW_CHAIN);
	if (!e)
		e = mw_buf_printf(out, "\t\t%s limit rate %d/minute counter packets 0 bytes 0 "
				  "log prefix \"%s\" flags skuid comment \"%s\"\n",
				  match, FW_LOG_RATE, FW_LOG_PREFIX,
				  mw_fw_rule_comment(p, FW_RULE_LOG));
	if (!e)
		e = mw_buf_printf(out, "\t\t%s counter packets 0 bytes 0 reject with tcp reset "
				  "comment \"%s\"\n", match, mw_fw_rule_comment(p, FW_RULE_REJECT));
	if (!e)
		e = mw_buf_puts(out, "\t}\n}\n");
	return e;
}
