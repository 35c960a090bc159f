/*
 * The nftables backend (fw_nft.h): one netlink socket, the policy as
 * nftnl objects, and the batches that apply or remove it with every ACK
 * checked. Reading what the kernel has is fw_nft_read.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_log.h>
#include <linux/netfilter/nf_tables.h>

#include "firewall/fw_nft_int.h"

/* A netlink failure (errnum) while doing what, as text in err; the error
 * class for it (permission, no nf_tables in the kernel, or network). */
enum mw_err mw_fw_nft_nl_errno(int errnum, const char *what, char *err, size_t errlen)
{
	switch (errnum) {
	case EPERM:
	case EACCES:
		snprintf(err, errlen, "%s: %s: needs root or CAP_NET_ADMIN", what,
			 strerror(errnum));
		return MW_ERR_PRIV;
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
	case EOPNOTSUPP:
		snprintf(err, errlen, "%s: %s: nf_tables is not available in this kernel "
			 "(modprobe nf_tables)", what, strerror(errnum));
		return MW_ERR_UNSUPPORTED;
	default:
		snprintf(err, errlen, "%s: %s", what, strerror(errnum));
		return MW_ERR_NET;
	}
}

/* Close the socket and free the buffer of n; n is zeroed. */
void mw_fw_nft_nl_close(struct nl *n)
{
	if (n->sock)
		mnl_socket_close(n->sock);
	free(n->buf);
	memset(n, 0, sizeof(*n));
}

/* Open a netfilter netlink socket with a receive timeout into n. */
enum mw_err mw_fw_nft_nl_open(struct nl *n, char *err, size_t errlen)
{
	struct timeval tv = { NL_TIMEOUT_S, 0 };

	memset(n, 0, sizeof(*n));
	n->buf = malloc(FW_NL_BUF);
	if (!n->buf)
		return MW_ERR_NOMEM;
	n->sock = mnl_socket_open(NETLINK_NETFILTER);
	if (!n->sock) {
		enum mw_err e = mw_fw_nft_nl_errno(errno, "netlink socket", err, errlen);

		mw_fw_nft_nl_close(n);
		return e;
	}
	if (mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		enum mw_err e = mw_fw_nft_nl_errno(errno, "netlink bind", err, errlen);

		mw_fw_nft_nl_close(n);
		return e;
	}
	/* A kernel that never answers must not hang a boot unit. */
	setsockopt(mnl_socket_get_fd(n->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n->portid = mnl_socket_get_portid(n->sock);
	/* Real sequence numbers: start from the clock, count up. */
	n->seq = (uint32_t)time(NULL);
	return MW_OK;
}

/*
 * Send one request (dump or get) and run cb over the answers until
 * NLMSG_DONE or the ACK. Returns 0 or an errno value.
 */
int mw_fw_nft_nl_query(struct nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	int ret;

	if (mnl_socket_sendto(n->sock, nlh, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		ret = (int)mnl_socket_recvfrom(n->sock, n->buf, FW_NL_BUF);
		if (ret < 0)
			return errno == EAGAIN ? ETIMEDOUT : errno;
		ret = mnl_cb_run(n->buf, (size_t)ret, nlh->nlmsg_seq, n->portid, cb, data);
		if (ret < 0)
			return errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

/* ---- objects --------------------------------------------------------- */

static struct nftnl_table *make_table(void)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return NULL;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, FW_TABLE);
	return t;
}

static struct nftnl_chain *make_chain(void)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return NULL;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, FW_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, FW_CHAIN);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_OUT);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	return c;
}

/* A named set holding the policy's ports or uids number from..to-1. */
static struct nftnl_set *make_set(const struct fw_policy *p, int uids, size_t from, size_t to)
{
	struct nftnl_udata_buf *ud;
	struct nftnl_set *s = nftnl_set_alloc();
	size_t i;

	if (!s)
		return NULL;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, uids ? mw_fw_uid_set_name(p) : FW_SET_PORTS);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, 0);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, uids ? NFT_TYPE_UID : NFT_TYPE_INET_SERVICE);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, uids ? sizeof(uint32_t) : sizeof(uint16_t));
	nftnl_set_set_u32(s, NFTNL_SET_ID, uids ? SET_ID_UIDS : SET_ID_PORTS);
	ud = nftnl_udata_buf_alloc(64);
	if (!ud || !nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER,
					uids ? NFT_BYTEORDER_HOST : NFT_BYTEORDER_BIG)) {
		nftnl_udata_buf_free(ud);
		nftnl_set_free(s);
		return NULL;
	}
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			   nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	for (i = from; i < to; i++) {
		struct nftnl_set_elem *e = nftnl_set_elem_alloc();
		uint32_t uid;
		uint16_t port;

		if (!e) {
			nftnl_set_free(s);
			return NULL;
		}
		if (uids) {
			uid = (uint32_t)p->users[i].uid;
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &uid, sizeof(uid));
		} else {
			port = htons(p->ports[i]);
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &port, sizeof(port));
		}
		nftnl_set_elem_add(s, e);
	}
	return s;
}

