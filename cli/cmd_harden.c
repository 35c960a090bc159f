/*
 * `mailwarden harden [--check | --apply | --remove]`, `mailwarden policyd`
 * and `mailwarden submit`: command lines into scanner/harden/harden.h.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "scanner/harden/harden.h"

enum mw_err mw_cmd_harden(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "apply", no_argument, NULL, 'a' },
		{ "remove", no_argument, NULL, 'r' },
		{ "postfix-config", required_argument, NULL, 'P' },
		{ "exim", required_argument, NULL, 'E' },
		{ "fpm-config", required_argument, NULL, 'F' },
		{ "fpm-pool-dir", required_argument, NULL, 'D' },
		{ "php-fpm", required_argument, NULL, 'X' },
		{ "backup-dir", required_argument, NULL, 'B' },
		{ "sendmail-path", required_argument, NULL, 'W' },
		{ "no-reload", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct mw_harden_opts o = { .action = MW_HARDEN_CHECK };
	int c, seen = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		enum mw_harden_action a;

		switch (c) {
		case 'c': a = MW_HARDEN_CHECK; break;
		case 'a': a = MW_HARDEN_APPLY; break;
		case 'r': a = MW_HARDEN_REMOVE; break;
		case 'P': o.postfix_config = optarg; continue;
		case 'E': o.exim = optarg; continue;
		case 'F': o.fpm_conf = optarg; continue;
		case 'D': o.fpm_pool_dir = optarg; continue;
		case 'X': o.php_fpm = optarg; continue;
		case 'B': o.backup_dir = optarg; continue;
		case 'W': o.wrapper = optarg; continue;
		case 'N': o.no_reload = 1; continue;
		default:
			return mw_usage(ctx, "unknown option or missing value '%s'", argv[optind - 1]);
		}
		if (seen && o.action != a)
			return mw_usage(ctx, "give one of --check, --apply, --remove");
		o.action = a;
		seen = 1;
	}
	if (optind < argc)
		return mw_usage(ctx, "unexpected argument '%s'", argv[optind]);
	return mw_harden_run(ctx, &o, ctx->report);
}

enum mw_err mw_cmd_policyd(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "submit-listen", required_argument, NULL, 's' },
		{ "state-db", required_argument, NULL, 'd' },
		{ "max-requests", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct mw_policyd_opts o = { 0 };
	char *end;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.policy_socket = optarg; break;
		case 's': o.submit_socket = optarg; break;
		case 'd': o.state_db = optarg; break;
		case 'm':
			o.max_requests = strtoul(optarg, &end, 10);
			if (*end || !*optarg)
				return mw_usage(ctx, "--max-requests takes a number");
			break;
		default:
			return mw_usage(ctx, "unknown option or missing value '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return mw_usage(ctx, "unexpected argument '%s'", argv[optind]);
	return mw_policyd_run(ctx, &o);
}

int mw_cli_submit(int argc, char **argv)
{
	const char *sock = MW_SUBMIT_SOCKET, *sendmail = "/usr/sbin/sendmail";
	int i;

	/* Own options up to "--"; the rest is sendmail's. No configuration
	 * file: the web user running this may not read it. */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			sock = argv[++i];
		else if (!strcmp(argv[i], "--sendmail") && i + 1 < argc && argv[i + 1][0] == '/')
			sendmail = argv[++i];
		else
			break;
	}
	if (i < argc && strcmp(argv[i], "--")) {
		fprintf(stderr, "usage: mailwarden submit [--socket PATH] [--sendmail PROGRAM] "
			"-- SENDMAIL-ARGS...\n");
		return 2;
	}
	argv[i < argc ? i : argc - 1] = (char *)"sendmail";
	return mw_submit(sock, sendmail, argv + (i < argc ? i : argc - 1));
}

enum mw_err mw_cmd_submit(struct mw_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return mw_usage(ctx, "submit takes no common options; run it as "
			"'mailwarden submit -- SENDMAIL-ARGS'");
}
