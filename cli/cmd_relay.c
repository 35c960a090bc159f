/*
 * `mailwarden relay [options] [HOST[:PORT]]`: the command line into a
 * struct mw_relay_opts (scanner/relay/relay.h).
 */
#include <getopt.h>

#include "cli/commands.h"
#include "scanner/relay/relay.h"

enum mw_err mw_cmd_relay(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-probe", no_argument, NULL, 'P' },
		{ "no-config", no_argument, NULL, 'C' },
		{ "postfix-config", required_argument, NULL, 'c' },
		{ "exim", required_argument, NULL, 'e' },
		{ "domain", required_argument, NULL, 'd' },
		{ "xclient-addr", required_argument, NULL, 'x' },
		{ "no-xclient", no_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 }
	};
	struct mw_relay_opts o = { 0 };
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'P': o.no_probe = 1; break;
		case 'C': o.no_config = 1; break;
		case 'c': o.postfix_config = optarg; break;
		case 'e': o.exim = optarg; break;
		case 'd': o.domain = optarg; break;
		case 'x': o.xclient_addr = optarg; break;
		case 'X': o.no_xclient = 1; break;
		default:
			return mw_usage(ctx, "unknown option or missing value: %s",
					argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return mw_usage(ctx, "one target at most (HOST[:PORT])");
	if (optind < argc)
		o.target = argv[optind];
	return mw_relay_run(ctx, &o, ctx->report);
}
