/*
 * `signatures lint | test`: check the rule set itself (signatures_cmd.c);
 * the engine is in sig.h.
 */
#ifndef MW_SIGNATURES_H
#define MW_SIGNATURES_H

#include "core/ctx.h"
#include "core/error.h"
#include "core/strlist.h"

enum mw_signatures_mode {
	MW_SIGNATURES_LINT = 0,	/* every problem of every rule as an error */
	MW_SIGNATURES_TEST,	/* lint, then every rule against its samples */
};

struct mw_signatures_opts {
	enum mw_signatures_mode mode;
	const char *signatures;		/* rule directory; NULL = installed set */
	const char *samples;		/* malicious/ and clean/; NULL = default */
	struct mw_strlist corpus;	/* test: also run every rule over these */
};

/*
 * Lint or test into report (check and data section "signatures"). MW_OK
 * when it ran (problems are errors in the report); MW_ERR_USAGE for a
 * corpus with lint; another error via mw_fail().
 */
enum mw_err mw_signatures_run(struct mw_ctx *ctx, const struct mw_signatures_opts *o,
			      struct mw_report *report);

#endif
