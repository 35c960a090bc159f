/*
 * `mailwarden reputation [--ip IP] [--domain D] [--helo NAME] ...`: the
 * command line into a struct mw_reput_opts (scanner/reput/reput.h).
 */
#include <getopt.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "scanner/reput/reput.h"

const char mw_reputation_usage[] =
	"mailwarden reputation [--ip IP] [--domain DOMAIN] [--helo NAME] [--resolver IP[:PORT]]\n"
	"  (sending addresses as dnsbl finds them; sending domains and HELO names from\n"
	"  Postfix/Exim, the DKIM signer and the logs: SPF, DMARC, DKIM keys, PTR, HELO)\n"
	"  --ip IP                  sending address (repeatable; default [dnsbl] ips,\n"
	"                           else discovered)\n"
	"  --domain DOMAIN          also check this sending domain (repeatable)\n"
	"  --helo NAME              also check this HELO name (repeatable)\n"
	"  --resolver IP[:PORT]     resolver to ask (default [dnsbl] resolver,\n"
	"                           else /etc/resolv.conf)\n"
	"  --timeout MS             per-try timeout (default [dnsbl] timeout_ms)\n"
	"  --tries N                attempts per query (default [dnsbl] tries)\n"
	"  --postfix-config DIR     Postfix configuration directory (postconf -c)\n"
	"  --opendkim-config FILE   OpenDKIM configuration (default /etc/opendkim.conf)\n"
	"  --rspamd-config DIR      rspamd's configuration directory, its\n"
	"                           dkim_signing.conf (default /etc/rspamd)\n"
	"  --no-discover            only the addresses and names given (and --log)\n"
	"  --log FILE               take sending domains from this mail log (repeatable;\n"
	"                           default: the logs check's sources, unless\n"
	"                           --no-discover or --postfix-config)\n"
	"  --since WHEN             only log lines since WHEN (as for logs)\n"
	"  --top-senders N          the N sender domains of most local or authenticated\n"
	"                           mail in the logs (default 10, 0 = none)\n";

static enum mw_err add(struct mw_ctx *ctx, struct mw_strlist *l, const char *v)
{
	return mw_strlist_add(l, v) ? mw_fail(ctx, MW_ERR_NOMEM, "out of memory") : MW_OK;
}

static enum mw_err parse(struct mw_ctx *ctx, int argc, char **argv,
			 struct mw_reput_opts *o, struct mw_strlist *logs)
{
	static const struct option opts[] = {
		{ "ip", required_argument, NULL, 'i' },
		{ "domain", required_argument, NULL, 'd' },
		{ "helo", required_argument, NULL, 'h' },
		{ "resolver", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "tries", required_argument, NULL, 'n' },
		{ "postfix-config", required_argument, NULL, 'p' },
		{ "opendkim-config", required_argument, NULL, 'k' },
		{ "rspamd-config", required_argument, NULL, 'R' },
		{ "no-discover", no_argument, NULL, 'N' },
		{ "log", required_argument, NULL, 'l' },
		{ "since", required_argument, NULL, 's' },
		{ "top-senders", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	enum mw_err e = MW_OK;
	char *end;
	long v;
	int c;

	optind = 0;
	opterr = 0;
	while (!e && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			e = add(ctx, &o->ip, optarg);
			break;
		case 'd':
			e = add(ctx, &o->domains, optarg);
			break;
		case 'h':
			e = add(ctx, &o->helo, optarg);
			break;
		case 'p':
			o->postfix_config = optarg;
			break;
		case 'k':
			o->opendkim_config = optarg;
			break;
		case 'R':
			o->rspamd_config = optarg;
			break;
		case 'N':
			o->no_discover = 1;
			break;
		case 'l':
			e = add(ctx, logs, optarg);
			break;
		case 's':
			o->since = optarg;
			break;
		case 'T':
			v = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || v > MW_REPUT_MAX_DOMAINS)
				return mw_usage(ctx, "--top-senders: a number from 0 to %d",
						MW_REPUT_MAX_DOMAINS);
			o->top_senders = v ? (int)v : -1;
			break;
		default:
			if (!mw_cli_dns_option(ctx, c, &o->resolver, &o->timeout_ms, &o->tries, &e))
				return mw_usage(ctx, "unknown option or missing argument: '%s'",
						argv[optind - 1]);
			break;
		}
	}
	if (!e && optind < argc)
		return mw_usage(ctx, "unexpected argument '%s'", argv[optind]);
	return e;
}

enum mw_err mw_cmd_reputation(struct mw_ctx *ctx, int argc, char **argv)
{
	struct mw_reput_opts o = { 0 };
	struct mw_strlist logs = { 0 };
	enum mw_err e;

	e = parse(ctx, argc, argv, &o, &logs);
	o.logs = (const char *const *)logs.v;
	o.nlogs = logs.n;
	if (!e)
		e = mw_reput_run(ctx, &o, ctx->report);
	mw_strlist_clear(&o.ip);
	mw_strlist_clear(&o.domains);
	mw_strlist_clear(&o.helo);
	mw_strlist_clear(&logs);
	return e;
}
