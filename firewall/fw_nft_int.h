/*
 * Internals of the nftables backend (fw_nft.h has the contract), shared by
 *   fw_nft.c       the netlink socket, the policy as nftnl objects, the
 *                  batches that apply or remove it
 *   fw_nft_read.c  reading what the kernel has and comparing it
 * Nothing else includes this header.
 */
#ifndef MW_FIREWALL_FW_NFT_INT_H
#define MW_FIREWALL_FW_NFT_INT_H

#include <stdint.h>

#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "firewall/fw_nft.h"

/* nft(8)'s data type numbers, so that `nft list` shows our sets typed. */
#define NFT_TYPE_INET_SERVICE	13
#define NFT_TYPE_UID		24
/* nft's set userdata: key byte order (1 host, 2 big endian). */
#define NFT_BYTEORDER_HOST	1
#define NFT_BYTEORDER_BIG	2
#define LOOPBACK_IFINDEX	1	/* fixed in every network namespace */
#define LOG_LEVEL_WARNING	4	/* nft's default, not shown by nft list */
#define LIMIT_BURST		5	/* nft's default, not shown by nft list */
#define SET_ID_PORTS		1
#define SET_ID_UIDS		2
#define NL_TIMEOUT_S		5
#define MAX_BATCH_MSGS		32

struct nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char *buf;
};

/* fw_nft.c */
struct nftnl_rule *mw_fw_nft_make_rule(const struct fw_policy *p, unsigned i);
void mw_fw_nft_nl_close(struct nl *n);
enum mw_err mw_fw_nft_nl_errno(int errnum, const char *what, char *err, size_t errlen);
enum mw_err mw_fw_nft_nl_open(struct nl *n, char *err, size_t errlen);
int mw_fw_nft_nl_query(struct nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* fw_nft_read.c */
enum mw_err mw_fw_nft_read_with(struct nl *n, const struct fw_policy *p, struct fw_live *l,
			     char *err, size_t errlen);

#endif
