/*
 * Parsers for the web-server configuration that names the users web code
 * runs as: PHP-FPM pool files, Apache (SuexecUserGroup, mpm-itk
 * AssignUserID, User) and its envvars file, nginx (user). They work on a
 * buffer the caller read with core/safefile.h, never open anything
 * themselves and never print: every user name found and every malformed
 * line goes to a callback. Input is attacker-writable in the worst case,
 * so every line and every name is capped (firewall/fw_limits.h).
 */
#ifndef MW_FW_PARSE_H
#define MW_FW_PARSE_H

#include <stddef.h>

struct fw_parse_cb {
	void *arg;
	/*
	 * A user directive: name is NUL-terminated raw bytes (may still be
	 * "#1001" for Apache numeric ids or "${VAR}" for an Apache
	 * environment variable), directive the keyword as it is spelled in
	 * the format ("user", "SuexecUserGroup", ...). Required.
	 */
	void (*user)(void *arg, const char *name, unsigned long line,
		     const char *directive);
	/* A line that could not be understood; msg is static. Optional. */
	void (*problem)(void *arg, unsigned long line, const char *msg);
};

/*
 * PHP-FPM pool file (php.ini syntax): reports every "user = X" inside a
 * [pool] section, with "$pool" expanded to the section name the way
 * php-fpm does. Quotes and trailing ";" comments are removed.
 */
void fw_parse_fpm_pool(const char *text, size_t len, const struct fw_parse_cb *cb);

/*
 * Apache configuration file: reports the first argument of
 * SuexecUserGroup, AssignUserID (mpm-itk) and User (case-insensitive
 * directive names, "#" comments, quoted arguments).
 */
void fw_parse_apache(const char *text, size_t len, const struct fw_parse_cb *cb);

/*
 * Apache envvars (a shell fragment): the value assigned to var by lines
 * like "export APACHE_RUN_USER=www-data". Writes it into out (NUL-
 * terminated) and returns 1 when found, 0 otherwise; the last assignment
 * wins. Values with shell expansions ($, `) are not taken.
 */
int fw_parse_apache_envvars(const char *text, size_t len, const char *var,
			    char *out, size_t outlen);

/*
 * nginx main configuration: reports the first argument of the "user"
 * directive in the main context (not inside any block).
 */
void fw_parse_nginx(const char *text, size_t len, const struct fw_parse_cb *cb);

#endif
