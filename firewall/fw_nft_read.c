/* Reading the kernel's ruleset and comparing it with the policy; fw_nft_int.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "firewall/fw_nft_int.h"

/* ---- reading --------------------------------------------------------- */

struct read_state {
	const struct fw_policy *p;
	struct fw_live *l;
	struct nftnl_rule *want[FW_NRULES];
	unsigned nrules;
	int found_ports, found_uids;
	int oom;
};

static void note_diff(struct fw_live *l, const char *fmt, const char *a)
{
	if (!l->diff[0])
		snprintf(l->diff, sizeof(l->diff), fmt, a);
}

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_state *st = data;
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t) {
		st->oom = 1;
		return MNL_CB_OK;
	}
	if (nftnl_table_nlmsg_parse(nlh, t) == 0 &&
	    nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY) == NFPROTO_INET &&
	    strcmp(nftnl_table_get_str(t, NFTNL_TABLE_NAME), FW_TABLE) == 0) {
		st->l->present = 1;
		/* A dormant table is there but none of its rules run. */
		if (nftnl_table_is_set(t, NFTNL_TABLE_FLAGS) &&
		    (nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS) & NFT_TABLE_F_DORMANT)) {
			st->l->dormant = 1;
			note_diff(st->l, "%s", "the table is dormant: its rules do not run");
		}
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

static int ours(const char *table)
{
	return table && strcmp(table, FW_TABLE) == 0;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_state *st = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *name, *type;

	if (!c) {
		st->oom = 1;
		return MNL_CB_OK;
	}
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0 ||
	    !ours(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE))) {
		nftnl_chain_free(c);
		return MNL_CB_OK;
	}
	name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	type = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE);
	if (name && strcmp(name, FW_CHAIN) == 0 &&
	    nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) &&
	    nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) == NF_INET_LOCAL_OUT &&
	    nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO) == 0 &&
	    type && strcmp(type, "filter") == 0 &&
	    nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_ACCEPT)
		st->l->chain_ok = 1;
	else
		note_diff(st->l, "unexpected chain '%s'", name ? name : "?");
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_state *st = data;
	struct nftnl_set *s = nftnl_set_alloc();
	const char *name;
	int uids;

	if (!s) {
		st->oom = 1;
		return MNL_CB_OK;
	}
	if (nftnl_set_nlmsg_parse(nlh, s) < 0 ||
	    !ours(nftnl_set_get_str(s, NFTNL_SET_TABLE))) {
		nftnl_set_free(s);
		return MNL_CB_OK;
	}
	name = nftnl_set_get_str(s, NFTNL_SET_NAME);
	uids = name && strcmp(name, mw_fw_uid_set_name(st->p)) == 0;
	if (name && (uids || strcmp(name, FW_SET_PORTS) == 0) &&
	    nftnl_set_get_u32(s, NFTNL_SET_KEY_TYPE) ==
		    (uids ? NFT_TYPE_UID : NFT_TYPE_INET_SERVICE) &&
	    nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN) ==
		    (uids ? sizeof(uint32_t) : sizeof(uint16_t)) &&
	    (nftnl_set_get_u32(s, NFTNL_SET_FLAGS) & ~NFT_SET_ANONYMOUS) == 0) {
		if (uids)
			st->found_uids = 1;
		else
			st->found_ports = 1;
	} else {
		note_diff(st->l, "unexpected set '%s'", name ? name : "?");
		st->l->sets_ok = 0;
	}
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_state *st = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;
	struct fw_live *l = st->l;
	const char *name;
	uint32_t klen;
	const void *key;
	int uids;

	if (!s) {
		st->oom = 1;
		return MNL_CB_OK;
	}
	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0) {
		nftnl_set_free(s);
		return MNL_CB_OK;
	}
	name = nftnl_set_get_str(s, NFTNL_SET_NAME);
	uids = name && strcmp(name, mw_fw_uid_set_name(st->p)) == 0;
	it = nftnl_set_elems_iter_create(s);
	while (it && (e = nftnl_set_elems_iter_next(it))) {
		key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &klen);
		if (!key)
			continue;
		if (uids && klen == sizeof(uint32_t)) {
			uint32_t *nu;

			if (l->nuids >= FW_MAX_USERS * 4u)
				continue;
			nu = realloc(l->uids, (l->nuids + 1) * sizeof(*nu));
			if (!nu) {
				st->oom = 1;
				break;
			}
			l->uids = nu;
			memcpy(&l->uids[l->nuids++], key, sizeof(uint32_t));
		} else if (!uids && klen == sizeof(uint16_t) && l->nports < FW_MAX_PORTS) {
			uint16_t port;

			memcpy(&port, key, sizeof(port));
			l->ports[l->nports++] = ntohs(port);
		}
	}
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

