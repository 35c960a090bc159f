/*
 * mailwarden: command line front end. Thin: parse the common options, load
 * the configuration, run one subcommand, write the report, exit 0/1/2.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/config.h"
#include "core/escape.h"
#include "core/progress.h"
#include "core/version.h"
#include "reports/publish.h"
#include "reports/report.h"
#include "reports/writer.h"

#define EXIT_CLEAN 0
#define EXIT_ERROR 2

static const char common_usage[] =
	"common options:\n"
	"  --format text|json|jsonl  output format (default text)\n"
	"  --config FILE             configuration (default " MW_DEFAULT_CONFIG ")\n"
	"  --quiet, -q               only findings and errors\n"
	"  --no-progress             no progress line on a terminal\n"
	"  --color auto|always|never colour in text output (default auto)\n"
	"  --min-severity LEVEL      show only findings of LEVEL or above (info, low,\n"
	"                            medium, high, critical); the exit status follows\n"
	"  --state-dir DIR           state (scan cache, compiled rules, nightly state)\n"
	"                            in DIR instead of [nightly] state_dir\n"
	"  --help, -h                this help\n"
	"exit status: 0 nothing found, 1 findings, 2 error (run incomplete)\n";

static void print_main_usage(FILE *f)
{
	unsigned i;

	fprintf(f, "usage: mailwarden COMMAND [options]\n\n"
		   "Find and stop what makes a web+mail server send spam.\n\ncommands:\n");
	for (i = 0; i < mw_ncommands; i++)
		fprintf(f, "  %-12s %s\n", mw_commands[i].name, mw_commands[i].summary);
	fprintf(f, "\n%s\n'mailwarden COMMAND --help' shows a command's options; "
		   "man 8 mailwarden has the details.\n", common_usage);
}

static void print_command_usage(FILE *f, const struct mw_command *c)
{
	fprintf(f, "usage: %s\n%s.\n\n%s", c->usage, c->summary, common_usage);
}

struct common_opts {
	const char *format;
	const char *color;
	const char *config;
	const char *min_severity;
	const char *state_dir;
	int quiet, no_progress, help;
};

/*
 * Take an option that needs a value: "--opt VALUE" or "--opt=VALUE".
 * Returns 1 when argv[*i] was this option (value in *val, NULL if missing).
 */
static int take_value(char **argv, int argc, int *i, const char *opt,
		      const char **val)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	*val = *i + 1 < argc ? argv[++*i] : NULL;
	return 1;
}

/*
 * Remove the common options from argv (up to "--"), compacting it in place.
 * Returns the new argc, or -1 with a message on a missing value.
 */
