/*
 * What every check gets: the configuration, the report it appends to, and
 * the user's output preferences. Checks never print; the CLI writes the
 * report at the end (progress on stderr is the one exception, see
 * core/progress.h).
 */
#ifndef MW_CTX_H
#define MW_CTX_H

#include <stdio.h>

#include "core/config.h"

struct mw_report;

enum mw_format { MW_FMT_TEXT = 0, MW_FMT_JSON, MW_FMT_JSONL };
enum mw_color { MW_COLOR_AUTO = 0, MW_COLOR_ALWAYS, MW_COLOR_NEVER };

struct mw_ctx {
	struct mw_config *cfg;
	struct mw_report *report;
	enum mw_format format;
	int color;		/* resolved: 1 = use ANSI colour */
	int quiet;
	int progress;		/* resolved: 1 = show a progress line */
	const char *config_path;	/* --config, NULL = default */
	int min_severity;	/* --min-severity (enum mw_severity); the CLI
				 * applies it to the report after the run */
	const char *command;		/* subcommand name */
	FILE *out;		/* stdout; for commands with own_output */
	int own_output;		/* set by a command that printed its primary
				 * output itself (text mode only): the CLI
				 * then prints just errors and the exit code */
	char errmsg[1024];	/* set by mw_fail/mw_usage */
};

/*
 * For subcommands: record why the command cannot go on and return e.
 * The CLI prints "mailwarden CMD: message" on stderr (plus a hint to
 * --help for MW_ERR_USAGE) and exits 2.
 */
enum mw_err mw_fail(struct mw_ctx *ctx, enum mw_err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum mw_err mw_usage(struct mw_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
