/*
 * The policy in the kernel: libnftnl objects sent over one libmnl
 * socket. Every change is one batch (begin, messages, end) with real
 * sequence numbers and NLM_F_ACK on every message; each ACK is checked, and
 * the kernel applies the batch completely or not at all, so a rejected
 * batch leaves the previous ruleset as it was. Only `table inet
 * mailwarden` is ever read for comparison or changed; nothing here
 * flushes the ruleset or touches another table.
 */
#ifndef MW_FW_NFT_H
#define MW_FW_NFT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "firewall/fw_policy.h"

/* What the kernel holds, compared with a policy. */
struct fw_live {
	int present;		/* table inet mailwarden exists */
	int dormant;		/* ... but with flags dormant (rules inactive) */
	int chain_ok;		/* output chain: filter hook output prio 0, accept */
	int sets_ok;		/* exactly the two sets, right key types */
	int rules_ok;		/* exactly the policy's rules, in order */
	int ports_ok, uids_ok;	/* set contents equal the policy's */
	int have_log_counter, have_reject_counter;
	uint64_t log_packets;	/* logged attempts (rate-limited) */
	uint64_t reject_packets, reject_bytes;	/* rejected packets */
	uint32_t *uids;		/* live uid set contents, sorted */
	size_t nuids;
	uint16_t ports[FW_MAX_PORTS];	/* live port set, sorted */
	size_t nports;
	char diff[256];		/* first difference found, "" when none */
};

/* 1 when the live table is exactly the policy. */
int mw_fw_live_matches(const struct fw_live *l);
void mw_fw_live_free(struct fw_live *l);

/*
 * Read table inet mailwarden and compare it with p. A missing table is not
 * an error (present = 0). Errors: MW_ERR_PRIV (needs CAP_NET_ADMIN),
 * MW_ERR_UNSUPPORTED (no nf_tables), MW_ERR_NET; message in err.
 */
enum mw_err mw_fw_nft_read(const struct fw_policy *p, struct fw_live *l,
			char *err, size_t errlen);

enum fw_change {
	FW_UNCHANGED = 0,	/* already exactly the policy: nothing sent */
	FW_INSTALLED,		/* the table did not exist */
	FW_REPLACED,		/* rules or sets differed: table replaced */
	FW_SETS_UPDATED,	/* only set contents differed: sets refilled,
				 * counters kept */
};

const char *mw_fw_change_name(enum fw_change c);

/*
 * Make the kernel hold exactly p, in one batch: nothing when it already
 * does; the set contents when only they differ; otherwise "add table,
 * delete table, add table with everything" so that the old table is
 * replaced atomically whether or not it existed. *chg says which.
 * A refused batch changes nothing; err then holds the kernel's reason and
 * the message it refused.
 */
enum mw_err mw_fw_nft_apply(const struct fw_policy *p, enum fw_change *chg,
			 char *err, size_t errlen);

/* Delete table inet mailwarden (only it). *removed = 0 when it was absent. */
enum mw_err mw_fw_nft_remove(int *removed, char *err, size_t errlen);

#endif
