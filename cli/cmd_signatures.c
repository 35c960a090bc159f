/*
 * `mailwarden signatures lint | test [--signatures DIR] [--samples DIR]
 * [--corpus DIR]...`: the command line into a struct mw_signatures_opts
 * (signatures/signatures.h).
 */
#include <getopt.h>
#include <string.h>

#include "cli/commands.h"
#include "signatures/signatures.h"

enum mw_err mw_cmd_signatures(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "signatures", required_argument, NULL, 's' },
		{ "samples", required_argument, NULL, 'S' },
		{ "corpus", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct mw_signatures_opts o = { .mode = MW_SIGNATURES_LINT };
	enum mw_err e;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': o.signatures = optarg; break;
		case 'S': o.samples = optarg; break;
		case 'c':
			if (mw_strlist_add(&o.corpus, optarg)) {
				mw_strlist_clear(&o.corpus);
				return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
			}
			break;
		default:
			mw_strlist_clear(&o.corpus);
			return mw_usage(ctx, "unknown option or missing value: %s",
					argv[optind - 1]);
		}
	}
	if (optind + 1 != argc || (strcmp(argv[optind], "lint") != 0 &&
				   strcmp(argv[optind], "test") != 0)) {
		mw_strlist_clear(&o.corpus);
		return mw_usage(ctx, "expected 'lint' or 'test'");
	}
	if (strcmp(argv[optind], "test") == 0)
		o.mode = MW_SIGNATURES_TEST;
	e = mw_signatures_run(ctx, &o, ctx->report);
	mw_strlist_clear(&o.corpus);
	return e;
}
