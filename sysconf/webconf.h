/*
 * sysconf/: Apache and nginx configuration files, one tokenizer each, for
 * every check that needs a directive from them (the firewall: the users
 * web code runs as; the scan: document roots). They work on a buffer the
 * caller read through core/safefile.h and never open, allocate or print:
 * every directive asked for goes to a callback with its first argument
 * and its line, every line that could not be understood to another.
 */
#ifndef MW_SYSCONF_WEBCONF_H
#define MW_SYSCONF_WEBCONF_H

#include <stddef.h>

struct mw_webconf_cb {
	void *arg;
	/*
	 * A directive named in the caller's list: name is the list's
	 * spelling; value/value_len its first argument, quotes removed (raw
	 * bytes inside the buffer, not NUL-terminated, may hold a NUL; NULL
	 * when an Apache directive has none); depth the nginx blocks it is in (0 in
	 * the main context; always 0 for Apache). Required.
	 */
	void (*directive)(void *arg, const char *name, const char *value,
			  size_t value_len, unsigned long line, unsigned depth);
	/* A line that could not be understood; msg is static. Optional. */
	void (*problem)(void *arg, unsigned long line, const char *msg);
};

/*
 * Apache configuration: one directive a line (names compared without
 * case), "#" comment lines, <Block> lines skipped, the first argument
 * "quoted" or bare. Lines longer than MW_MAX_LINE are a problem, not read.
 * names is NULL-terminated.
 */
void mw_apache_conf_parse(const char *text, size_t len, const char *const names[],
			  const struct mw_webconf_cb *cb);

/*
 * nginx configuration: tokens up to ";", "{" and "}" (blocks counted,
 * directives may span lines), "#" comments, quoted tokens with backslash
 * escapes kept raw. The directive name is the first token of a statement
 * (compared exactly), its value the second (a directive without one is
 * not reported). An unterminated quote ends the parse (a problem).
 */
void mw_nginx_conf_parse(const char *text, size_t len, const char *const names[],
			 const struct mw_webconf_cb *cb);

#endif
