/*
 * The firewall command: the nftables egress policy that lets only the MTA
 * talk SMTP (fw_policy.h builds it, fw_nft.h talks to the kernel).
 */
#ifndef MW_FIREWALL_H
#define MW_FIREWALL_H

#include "core/buf.h"
#include "core/ctx.h"
#include "core/error.h"

enum mw_firewall_action {
	MW_FW_NONE = 0,
	MW_FW_APPLY,	/* install or update table inet mailwarden, atomically */
	MW_FW_REMOVE,	/* delete the table (only it) */
	MW_FW_STATUS,	/* compare the kernel's table with the policy */
	MW_FW_DRYRUN,	/* print the table the policy makes; touch nothing */
};

struct mw_firewall_opts {
	enum mw_firewall_action action;
	const char *root;	/* web-server configuration beneath; NULL = / */
};

/*
 * Do o->action into report (check and data section "firewall"). MW_OK
 * when it was done; MW_ERR_USAGE without an action; MW_ERR_PRIV without
 * CAP_NET_ADMIN (except for a dry run); another error via mw_fail(). A dry
 * run in text mode prints the ruleset to ctx->out and sets own_output.
 */
enum mw_err mw_firewall_run(struct mw_ctx *ctx, const struct mw_firewall_opts *o,
			    struct mw_report *report);

/* Append the equivalent command line ("firewall --status") to b. */
enum mw_err mw_firewall_opts_describe(const struct mw_firewall_opts *o,
				      struct mw_buf *b);

#endif