/* Expression lists equal, counter values aside. */
static int same_exprs(struct nftnl_rule *a, struct nftnl_rule *b)
{
	struct nftnl_expr_iter *ia = nftnl_expr_iter_create(a);
	struct nftnl_expr_iter *ib = nftnl_expr_iter_create(b);
	struct nftnl_expr *ea, *eb;
	char sa[512], sb[512];
	int same = ia && ib;

	while (same) {
		ea = nftnl_expr_iter_next(ia);
		eb = nftnl_expr_iter_next(ib);
		if (!ea || !eb) {
			same = !ea && !eb;
			break;
		}
		if (strcmp(nftnl_expr_get_str(ea, NFTNL_EXPR_NAME),
			   nftnl_expr_get_str(eb, NFTNL_EXPR_NAME)) != 0) {
			same = 0;
			break;
		}
		if (strcmp(nftnl_expr_get_str(ea, NFTNL_EXPR_NAME), "counter") == 0)
			continue;
		nftnl_expr_snprintf(sa, sizeof(sa), ea, NFTNL_OUTPUT_DEFAULT, 0);
		nftnl_expr_snprintf(sb, sizeof(sb), eb, NFTNL_OUTPUT_DEFAULT, 0);
		same = strcmp(sa, sb) == 0;
	}
	nftnl_expr_iter_destroy(ia);
	nftnl_expr_iter_destroy(ib);
	return same;
}

static int same_userdata(struct nftnl_rule *a, struct nftnl_rule *b)
{
	uint32_t la = 0, lb = 0;
	const void *da = nftnl_rule_get_data(a, NFTNL_RULE_USERDATA, &la);
	const void *db = nftnl_rule_get_data(b, NFTNL_RULE_USERDATA, &lb);

	if (!da || !db)
		return !da && !db;
	return la == lb && memcmp(da, db, la) == 0;
}

/* Counters of a live rule, told apart by its action (log or reject). */
static void take_counters(struct fw_live *l, struct nftnl_rule *r)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	uint64_t pk = 0, by = 0;
	int has_ctr = 0, is_log = 0, is_reject = 0;

	while (it && (e = nftnl_expr_iter_next(it))) {
		const char *n = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

		if (strcmp(n, "counter") == 0) {
			has_ctr = 1;
			pk = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
			by = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
		} else if (strcmp(n, "log") == 0) {
			is_log = 1;
		} else if (strcmp(n, "reject") == 0) {
			is_reject = 1;
		}
	}
	nftnl_expr_iter_destroy(it);
	if (!has_ctr)
		return;
	if (is_reject && !l->have_reject_counter) {
		l->have_reject_counter = 1;
		l->reject_packets = pk;
		l->reject_bytes = by;
	} else if (is_log && !l->have_log_counter) {
		l->have_log_counter = 1;
		l->log_packets = pk;
	}
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_state *st = data;
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r) {
		st->oom = 1;
		return MNL_CB_OK;
	}
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0 ||
	    !ours(nftnl_rule_get_str(r, NFTNL_RULE_TABLE))) {
		nftnl_rule_free(r);
		return MNL_CB_OK;
	}
	take_counters(st->l, r);
	if (st->nrules >= FW_NRULES) {
		st->l->rules_ok = 0;
		note_diff(st->l, "%s", "more rules than the policy has");
	} else if (!same_exprs(r, st->want[st->nrules]) ||
		   !same_userdata(r, st->want[st->nrules])) {
		st->l->rules_ok = 0;
		note_diff(st->l, "%s", "a rule differs from the policy");
	}
	st->nrules++;
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int dump(struct nl *n, uint16_t type, mnl_cb_t cb, struct read_state *st,
		void (*payload)(struct nlmsghdr *, const struct fw_policy *, int),
		int arg)
{
	struct nlmsghdr *nlh;

	nlh = nftnl_nlmsg_build_hdr(n->buf, type, NFPROTO_INET, NLM_F_DUMP, ++n->seq);
	if (payload)
		payload(nlh, st->p, arg);
	return mw_fw_nft_nl_query(n, nlh, cb, st);
}

static void payload_table_only(struct nlmsghdr *nlh, const struct fw_policy *p, int arg)
{
	struct nftnl_set *s = nftnl_set_alloc();

	(void)p;
	(void)arg;
	if (!s)
		return;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
}

static void payload_elems(struct nlmsghdr *nlh, const struct fw_policy *p, int uids)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, uids ? mw_fw_uid_set_name(p) : FW_SET_PORTS);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
}

