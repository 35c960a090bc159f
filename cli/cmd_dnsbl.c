/*
 * `mailwarden dnsbl [IP...] [--ip IP] [--list ZONE] [--resolver IP[:PORT]]`:
 * the command line into a struct mw_dnsbl_opts (scanner/dnsbl/dnsbl.h).
 */
#include <getopt.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "scanner/dnsbl/dnsbl.h"

int mw_cli_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static enum mw_err parse(struct mw_ctx *ctx, int argc, char **argv,
			 struct mw_dnsbl_opts *o)
{
	static const struct option opts[] = {
		{ "ip", required_argument, NULL, 'i' },
		{ "list", required_argument, NULL, 'l' },
		{ "resolver", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "tries", required_argument, NULL, 'n' },
		{ "postfix-config", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	int c, i;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (mw_strlist_add(&o->ip, optarg))
				return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
			break;
		case 'l':
			if (mw_strlist_add(&o->lists, optarg))
				return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
			break;
		case 'r':
			o->resolver = optarg;
			break;
		case 't':
			if (mw_cli_uint(optarg, 50, 60000, &o->timeout_ms) != 0)
				return mw_usage(ctx, "--timeout takes milliseconds (50-60000)");
			break;
		case 'n':
			if (mw_cli_uint(optarg, 1, 10, &o->tries) != 0)
				return mw_usage(ctx, "--tries takes a number from 1 to 10");
			break;
		case 'p':
			o->postfix_config = optarg;
			break;
		default:
			return mw_usage(ctx, "unknown option or missing argument: '%s'",
					argv[optind - 1]);
		}
	}
	for (i = optind; i < argc; i++)
		if (mw_strlist_add(&o->operands, argv[i]))
			return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	return MW_OK;
}

enum mw_err mw_cmd_dnsbl(struct mw_ctx *ctx, int argc, char **argv)
{
	struct mw_dnsbl_opts o = { 0 };
	enum mw_err e;

	e = parse(ctx, argc, argv, &o);
	if (!e)
		e = mw_dnsbl_run(ctx, &o, ctx->report);
	mw_strlist_clear(&o.ip);
	mw_strlist_clear(&o.operands);
	mw_strlist_clear(&o.lists);
	return e;
}
