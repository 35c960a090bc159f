/*
 * The subcommand table. A new check = a new folder under scanner/ and one
 * line in cli/commands.c.
 *
 * Contract for a command's run function:
 *   - argv[0] is the subcommand name; the common options (--format,
 *     --config, --quiet, --no-progress, --color, --help) are already
 *     removed and applied to ctx. Parse the rest with getopt_long after
 *     setting optind = 0 and opterr = 0; report bad usage with
 *     `return mw_usage(ctx, "...")`.
 *   - Append findings/errors/notes/data to ctx->report; never print
 *     (except with ctx->own_output, see core/ctx.h).
 *   - Return MW_OK when the check ran (findings or not), or an error with
 *     mw_fail() when it could not run; the exit code comes from the report.
 */
#ifndef MW_COMMANDS_H
#define MW_COMMANDS_H

#include "core/ctx.h"
#include "core/error.h"

typedef enum mw_err (*mw_command_fn)(struct mw_ctx *ctx, int argc, char **argv);

struct mw_command {
	const char *name;
	const char *summary;
	const char *usage;	/* synopsis and command options, for --help */
	mw_command_fn run;
};

extern const struct mw_command mw_commands[];
extern const unsigned mw_ncommands;

const struct mw_command *mw_command_find(const char *name);

/* Implemented by the modules (scanner/, firewall/, signatures/). */
enum mw_err mw_cmd_audit(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_scan(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_forwarders(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_relay(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_dnsbl(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_logs(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_firewall(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_quarantine(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_signatures(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_ack(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_queue(struct mw_ctx *ctx, int argc, char **argv);
extern const char mw_queue_usage[];

#endif
