/*
 * The forwarders check: every place where mail can leave this host by
 * forwarding, each destination judged against the local domains.
 */
#ifndef MW_FORWARDERS_H
#define MW_FORWARDERS_H

#include "core/buf.h"
#include "core/ctx.h"
#include "core/error.h"

struct mw_forwarders_opts {
	const char *root;	/* audit this tree as if it were /; NULL = "/" */
	int list;		/* data.forwarders lists every destination */
};

/*
 * Run the check into report (check and data section "forwarders").
 * MW_OK when it ran; MW_ERR_USAGE for an unusable root, another error via
 * mw_fail() when the root cannot be opened.
 */
enum mw_err mw_forwarders_run(struct mw_ctx *ctx, const struct mw_forwarders_opts *o,
			      struct mw_report *report);

/* Append the equivalent command line ("forwarders --root /mnt") to b. */
enum mw_err mw_forwarders_opts_describe(const struct mw_forwarders_opts *o,
					struct mw_buf *b);

#endif
