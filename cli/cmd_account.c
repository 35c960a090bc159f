/*
 * `mailwarden account USER [--respond|--restore [--apply]]`: the command
 * line into a struct mw_account_opts (scanner/account/account.h).
 */
#include <getopt.h>

#include "cli/commands.h"
#include "scanner/account/account.h"

#define MAX_LOGS 64	/* --log given on one command line */

const char mw_account_usage[] =
	"mailwarden account USER [options] [--respond|--restore [--apply]]\n"
	"  (USER: a mail login, info@example.org, or a system user; reports its\n"
	"  logins (Dovecot, Postfix SASL, Exim AUTH) by address and network,\n"
	"  forwards, redirects and Sieve rules, queued and sent mail, and a\n"
	"  verdict)\n"
	"  --log FILE             read this log file (repeatable; default as `logs`:\n"
	"                         journald plus /var/log/mail.log*)\n"
	"  --since WHEN           window (default [logs] since; with --log: all)\n"
	"  --journal              also read journald when --log is given\n"
	"  --journal-dir DIR      read the journal files in DIR\n"
	"  --root DIR             forwarders: audit DIR as if it were / (report only)\n"
	"  --dovecot-config FILE  the Dovecot configured by FILE (doveadm -c)\n"
	"  --postfix-config DIR   the Postfix instance configured in DIR\n"
	"  --exim PROGRAM         the Exim to act on, its AUTH block and its queue\n"
	"                         (default exim4, else exim)\n"
	"  --roundcube-config FILE  Roundcube's config.inc.php (default Debian's and\n"
	"                         the web roots' installs)\n"
	"  --respond              print the response: deactivate external Sieve\n"
	"                         redirects, block Dovecot, Postfix and Exim logins,\n"
	"                         doveadm kick, delete its Roundcube sessions (SQLite;\n"
	"                         MySQL/PostgreSQL: the SQL to run), hold (Postfix) or\n"
	"                         freeze (Exim) the queued mail (never the password)\n"
	"  --restore              print how the recorded response would be undone\n"
	"  --apply                do it; the record is STATE_DIR/account/USER\n";

enum mw_err mw_cmd_account(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "since", required_argument, NULL, 's' },
		{ "journal", no_argument, NULL, 'j' },
		{ "journal-dir", required_argument, NULL, 'J' },
		{ "root", required_argument, NULL, 'r' },
		{ "dovecot-config", required_argument, NULL, 'd' },
		{ "postfix-config", required_argument, NULL, 'p' },
		{ "exim", required_argument, NULL, 'e' },
		{ "roundcube-config", required_argument, NULL, 'w' },
		{ "respond", no_argument, NULL, 'R' },
		{ "restore", no_argument, NULL, 'U' },
		{ "apply", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *logs[MAX_LOGS];
	struct mw_account_opts o = { 0 };
	int c;

	o.logs = logs;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (o.nlogs == MAX_LOGS)
				return mw_usage(ctx, "more than %d --log", MAX_LOGS);
			logs[o.nlogs++] = optarg;
			break;
		case 's': o.since = optarg; break;
		case 'j': o.journal = 1; break;
		case 'J': o.journal_dir = optarg; break;
		case 'r': o.root = optarg; break;
		case 'd': o.dovecot_config = optarg; break;
		case 'p': o.postfix_config = optarg; break;
		case 'e': o.exim = optarg; break;
		case 'w': o.roundcube_config = optarg; break;
		case 'R':
		case 'U':
			if (o.action)
				return mw_usage(ctx, "one of --respond, --restore at a time");
			o.action = c == 'R' ? MW_ACCT_RESPOND : MW_ACCT_RESTORE;
			break;
		case 'a': o.apply = 1; break;
		default:
			return mw_usage(ctx, "unknown option or missing value: %s", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return mw_usage(ctx, "one USER, please (a mail login or a system user)");
	o.user = argv[optind];
	if (!mw_account_name_ok(o.user))
		return mw_usage(ctx, "bad account name '%s' (letters, digits, . _ + - @)", o.user);
	if (o.apply && !o.action)
		return mw_usage(ctx, "--apply needs --respond or --restore");
	return mw_account_run(ctx, &o, ctx->report);
}