static int add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -1;
	nftnl_rule_add_expr(r, e);
	return 0;
}

static struct nftnl_expr *meta_load(uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return e;
}

static struct nftnl_expr *cmp(uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return e;
}

static struct nftnl_expr *lookup(const char *set, uint32_t id, uint32_t flags)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, flags);
	}
	return e;
}

/*
 * Rule i of the policy:
 *   meta l4proto tcp, tcp dport @smtp_ports, [oif != lo,] meta skuid [!=] @uids
 *   then: limit + counter + log (FW_RULE_LOG), counter + reject (FW_RULE_REJECT)
 */
struct nftnl_rule *mw_fw_nft_make_rule(const struct fw_policy *p, unsigned i)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_udata_buf *ud;
	struct nftnl_expr *e;
	uint8_t tcp = IPPROTO_TCP;
	uint32_t lo = LOOPBACK_IFINDEX;
	int bad = 0;

	if (!r)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, FW_CHAIN);

	bad |= add_expr(r, meta_load(NFT_META_L4PROTO));
	bad |= add_expr(r, cmp(NFT_CMP_EQ, &tcp, sizeof(tcp)));
	e = nftnl_expr_alloc("payload");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 2);	/* dport */
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 2);
	}
	bad |= add_expr(r, e);
	bad |= add_expr(r, lookup(FW_SET_PORTS, SET_ID_PORTS, 0));
	if (p->allow_loopback) {
		bad |= add_expr(r, meta_load(NFT_META_OIF));
		bad |= add_expr(r, cmp(NFT_CMP_NEQ, &lo, sizeof(lo)));
	}
	bad |= add_expr(r, meta_load(NFT_META_SKUID));
	bad |= add_expr(r, lookup(mw_fw_uid_set_name(p), SET_ID_UIDS,
				  p->mode == MW_FW_ALLOW_LIST ? NFT_LOOKUP_F_INV : 0));
	if (i == FW_RULE_LOG) {
		e = nftnl_expr_alloc("limit");
		if (e) {
			nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, FW_LOG_RATE);
			nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, 60);
			nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, LIMIT_BURST);
			nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
			nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_FLAGS, 0);
		}
		bad |= add_expr(r, e);
	}
	bad |= add_expr(r, nftnl_expr_alloc("counter"));
	if (i == FW_RULE_LOG) {
		e = nftnl_expr_alloc("log");
		if (e) {
			nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, FW_LOG_PREFIX);
			nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_LEVEL, LOG_LEVEL_WARNING);
			/* the socket's uid in every log line */
			nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_FLAGS, NF_LOG_UID);
		}
	} else {
		e = nftnl_expr_alloc("reject");
		if (e) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_TCP_RST);
			nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, 0);
		}
	}
	bad |= add_expr(r, e);

	ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	if (!ud || !nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, mw_fw_rule_comment(p, i)))
		bad = 1;
	else
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				    nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	if (bad) {
		nftnl_rule_free(r);
		return NULL;
	}
	return r;
}

/* ---- batches --------------------------------------------------------- */

struct batch {
	struct mnl_nlmsg_batch *b;
	struct nl *n;
	uint32_t first;			/* seq of the first change */
	unsigned count;			/* changes in the batch */
	const char *what[MAX_BATCH_MSGS];
	int full;
};

static int batch_start(struct batch *bt, struct nl *n, char *buf)
{
	memset(bt, 0, sizeof(*bt));
	bt->n = n;
	bt->b = mnl_nlmsg_batch_start(buf, FW_NL_BUF);
	if (!bt->b)
		return -1;
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), ++n->seq);
	mnl_nlmsg_batch_next(bt->b);
	bt->first = n->seq + 1;
	return 0;
}

/* Header for the next change; NLM_F_ACK always so that every one is answered. */
static struct nlmsghdr *batch_msg(struct batch *bt, uint16_t type, uint16_t flags,
				  const char *what)
{
	if (bt->count >= MAX_BATCH_MSGS) {
		bt->full = 1;
		return NULL;
	}
	bt->what[bt->count++] = what;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, NFPROTO_INET,
				     flags | NLM_F_ACK, ++bt->n->seq);
}

static void batch_free(struct batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	bt->b = NULL;
}

static void batch_next(struct batch *bt)
{
	if (!mnl_nlmsg_batch_next(bt->b))
		bt->full = 1;
}

/*
 * End the batch, send it, and read one ACK per change. The kernel queues
 * every answer before sendmsg returns, after a failure included (it
 * reports all errors of the batch, then aborts it).
 */
