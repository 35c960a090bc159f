/*
 * `mailwarden quarantine list | restore ID | purge ID`: the command line
 * into a struct mw_quarantine_opts (scanner/webroot/quarantine.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "scanner/webroot/quarantine.h"

enum mw_err mw_cmd_quarantine(struct mw_ctx *ctx, int argc, char **argv)
{
	struct mw_quarantine_opts o = { .verb = MW_QUARANTINE_LIST };
	const char *verb;
	char *end;

	if (argc < 2 || argv[1][0] == '-')
		return mw_usage(ctx, "expected list, restore ID or purge ID");
	verb = argv[1];
	if (strcmp(verb, "list") == 0) {
		if (argc != 2)
			return mw_usage(ctx, "list takes no argument");
	} else if (strcmp(verb, "restore") == 0 || strcmp(verb, "purge") == 0) {
		if (argc != 3)
			return mw_usage(ctx, "%s takes one ID", verb);
		errno = 0;
		o.id = strtoll(argv[2], &end, 10);
		if (errno || *end || o.id <= 0)
			return mw_usage(ctx, "ID must be a positive number");
		o.verb = verb[0] == 'r' ? MW_QUARANTINE_RESTORE : MW_QUARANTINE_PURGE;
	} else {
		return mw_usage(ctx, "unknown action '%s' (list, restore, purge)", verb);
	}
	return mw_quarantine_run(ctx, &o, ctx->report);
}
