/*
 * `mailwarden dnsbl [IP...] [--ip IP] [--list ZONE] [--resolver IP[:PORT]]`:
 * the command line into a struct mw_dnsbl_opts (scanner/dnsbl/dnsbl.h).
 */
#include <getopt.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "scanner/dnsbl/dnsbl.h"

/* A decimal number in lo..hi into *out; -1 when it is not one. */
static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
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

int mw_cli_dns_option(struct mw_ctx *ctx, int c, const char **resolver,
		      unsigned *timeout_ms, unsigned *tries, enum mw_err *e)
{
	*e = MW_OK;
	if (c == 'r')
		*resolver = optarg;
	else if (c == 't' && parse_uint(optarg, 50, 60000, timeout_ms) != 0)
		*e = mw_usage(ctx, "--timeout takes milliseconds (50-60000)");
	else if (c == 'n' && parse_uint(optarg, 1, 10, tries) != 0)
		*e = mw_usage(ctx, "--tries takes a number from 1 to 10");
	return c == 'r' || c == 't' || c == 'n';
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
	enum mw_err e;
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
		case 'p':
			o->postfix_config = optarg;
			break;
		default:
			if (!mw_cli_dns_option(ctx, c, &o->resolver, &o->timeout_ms, &o->tries, &e))
				return mw_usage(ctx, "unknown option or missing argument: '%s'",
						argv[optind - 1]);
			if (e)
				return e;
			break;
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