/*
 * The kernel refused one message of a batch (so none was applied): its own
 * reason, and where it was. The caller checked CAP_NET_ADMIN before, so an
 * EPERM here is not about privileges; the usual cause is a table another
 * process created with nft's "flags owner".
 */
static void batch_refusal(int errnum, const char *at, char *err, size_t errlen)
{
	snprintf(err, errlen, "nftables rejected the batch at '%s': %s (errno %d)%s; "
		 "nothing was changed", at, strerror(errnum), errnum,
		 errnum == EPERM ? " - e.g. table inet mailwarden locked by another "
		 "process (nft 'flags owner')" : "");
}

static enum mw_err batch_send(struct batch *bt, int *errnum, char *err, size_t errlen)
{
	struct nl *n = bt->n;
	unsigned acked = 0;
	int failed = 0, fd = mnl_socket_get_fd(n->sock);
	char *rbuf;

	*errnum = 0;
	if (bt->full) {
		snprintf(err, errlen, "netlink batch larger than %u bytes", FW_NL_BUF);
		return MW_ERR_LIMIT;
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), ++n->seq);
	if (!mnl_nlmsg_batch_next(bt->b)) {
		snprintf(err, errlen, "netlink batch larger than %u bytes", FW_NL_BUF);
		return MW_ERR_LIMIT;
	}
	if (mnl_socket_sendto(n->sock, mnl_nlmsg_batch_head(bt->b),
			      mnl_nlmsg_batch_size(bt->b)) < 0)
		return mw_fw_nft_nl_errno(errno, "sending netlink batch", err, errlen);
	rbuf = malloc(FW_NL_BUF);
	if (!rbuf)
		return MW_ERR_NOMEM;
	while (acked < bt->count) {
		ssize_t ret = recv(fd, rbuf, FW_NL_BUF, failed ? MSG_DONTWAIT : 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)rbuf;
		int len;

		if (ret < 0) {
			if (failed && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			free(rbuf);
			return mw_fw_nft_nl_errno(errno == EAGAIN ? ETIMEDOUT : errno,
					"reading netlink ACKs", err, errlen);
		}
		len = (int)ret;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *ne;
			uint32_t idx;

			if (nlh->nlmsg_pid != n->portid && nlh->nlmsg_pid != 0)
				continue;
			if (nlh->nlmsg_seq < bt->first ||
			    nlh->nlmsg_seq >= bt->first + bt->count)
				continue;	/* not an answer to this batch */
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ne)))
				continue;
			ne = mnl_nlmsg_get_payload(nlh);
			idx = nlh->nlmsg_seq - bt->first;
			acked++;
			if (ne->error && !failed) {
				failed = 1;
				*errnum = -ne->error;
				batch_refusal(*errnum, bt->what[idx], err, errlen);
			}
		}
	}
	free(rbuf);
	if (failed) {
		switch (*errnum) {
		case EOPNOTSUPP: case EPROTONOSUPPORT: case EAFNOSUPPORT:
			return MW_ERR_UNSUPPORTED;
		default: return MW_ERR_NET;
		}
	}
	if (acked < bt->count) {
		snprintf(err, errlen, "netlink: %u of %u changes acknowledged",
			 acked, bt->count);
		return MW_ERR_NET;
	}
	return MW_OK;
}

static void put_table(struct batch *bt, uint16_t type, uint16_t flags, const char *what)
{
	struct nftnl_table *t = make_table();
	struct nlmsghdr *nlh = batch_msg(bt, type, flags, what);

	if (!t || !nlh) {
		bt->full = 1;
	} else {
		nftnl_table_nlmsg_build_payload(nlh, t);
		batch_next(bt);
	}
	nftnl_table_free(t);
}

/*
 * Create the set (create) or flush it, then add its elements, at most
 * FW_ELEMS_PER_MSG per message so that no message gets near the socket
 * buffer size; all in the same batch.
 */
static void put_set(struct batch *bt, const struct fw_policy *p, int uids, int create)
{
	size_t n = uids ? p->nusers : p->nports, from;
	struct nftnl_set *s = make_set(p, uids, 0, 0);
	struct nlmsghdr *nlh;

	if (!s) {
		bt->full = 1;
		return;
	}
	if (create) {
		nlh = batch_msg(bt, NFT_MSG_NEWSET, NLM_F_CREATE | NLM_F_EXCL,
				uids ? "add set uids" : "add set smtp_ports");
		if (!nlh)
			goto out;
		nftnl_set_nlmsg_build_payload(nlh, s);
	} else {
		/* DELSETELEM without elements flushes the set. */
		nlh = batch_msg(bt, NFT_MSG_DELSETELEM, 0,
				uids ? "flush set uids" : "flush set smtp_ports");
		if (!nlh)
			goto out;
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	}
	batch_next(bt);
	for (from = 0; from < n; from += FW_ELEMS_PER_MSG) {
		size_t to = n - from > FW_ELEMS_PER_MSG ? from + FW_ELEMS_PER_MSG : n;
		struct nftnl_set *chunk = make_set(p, uids, from, to);

		nlh = batch_msg(bt, NFT_MSG_NEWSETELEM, NLM_F_CREATE,
				uids ? "add uid elements" : "add port elements");
		if (!chunk || !nlh) {
			nftnl_set_free(chunk);
			bt->full = 1;
			goto out;
		}
		nftnl_set_elems_nlmsg_build_payload(nlh, chunk);
		nftnl_set_free(chunk);
		batch_next(bt);
	}
out:
	nftnl_set_free(s);
}

