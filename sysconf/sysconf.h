/*
 * sysconf/: what its parsers of web-server and PHP-FPM configuration
 * report. Every user name found and every line that could not be
 * understood goes to a callback; the parsers never open, print or keep
 * anything themselves.
 */
#ifndef MW_SYSCONF_SYSCONF_H
#define MW_SYSCONF_SYSCONF_H

#define MW_SYSCONF_MAX_USER	64	/* a longer name is not a usable login */

struct mw_sysconf_cb {
	void *arg;
	/*
	 * A user directive: name is NUL-terminated raw bytes (may still be
	 * "#1001" for Apache numeric ids or "${VAR}" for an Apache
	 * environment variable), shorter than MW_SYSCONF_MAX_USER;
	 * directive the keyword as it is spelled in the format ("user",
	 * "SuexecUserGroup", ...). Required.
	 */
	void (*user)(void *arg, const char *name, unsigned long line,
		     const char *directive);
	/* A line that could not be understood; msg is static. Optional. */
	void (*problem)(void *arg, unsigned long line, const char *msg);
};

#endif
