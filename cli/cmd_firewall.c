/*
 * `mailwarden firewall --apply | --remove | --status | --dry-run`: the
 * command line into a struct mw_firewall_opts (firewall/firewall.h).
 */
#include <getopt.h>

#include "cli/commands.h"
#include "firewall/firewall.h"

enum mw_err mw_cmd_firewall(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "apply", no_argument, NULL, 'a' },
		{ "remove", no_argument, NULL, 'r' },
		{ "status", no_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "root", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct mw_firewall_opts o = { .action = MW_FW_NONE };
	enum mw_firewall_action a;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': a = MW_FW_APPLY; break;
		case 'r': a = MW_FW_REMOVE; break;
		case 's': a = MW_FW_STATUS; break;
		case 'n': a = MW_FW_DRYRUN; break;
		case 'R': o.root = optarg; continue;
		default:
			return mw_usage(ctx, "unknown option '%s'", argv[optind - 1]);
		}
		if (o.action != MW_FW_NONE && o.action != a)
			return mw_usage(ctx, "give one of --apply, --remove, --status, --dry-run");
		o.action = a;
	}
	if (optind < argc)
		return mw_usage(ctx, "unexpected argument '%s'", argv[optind]);
	return mw_firewall_run(ctx, &o, ctx->report);
}
