/*
 * sysconf/: PHP INI syntax, the one parser of php.ini, .user.ini and
 * PHP-FPM pool files (the tamper check judges all three, sysconf/fpm.h
 * reads the pools' users for the firewall, the logs and the queue). It
 * works on a buffer the caller read through core/safefile.h, never
 * opens, allocates or prints. Every byte may be hostile: lines, names
 * and entries are capped, and what lies past a cap is a problem.
 */
#ifndef MW_SYSCONF_INI_H
#define MW_SYSCONF_INI_H

#include <stddef.h>

#define MW_INI_MAX_LINE		8192	/* bytes of a line; longer ones are cut */
#define MW_INI_MAX_NAME		256	/* section and key, cut when longer */
#define MW_INI_MAX_ENTRIES	4096	/* entries per file */

struct mw_ini_entry {
	unsigned long line;
	size_t offset;		/* byte offset of the line */
	const char *section;	/* "" before the first [section] */
	const char *key;	/* trimmed, as written ("php_admin_value[x]") */
	const char *value;	/* quotes removed, ";" comment cut, trimmed */
	size_t value_len;	/* bytes of value: less than strlen when it holds a NUL */
	int bad_quote;		/* an unterminated quote: value runs to the line's end */
};

/* An entry; return 0 to go on, non-zero to stop parsing. */
typedef int (*mw_ini_fn)(void *ud, const struct mw_ini_entry *e);
/* Something the parser could not take whole; what is static text. */
typedef void (*mw_ini_problem_fn)(void *ud, unsigned long line, const char *what);

/*
 * PHP INI syntax: "; comment" and "# comment" lines, [section], key =
 * value with "..." or '...' quoted parts (adjacent parts are joined, as
 * PHP joins "a" "b"), an unquoted ";" starting a comment. Problems (a
 * line cut at MW_INI_MAX_LINE, a section without ']', a line without
 * '=', an empty key, an unterminated quote, more than MW_INI_MAX_ENTRIES
 * entries) go to problem, which may be NULL; the entry of a line with an
 * unterminated quote is still reported (the value up to the line's end).
 */
void mw_ini_parse(const char *buf, size_t len, mw_ini_fn fn,
		  mw_ini_problem_fn problem, void *ud);

/* mw_ini_parse with every [section] header told too (name trimmed, as
 * entries see it), for a caller that edits the file by sections. */
struct mw_ini_cb {
	void *ud;
	mw_ini_fn entry;			/* required */
	mw_ini_problem_fn problem;		/* may be NULL */
	void (*section)(void *ud, const char *name, unsigned long line);	/* may be NULL */
};
void mw_ini_parse_cb(const char *buf, size_t len, const struct mw_ini_cb *cb);

#endif
