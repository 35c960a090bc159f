/*
 * `mailwarden forwarders [--root DIR] [--list]`: the command line into a
 * struct mw_forwarders_opts (scanner/forwarders/forwarders.h).
 */
#include <getopt.h>

#include "cli/commands.h"
#include "scanner/forwarders/forwarders.h"

enum mw_err mw_cmd_forwarders(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct mw_forwarders_opts o = { 0 };
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.root = optarg;
			break;
		case 'l':
			o.list = 1;
			break;
		default:
			return mw_usage(ctx, "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return mw_usage(ctx, "unexpected argument %s", argv[optind]);
	return mw_forwarders_run(ctx, &o, ctx->report);
}
