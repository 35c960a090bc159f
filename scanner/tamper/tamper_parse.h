/*
 * Parsers of the files attackers edit to keep a way back into a site:
 * Apache per-directory files (.htaccess) and user crontabs (PHP INI files
 * are read by sysconf/ini.h). One parser per format, each on a buffer the caller read through core/safefile.h;
 * none opens, allocates per line or prints anything. Every input byte may
 * be hostile, so lines, nesting and arguments are capped (below) and what
 * lies past a cap is counted as a problem, never read past.
 */
#ifndef MW_TAMPER_PARSE_H
#define MW_TAMPER_PARSE_H

#include <stddef.h>
#include <string.h>

#include "core/ascii.h"
#include "sysconf/ini.h"

#define MW_TAMPER_MAX_FILE	(1u << 20)	/* bytes of one file judged */
#define MW_TAMPER_MAX_LINE	8192	/* logical line, continuations joined */
#define MW_TAMPER_MAX_DEPTH	16	/* nested <Block>s tracked */
#define MW_TAMPER_MAX_ARGS	16	/* arguments kept per directive */
#define MW_TAMPER_MAX_NAME	64	/* directive/block/section/key name */
#define MW_TAMPER_MAX_BLOCKARG	256	/* argument of a <Block> kept */
#define MW_TAMPER_MAX_ITEMS	4096	/* directives/entries per file */

/* What a parser met that it could not take whole. */
struct mw_tamper_parse_stats {
	unsigned long entries;		/* callbacks made */
	unsigned long problems;		/* overlong, unterminated, too deep... */
	unsigned long first_problem;	/* its line, 0 = none */
	const char *what;		/* static text of the first problem */
};

/* Count a problem; the first one is kept with its line. */
static inline void mw_tamper_problem(struct mw_tamper_parse_stats *st,
				     unsigned long line, const char *what)
{
	if (st->problems++ == 0) {
		st->first_problem = line;
		st->what = what;
	}
}

/* An enclosing <Name arg> block of an Apache directive. */
struct mw_apache_block {
	char name[MW_TAMPER_MAX_NAME];		/* as written, cut at the cap */
	char arg[MW_TAMPER_MAX_BLOCKARG];	/* unquoted, cut at the cap */
};

struct mw_apache_directive {
	unsigned long line;	/* first physical line of the directive */
	size_t offset;		/* byte offset of that line */
	const char *name;	/* as written */
	size_t argc;		/* at most MW_TAMPER_MAX_ARGS */
	const char *const *argv;	/* unquoted, NUL-terminated */
	size_t depth;		/* enclosing blocks, outermost first */
	const struct mw_apache_block *blocks;
};

/* Return 0 to go on, non-zero to stop parsing. */
typedef int (*mw_apache_fn)(void *ud, const struct mw_apache_directive *d);

/*
 * Apache configuration syntax as .htaccess uses it: "#" comment lines,
 * "\" continuation lines, quoted arguments ("..." and '...', backslash
 * escapes the quote), <Block args> ... </Block> nesting. Every directive
 * (not the block markers) goes to fn with its enclosing blocks, up to
 * MW_TAMPER_MAX_ITEMS. stats may be NULL.
 */
void mw_apache_parse(const char *buf, size_t len, mw_apache_fn fn, void *ud,
		     struct mw_tamper_parse_stats *stats);

/* PHP INI syntax (php.ini, .user.ini, PHP-FPM pools): sysconf/ini.h, the
 * parser the host configuration readers share. */

struct mw_cron_entry {
	unsigned long line;
	size_t offset;
	int is_env;		/* NAME=value line: name in schedule, value in
				 * command */
	const char *schedule;	/* "*\/5 * * * *", "@reboot" */
	const char *command;	/* the rest of the line, trimmed */
};

typedef int (*mw_cron_fn)(void *ud, const struct mw_cron_entry *e);

/*
 * A user crontab as crontab(1) keeps it in /var/spool/cron/crontabs/USER:
 * "#" comments, NAME=value environment lines, five time fields or an
 * @keyword, then the command. stats may be NULL.
 */
void mw_cron_parse(const char *buf, size_t len, mw_cron_fn fn, void *ud,
		   struct mw_tamper_parse_stats *stats);

#endif
