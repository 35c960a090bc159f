/*
 * The subcommand table, and the only place that sees argv. A command's
 * file cli/cmd_<name>.c turns its command line into the check's options
 * struct and calls mw_<check>_run() (scanner/<check>/<check>.h); nothing
 * outside cli/ includes this header.
 *
 * Contract for a command's run function:
 *   - argv[0] is the subcommand name; the common options (--format,
 *     --config, --quiet, --no-progress, --color, --help) are already
 *     removed and applied to ctx. Parse the rest with getopt_long after
 *     setting optind = 0 and opterr = 0; report bad usage with
 *     `return mw_usage(ctx, "...")`.
 *   - Fill the options struct and return mw_<check>_run(ctx, &o,
 *     ctx->report): the check appends findings/errors/notes/data to the
 *     report and never prints (except with ctx->own_output, core/ctx.h).
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

/* cli/cmd_<name>.c */
enum mw_err mw_cmd_audit(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_scan(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_watch(struct mw_ctx *ctx, int argc, char **argv);
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
enum mw_err mw_cmd_account(struct mw_ctx *ctx, int argc, char **argv);
extern const char mw_account_usage[];
enum mw_err mw_cmd_reputation(struct mw_ctx *ctx, int argc, char **argv);
extern const char mw_reputation_usage[];
/*
 * The options of the checks that ask DNS (cli/cmd_dnsbl.c): getopt's c
 * 'r' (--resolver), 't' (--timeout MS), 'n' (--tries N). Returns 1 when c
 * is one of them, with *e a usage error for a bad value, else 0.
 */
int mw_cli_dns_option(struct mw_ctx *ctx, int c, const char **resolver,
		      unsigned *timeout_ms, unsigned *tries, enum mw_err *e);
enum mw_err mw_cmd_harden(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_policyd(struct mw_ctx *ctx, int argc, char **argv);
enum mw_err mw_cmd_submit(struct mw_ctx *ctx, int argc, char **argv);
/* `mailwarden submit`, before any configuration is read (cmd_harden.c). */
int mw_cli_submit(int argc, char **argv);

#endif
