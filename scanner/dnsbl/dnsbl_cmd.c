#include "cli/commands.h"

enum mw_err mw_cmd_dnsbl(struct mw_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return mw_fail(ctx, MW_ERR_NOTIMPL, "not implemented yet");
}