const char *mw_fw_change_name(enum fw_change c)
{
	switch (c) {
	case FW_UNCHANGED: return "unchanged";
	case FW_INSTALLED: return "installed";
	case FW_REPLACED: return "replaced";
	case FW_SETS_UPDATED: return "sets-updated";
	}
	return "?";
}

/* The whole table: (add, delete) so that an old one goes, then everything. */
static void put_everything(struct batch *bt, const struct fw_policy *p)
{
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;
	unsigned i;

	put_table(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE, "add table (if missing)");
	put_table(bt, NFT_MSG_DELTABLE, 0, "delete table");
	put_table(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, "add table");
	put_set(bt, p, 0, 1);
	put_set(bt, p, 1, 1);
	c = make_chain();
	nlh = batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL, "add chain output");
	if (!c || !nlh) {
		bt->full = 1;
	} else {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		batch_next(bt);
	}
	nftnl_chain_free(c);
	for (i = 0; i < FW_NRULES; i++) {
		struct nftnl_rule *r = mw_fw_nft_make_rule(p, i);

		nlh = batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
				i == FW_RULE_LOG ? "add log rule" : "add reject rule");
		if (!r || !nlh) {
			bt->full = 1;
		} else {
			nftnl_rule_nlmsg_build_payload(nlh, r);
			batch_next(bt);
		}
		nftnl_rule_free(r);
	}
}

enum mw_err mw_fw_nft_apply(const struct fw_policy *p, enum fw_change *chg,
			 char *err, size_t errlen)
{
	struct fw_live l;
	struct batch bt;
	struct nl n;
	enum mw_err e;
	char *buf;
	int errnum;

	*chg = FW_UNCHANGED;
	e = mw_fw_nft_nl_open(&n, err, errlen);
	if (e)
		return e;
	e = mw_fw_nft_read_with(&n, p, &l, err, errlen);
	if (e || mw_fw_live_matches(&l))
		goto out;
	buf = malloc(FW_NL_BUF);
	if (!buf) {
		e = MW_ERR_NOMEM;
		goto out;
	}
	if (batch_start(&bt, &n, buf)) {
		free(buf);
		e = MW_ERR_NOMEM;
		goto out;
	}
	if (l.present && !l.dormant && l.chain_ok && l.sets_ok && l.rules_ok) {
		/* Same structure: refill the sets, keep the counters. */
		if (!l.ports_ok)
			put_set(&bt, p, 0, 0);
		if (!l.uids_ok)
			put_set(&bt, p, 1, 0);
		*chg = FW_SETS_UPDATED;
	} else {
		put_everything(&bt, p);
		*chg = l.present ? FW_REPLACED : FW_INSTALLED;
	}
	e = batch_send(&bt, &errnum, err, errlen);
	if (e)
		*chg = FW_UNCHANGED;
	batch_free(&bt);
	free(buf);
out:
	mw_fw_live_free(&l);
	mw_fw_nft_nl_close(&n);
	return e;
}

enum mw_err mw_fw_nft_remove(int *removed, char *err, size_t errlen)
{
	struct batch bt;
	struct nl n;
	enum mw_err e;
	char *buf;
	int errnum;

	*removed = 0;
	e = mw_fw_nft_nl_open(&n, err, errlen);
	if (e)
		return e;
	buf = malloc(FW_NL_BUF);
	if (!buf) {
		mw_fw_nft_nl_close(&n);
		return MW_ERR_NOMEM;
	}
	if (batch_start(&bt, &n, buf)) {
		free(buf);
		mw_fw_nft_nl_close(&n);
		return MW_ERR_NOMEM;
	}
	put_table(&bt, NFT_MSG_DELTABLE, 0, "delete table");
	e = batch_send(&bt, &errnum, err, errlen);
	batch_free(&bt);
	if (e == MW_OK) {
		*removed = 1;
	} else if (errnum == ENOENT) {
		e = MW_OK;	/* nothing to remove */
		err[0] = '\0';
	}
	free(buf);
	mw_fw_nft_nl_close(&n);
	return e;
}