static void payload_rules(struct nlmsghdr *nlh, const struct fw_policy *p, int arg)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	(void)p;
	(void)arg;
	if (!r)
		return;
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, FW_CHAIN);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
}

int mw_fw_live_matches(const struct fw_live *l)
{
	return l->present && !l->dormant && l->chain_ok && l->sets_ok && l->rules_ok &&
	       l->ports_ok && l->uids_ok;
}

void mw_fw_live_free(struct fw_live *l)
{
	free(l->uids);
	l->uids = NULL;
	l->nuids = 0;
}

static void compare_elems(const struct fw_policy *p, struct fw_live *l)
{
	size_t i;

	if (l->nuids > 1)
		qsort(l->uids, l->nuids, sizeof(l->uids[0]), cmp_u32);
	for (i = 1; i < l->nports; i++) {
		size_t j = i;

		while (j && l->ports[j - 1] > l->ports[j]) {
			uint16_t t = l->ports[j];

			l->ports[j] = l->ports[j - 1];
			l->ports[j - 1] = t;
			j--;
		}
	}
	l->ports_ok = l->nports == p->nports &&
		      memcmp(l->ports, p->ports, p->nports * sizeof(p->ports[0])) == 0;
	l->uids_ok = l->nuids == p->nusers;
	for (i = 0; l->uids_ok && i < p->nusers; i++)
		l->uids_ok = l->uids[i] == (uint32_t)p->users[i].uid;
	if (!l->ports_ok)
		note_diff(l, "%s", "the port set differs from the policy");
	else if (!l->uids_ok)
		note_diff(l, "%s", "the uid set differs from the policy");
}

/* The kernel's table, chain, sets, elements and rules read over n into l
 * and compared with p (mw_fw_live_matches()). */
enum mw_err mw_fw_nft_read_with(struct nl *n, const struct fw_policy *p, struct fw_live *l,
			     char *err, size_t errlen)
{
	struct read_state st;
	enum mw_err e = MW_OK;
	unsigned i;
	int rc;

	memset(l, 0, sizeof(*l));
	memset(&st, 0, sizeof(st));
	st.p = p;
	st.l = l;
	rc = dump(n, NFT_MSG_GETTABLE, table_cb, &st, NULL, 0);
	if (rc)
		return mw_fw_nft_nl_errno(rc, "reading nftables tables", err, errlen);
	if (!l->present)
		return MW_OK;
	for (i = 0; i < FW_NRULES; i++) {
		st.want[i] = mw_fw_nft_make_rule(p, i);
		if (!st.want[i])
			st.oom = 1;
	}
	l->sets_ok = 1;
	l->rules_ok = 1;
	if (!st.oom && (rc = dump(n, NFT_MSG_GETCHAIN, chain_cb, &st, NULL, 0)) == 0 &&
	    (rc = dump(n, NFT_MSG_GETSET, set_cb, &st, payload_table_only, 0)) == 0 &&
	    (!st.found_ports || (rc = dump(n, NFT_MSG_GETSETELEM, elem_cb, &st,
					   payload_elems, 0)) == 0) &&
	    (!st.found_uids || (rc = dump(n, NFT_MSG_GETSETELEM, elem_cb, &st,
					  payload_elems, 1)) == 0) &&
	    (rc = dump(n, NFT_MSG_GETRULE, rule_cb, &st, payload_rules, 0)) == 0) {
		if (!l->chain_ok)
			note_diff(l, "%s", "chain output missing or with another hook/priority/policy");
		if (!st.found_ports || !st.found_uids) {
			l->sets_ok = 0;
			note_diff(l, "set '%s' missing", !st.found_ports ? FW_SET_PORTS :
				  mw_fw_uid_set_name(p));
		}
		if (st.nrules != FW_NRULES) {
			l->rules_ok = 0;
			note_diff(l, "%s", "the chain does not hold the policy's rules");
		}
		compare_elems(p, l);
	} else if (rc) {
		e = mw_fw_nft_nl_errno(rc, "reading table inet " FW_TABLE, err, errlen);
	}
	for (i = 0; i < FW_NRULES; i++)
		nftnl_rule_free(st.want[i]);
	if (!e && st.oom)
		e = MW_ERR_NOMEM;
	return e;
}

enum mw_err mw_fw_nft_read(const struct fw_policy *p, struct fw_live *l,
			char *err, size_t errlen)
{
	struct nl n;
	enum mw_err e;

	memset(l, 0, sizeof(*l));
	e = mw_fw_nft_nl_open(&n, err, errlen);
	if (e)
		return e;
	e = mw_fw_nft_read_with(&n, p, l, err, errlen);
	mw_fw_nft_nl_close(&n);
	return e;
}