static int strip_common(int argc, char **argv, struct common_opts *o,
			const char *cmd)
{
	int i, out = 0, rest = 0;
	const char *v;

	for (i = 0; i < argc; i++) {
		char *a = argv[i];

		if (rest || i == 0) {
			argv[out++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			rest = 1;
			argv[out++] = a;
			continue;
		}
		if (take_value(argv, argc, &i, "--format", &v) ||
		    take_value(argv, argc, &i, "--color", &v) ||
		    take_value(argv, argc, &i, "--colour", &v) ||
		    take_value(argv, argc, &i, "--config", &v) ||
		    take_value(argv, argc, &i, "--min-severity", &v) ||
		    take_value(argv, argc, &i, "--state-dir", &v)) {
			if (!v) {
				fprintf(stderr, "mailwarden %s: option '%s' needs a value\n", cmd, a);
				return -1;
			}
			if (strncmp(a, "--format", 8) == 0)
				o->format = v;
			else if (strncmp(a, "--config", 8) == 0)
				o->config = v;
			else if (strncmp(a, "--min-severity", 14) == 0)
				o->min_severity = v;
			else if (strncmp(a, "--state-dir", 11) == 0)
				o->state_dir = v;
			else
				o->color = v;
			continue;
		}
		if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
			o->quiet = 1;
		else if (strcmp(a, "--no-progress") == 0)
			o->no_progress = 1;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			o->help = 1;
		else
			argv[out++] = a;
	}
	argv[out] = NULL;
	return out;
}

/* A common option written as "--opt VALUE" (its value is the next word). */
static int takes_value(const char *a)
{
	return !strcmp(a, "--format") || !strcmp(a, "--config") ||
	       !strcmp(a, "--min-severity") || !strcmp(a, "--state-dir") ||
	       !strcmp(a, "--color") || !strcmp(a, "--colour");
}

static int resolve_color(const char *mode, int *out)
{
	const char *term = getenv("TERM");

	if (!mode || strcmp(mode, "auto") == 0) {
		*out = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
		       !(term && strcmp(term, "dumb") == 0);
		return 0;
	}
	if (strcmp(mode, "always") == 0)
		*out = 1;
	else if (strcmp(mode, "never") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static int parse_format(const char *s, enum mw_format *f)
{
	if (!s || strcmp(s, "text") == 0)
		*f = MW_FMT_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = MW_FMT_JSON;
	else if (strcmp(s, "jsonl") == 0)
		*f = MW_FMT_JSONL;
	else
		return -1;
	return 0;
}

/*
 * Run one command with its argv (common options already removed into co):
 * load the configuration, run, write the report. Returns the exit code.
 */
static int run_command(const struct mw_command *cmd, const struct common_opts *co,
		       int argc, char **argv)
{
	struct mw_write_opts wo;
	struct mw_config cfg;
	struct mw_ctx ctx;
	char err[1024];
	enum mw_err e;
	int code, min_sev = MW_SEV_INFO;

	if (argc < 0)
		return EXIT_ERROR;
	if (co->help) {
		print_command_usage(stdout, cmd);
		return fflush(stdout) == EOF || ferror(stdout) ? EXIT_ERROR : EXIT_CLEAN;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.command = cmd->name;
	ctx.out = stdout;
	ctx.quiet = co->quiet;
	ctx.config_path = co->config;
	if (parse_format(co->format, &ctx.format)) {
		fprintf(stderr, "mailwarden %s: unknown format '%s' (text, json, jsonl)\n",
			cmd->name, co->format);
		return EXIT_ERROR;
	}
	if (resolve_color(co->color, &ctx.color)) {
		fprintf(stderr, "mailwarden %s: --color takes auto, always or never\n",
			cmd->name);
		return EXIT_ERROR;
	}
	if (ctx.format != MW_FMT_TEXT)
		ctx.color = 0;
	if (co->min_severity && (min_sev = mw_severity_parse(co->min_severity)) < 0) {
		fprintf(stderr, "mailwarden %s: --min-severity takes info, low, medium, "
			"high or critical\n", cmd->name);
		return EXIT_ERROR;
	}
	ctx.min_severity = min_sev;
	if (co->state_dir && co->state_dir[0] != '/') {
		fprintf(stderr, "mailwarden %s: --state-dir takes an absolute path\n",
			cmd->name);
		return EXIT_ERROR;
	}
	ctx.progress = !co->quiet && !co->no_progress && isatty(STDERR_FILENO);

	if (mw_config_defaults(&cfg)) {
		fprintf(stderr, "mailwarden: out of memory\n");
		return EXIT_ERROR;
	}
	err[0] = '\0';
	e = mw_config_load(&cfg, co->config, err, sizeof(err));
	if (e) {
		fprintf(stderr, "mailwarden: %s\n", err[0] ? err : mw_strerror(e));
		mw_config_free(&cfg);
		return EXIT_ERROR;
	}
	if (co->state_dir) {
		char *dir = strdup(co->state_dir);

		if (!dir) {
			fprintf(stderr, "mailwarden: out of memory\n");
			mw_config_free(&cfg);
			return EXIT_ERROR;
		}
		free(cfg.state_dir);
		cfg.state_dir = dir;
	}
	ctx.cfg = &cfg;
	ctx.report = mw_report_new(cmd->name);
	if (!ctx.report) {
		fprintf(stderr, "mailwarden: out of memory\n");
		mw_config_free(&cfg);
		return EXIT_ERROR;
	}

	e = cmd->run(&ctx, argc, argv);
	mw_progress_done(&ctx);
	/* After the run: the audit correlates every finding, whatever is shown. */
	mw_report_hide_below(ctx.report, (enum mw_severity)min_sev);
	mw_report_finish(ctx.report);
	if (e) {
		const char *msg = ctx.errmsg[0] ? ctx.errmsg : mw_strerror(e);
		/* The message may quote a path or a value from a scanned file. */
		char *safe = mw_escape_str(msg);

		fprintf(stderr, "mailwarden %s: %s\n", cmd->name, safe ? safe : mw_strerror(e));
		free(safe);
		if (e == MW_ERR_USAGE)
			fprintf(stderr, "Try 'mailwarden %s --help'.\n", cmd->name);
		mw_report_error(ctx.report, cmd->name, NULL, 0, e, "%s", msg);
	}
	/* journal entries and hooks (issue 27): for what the user sees */
	if (e != MW_ERR_USAGE)
		mw_publish_run(&ctx, ctx.report);

	memset(&wo, 0, sizeof(wo));
	wo.color = ctx.color;
	wo.quiet = ctx.quiet;
	code = mw_report_exit_code(ctx.report);
	if (e == MW_ERR_USAGE) {
		code = EXIT_ERROR;
	} else if (ctx.own_output && ctx.format == MW_FMT_TEXT) {
		size_t i;

		for (i = 0; i < mw_report_nerrors(ctx.report); i++) {
			const struct mw_report_error *re = mw_report_get_error(ctx.report, i);

			if (e && i + 1 == mw_report_nerrors(ctx.report))
				break;	/* already printed above */
			char *path = re->path ? mw_escape_str(re->path) : NULL;
			char *m = mw_escape_str(re->message);

			fprintf(stderr, "mailwarden %s: %s%s%s\n", cmd->name,
				path ? path : "", re->path ? ": " : "", m ? m : "?");
			free(path);
			free(m);
		}
		if (fflush(stdout) == EOF || ferror(stdout)) {
			fprintf(stderr, "mailwarden: write error: %s\n", strerror(errno));
			code = EXIT_ERROR;
		}
	} else if (mw_report_write(ctx.report, ctx.format, stdout, &wo)) {
		fprintf(stderr, "mailwarden: write error on standard output: %s\n",
			strerror(errno ? errno : EIO));
		code = EXIT_ERROR;
	}
	if (e && code != EXIT_ERROR)
		code = EXIT_ERROR;

	mw_report_free(ctx.report);
	mw_config_free(&cfg);
	return code;
}

int main(int argc, char **argv)
{
	struct common_opts co = { 0 };
	const struct mw_command *cmd;
	int code, first = 1;

	/* A closed pipe must surface as a write error (exit 2), not kill us
	 * silently with status 141. */
	signal(SIGPIPE, SIG_IGN);
	/* The sendmail wrapper runs as a web user: no configuration, no report. */
	if (argc > 1 && !strcmp(argv[1], "submit"))
		return mw_cli_submit(argc - 1, argv + 1);

	/* Common options may also come before the command. */
	while (first < argc && argv[first][0] == '-') {
		if (!strcmp(argv[first], "--version") || !strcmp(argv[first], "-V")) {
			printf("mailwarden %s\n", MW_VERSION);
			return fflush(stdout) == EOF || ferror(stdout) ? EXIT_ERROR : EXIT_CLEAN;
		}
		if (takes_value(argv[first]))
			first++;
		first++;
	}
	if (first >= argc) {
		struct common_opts tmp = { 0 };

		if (strip_common(argc, argv, &tmp, "") >= 0 && tmp.help) {
			print_main_usage(stdout);
			return fflush(stdout) == EOF || ferror(stdout) ? EXIT_ERROR : EXIT_CLEAN;
		}
		print_main_usage(stderr);
		return EXIT_ERROR;
	}
	if (strcmp(argv[first], "help") == 0) {
		cmd = first + 1 < argc ? mw_command_find(argv[first + 1]) : NULL;
		if (first + 1 < argc && !cmd) {
			fprintf(stderr, "mailwarden: unknown command '%s'\n", argv[first + 1]);
			return EXIT_ERROR;
		}
		if (cmd)
			print_command_usage(stdout, cmd);
		else
			print_main_usage(stdout);
		return fflush(stdout) == EOF || ferror(stdout) ? EXIT_ERROR : EXIT_CLEAN;
	}
	cmd = mw_command_find(argv[first]);
	if (!cmd) {
		fprintf(stderr, "mailwarden: unknown command '%s'\n"
			"Try 'mailwarden --help'.\n", argv[first]);
		return EXIT_ERROR;
	}
	/* Build the command's argv: options given before the command name
	 * count as if given after it. */
	{
		char **nargv = calloc((size_t)argc + 1, sizeof(char *));
		int n = 0, i;

		if (!nargv) {
			fprintf(stderr, "mailwarden: out of memory\n");
			return EXIT_ERROR;
		}
		nargv[n++] = argv[first];
		for (i = 1; i < first; i++)
			nargv[n++] = argv[i];
		for (i = first + 1; i < argc; i++)
			nargv[n++] = argv[i];
		argc = strip_common(n, nargv, &co, cmd->name);
		argv = nargv;
	}
	code = run_command(cmd, &co, argc, argv);
	free(argv);
	return code;
}
