/*
 * `mailwarden audit [--apply] [--nightly] [--skip CHECK] [--only CHECK]
 * [pass-through]` and `mailwarden ack FINDING-ID...`: the command lines
 * into struct mw_audit_opts and struct mw_ack_opts (audit/audit.h).
 */
#include <getopt.h>

#include "cli/commands.h"
#include "audit/audit.h"

static void opts_free(struct mw_audit_opts *o)
{
	mw_strlist_clear(&o->only);
	mw_strlist_clear(&o->skip);
	mw_strlist_clear(&o->ip);
	mw_strlist_clear(&o->list);
	mw_strlist_clear(&o->log);
	mw_strlist_clear(&o->web_root);
}

/* Options that name one value keep the last; the others collect. */
static enum mw_err parse(struct mw_ctx *ctx, int argc, char **argv,
			 struct mw_audit_opts *o)
{
	static const struct option lo[] = {
		{ "apply", no_argument, NULL, 'a' },
		{ "nightly", no_argument, NULL, 'n' },
		{ "only", required_argument, NULL, 'o' },
		{ "skip", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'R' },
		{ "resolver", required_argument, NULL, 'r' },
		{ "ip", required_argument, NULL, 'i' },
		{ "list", required_argument, NULL, 'l' },
		{ "relay-target", required_argument, NULL, 't' },
		{ "postfix-config", required_argument, NULL, 'p' },
		{ "exim", required_argument, NULL, 'e' },
		{ "log", required_argument, NULL, 'L' },
		{ "web-root", required_argument, NULL, 'w' },
		{ "since", required_argument, NULL, 'S' },
		{ "metrics-textfile", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 }
	};
	struct mw_strlist *add;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		add = NULL;
		switch (c) {
		case 'a': o->apply = 1; break;
		case 'n': o->nightly = 1; break;
		case 'o':
		case 's':
			if (!mw_audit_check_known(optarg))
				return mw_usage(ctx, "unknown check '%s' (dnsbl, logs, scan, "
						"forwarders, relay, firewall)", optarg);
			add = c == 'o' ? &o->only : &o->skip;
			break;
		case 'R': o->root = optarg; break;
		case 'r': o->resolver = optarg; break;
		case 't': o->relay_target = optarg; break;
		case 'p': o->postfix_config = optarg; break;
		case 'e': o->exim = optarg; break;
		case 'S': o->since = optarg; break;
		case 'M': o->metrics_textfile = optarg; break;
		case 'i': add = &o->ip; break;
		case 'l': add = &o->list; break;
		case 'L': add = &o->log; break;
		case 'w': add = &o->web_root; break;
		default:
			return mw_usage(ctx, "unknown option or missing value: '%s'",
					argv[optind - 1]);
		}
		if (add && mw_strlist_add(add, optarg))
			return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	if (optind < argc)
		return mw_usage(ctx, "unexpected argument '%s'", argv[optind]);
	return MW_OK;
}

enum mw_err mw_cmd_audit(struct mw_ctx *ctx, int argc, char **argv)
{
	struct mw_audit_opts o = { 0 };
	enum mw_err e;

	e = parse(ctx, argc, argv, &o);
	if (!e)
		e = mw_audit_run(ctx, &o, ctx->report);
	opts_free(&o);
	return e;
}

enum mw_err mw_cmd_ack(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	struct mw_ack_opts o;

	optind = 0;
	opterr = 0;
	if (getopt_long(argc, argv, "", none, NULL) != -1)
		return mw_usage(ctx, "unknown option '%s'", argv[optind - 1]);
	o.ids = (const char *const *)argv + optind;
	o.nids = (size_t)(argc - optind);
	return mw_ack_run(ctx, &o, ctx->report);
}
