/*
 * `mailwarden logs [FILE...] [--since WHEN] [--until WHEN] [--journal]`:
 * the command line into a struct mw_logs_opts (scanner/maillog/maillog.h).
 */
#include <getopt.h>

#include "cli/commands.h"
#include "scanner/maillog/maillog.h"

enum mw_err mw_cmd_logs(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "journal", no_argument, NULL, 'j' },
		{ "journal-dir", required_argument, NULL, 'J' },
		{ "root", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct mw_logs_opts o = { 0 };
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': o.since = optarg; break;
		case 'u': o.until = optarg; break;
		case 'j': o.journal = 1; break;
		case 'J': o.journal_dir = optarg; break;
		case 'r': o.root = optarg; break;
		default:
			return mw_usage(ctx, "unknown option '%s'", argv[optind - 1]);
		}
	}
	o.files = (const char *const *)argv + optind;
	o.nfiles = (size_t)(argc - optind);
	return mw_logs_run(ctx, &o, ctx->report);
}
