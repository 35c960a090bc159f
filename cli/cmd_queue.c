/*
 * mailwarden queue: the command line of the queue check (scanner/queue/):
 * options into struct mw_queue_opts, then mw_queue_run.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/users.h"
#include "scanner/queue/queue.h"

const char mw_queue_usage[] =
	"mailwarden queue [options] [--hold|--release|--delete SELECTOR... [--apply]]\n"
	"  (reads the Postfix queue with postqueue -j and postcat, or the Exim queue\n"
	"  with exim -bp and exim -Mvh; groups it by submitter)\n"
	"  --postfix-config DIR   the Postfix instance configured in DIR (-c DIR)\n"
	"  --exim PROGRAM         the Exim that PROGRAM runs (default exim4, exim)\n"
	"  --inspect N            read the submitter of at most N messages (postcat /\n"
	"                         exim -Mvh; default [queue] inspect, 5000; 0: none)\n"
	"  --postqueue-json FILE  analyse recorded `postqueue -j` output instead\n"
	"  --exim-bp FILE         analyse recorded `exim -bp` output instead\n"
	"actions (print the ids they would touch; --apply does it and journals\n"
	"every id in STATE_DIR/queue-actions.log):\n"
	"  --hold                 put on hold (postsuper -h; exim -Mf): reversible\n"
	"  --release              release held messages (postsuper -H; exim -Mt)\n"
	"  --delete               delete (postsuper -d; exim -Mrm); refuses a selection\n"
	"                         that is the whole queue unless named by --id\n"
	"  --apply                do it\n"
	"selectors (an action needs one; all given must match):\n"
	"  --uid UID|NAME         submitted locally by this uid\n"
	"  --user NAME            submitted by this login\n"
	"  --sasl USER            submitted with SMTP AUTH as USER\n"
	"  --script PATH          X-PHP-Originating-Script names PATH\n"
	"  --sender ADDR          envelope sender ('<>': bounces)\n"
	"  --id ID                this queue id (repeatable)\n"
	"  --older-than AGE       queued longer than AGE (30m, 12h, 2d, 1w)\n";

static const struct option queue_opts[] = {
	{ "postfix-config", required_argument, NULL, 'c' },
	{ "exim", required_argument, NULL, 'e' },
	{ "inspect", required_argument, NULL, 'n' },
	{ "postqueue-json", required_argument, NULL, 'J' },
	{ "exim-bp", required_argument, NULL, 'B' },
	{ "hold", no_argument, NULL, 'h' },
	{ "release", no_argument, NULL, 'r' },
	{ "delete", no_argument, NULL, 'd' },
	{ "apply", no_argument, NULL, 'a' },
	{ "uid", required_argument, NULL, 'u' },
	{ "user", required_argument, NULL, 'U' },
	{ "sasl", required_argument, NULL, 's' },
	{ "script", required_argument, NULL, 'S' },
	{ "sender", required_argument, NULL, 'f' },
	{ "id", required_argument, NULL, 'i' },
	{ "older-than", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

/* "30m", "12h", "2d", "1w", "90s" (a bare number is seconds); -1 if bad. */
static long long parse_age(const char *s)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (v > 10ull * 366 * 86400)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return (long long)v;
	if (strcmp(end, "m") == 0)
		return (long long)v * 60;
	if (strcmp(end, "h") == 0)
		return (long long)v * 3600;
	if (strcmp(end, "d") == 0)
		return (long long)v * 86400;
	if (strcmp(end, "w") == 0)
		return (long long)v * 604800;
	return -1;
}

static long parse_uid(const char *s)
{
	char *end;
	unsigned long v;
	uid_t u;

	if (*s >= '0' && *s <= '9') {
		v = strtoul(s, &end, 10);
		return *end || v > 0x7fffffffUL ? -1 : (long)v;
	}
	return mw_user_uid(s, &u) == 0 ? (long)u : -1;
}

/* Queue ids are alphanumeric with '-' (Exim): nothing else reaches argv. */
static int id_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return 0;
	return 1;
}

enum mw_err mw_cmd_queue(struct mw_ctx *ctx, int argc, char **argv)
{
	static const char *ids[MW_QUEUE_MAX_IDS];
	struct mw_queue_opts o;
	int c, nact = 0;
	long long age;
	char *end;

	mw_queue_opts_init(&o, ctx->cfg);
	o.sel.ids = ids;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", queue_opts, NULL)) != -1) {
		switch (c) {
		case 'c': o.postfix_config = optarg; o.mta = MW_QMTA_POSTFIX; break;
		case 'e': o.exim = optarg; o.mta = MW_QMTA_EXIM; break;
		case 'J': o.postqueue_json = optarg; break;
		case 'B': o.exim_bp = optarg; break;
		case 'n': {
			unsigned long v = strtoul(optarg, &end, 10);

			if (*optarg < '0' || *optarg > '9' || *end || v > 1000000)
				return mw_usage(ctx, "bad --inspect '%s' (0..1000000)", optarg);
			o.inspect = (unsigned)v;
			break;
		}
		case 'h': o.action = MW_QACT_HOLD; nact++; break;
		case 'r': o.action = MW_QACT_RELEASE; nact++; break;
		case 'd': o.action = MW_QACT_DELETE; nact++; break;
		case 'a': o.apply = 1; break;
		case 'u':
			if ((o.sel.uid = parse_uid(optarg)) < 0)
				return mw_usage(ctx, "bad --uid '%s' (a number or a user name)", optarg);
			break;
		case 'U': o.sel.user = optarg; break;
		case 's': o.sel.sasl = optarg; break;
		case 'S': o.sel.script = optarg; break;
		case 'f': o.sel.sender = optarg; break;
		case 'i':
			if (!id_ok(optarg))
				return mw_usage(ctx, "bad --id '%s'", optarg);
			if (o.sel.n_ids == MW_QUEUE_MAX_IDS)
				return mw_usage(ctx, "more than %d --id", MW_QUEUE_MAX_IDS);
			ids[o.sel.n_ids++] = optarg;
			break;
		case 'o':
			if ((age = parse_age(optarg)) < 0)
				return mw_usage(ctx, "bad --older-than '%s' (30m, 12h, 2d, 1w)", optarg);
			o.sel.older_than_s = age;
			break;
		default:
			return mw_usage(ctx, "unknown option or missing value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return mw_usage(ctx, "unexpected argument '%s'", argv[optind]);
	if (nact > 1)
		return mw_usage(ctx, "one of --hold, --release, --delete at a time");
	if (o.postfix_config && o.exim)
		return mw_usage(ctx, "--postfix-config and --exim do not go together");
	if (o.postqueue_json && o.exim_bp)
		return mw_usage(ctx, "--postqueue-json and --exim-bp do not go together");
	if (o.apply && !o.action)
		return mw_usage(ctx, "--apply needs --hold, --release or --delete");
	{
		int selected = o.sel.uid >= 0 || o.sel.user || o.sel.sasl || o.sel.script ||
			       o.sel.sender || o.sel.n_ids || o.sel.older_than_s;

		if (o.action && !selected)
			return mw_usage(ctx, "--%s needs a selector (--uid, --user, --sasl, --script, "
					"--sender, --id, --older-than)",
					o.action == MW_QACT_HOLD ? "hold" :
					o.action == MW_QACT_RELEASE ? "release" : "delete");
		if (!o.action && selected)
			return mw_usage(ctx, "selectors go with --hold, --release or --delete");
	}
	return mw_queue_run(ctx, &o, ctx->report);
}
