/*
 * Parsers for the web-server configuration that names the users web code
 * runs as: Apache (SuexecUserGroup, mpm-itk AssignUserID, User) and its
 * envvars file, nginx (user); PHP-FPM pools are sysconf/fpm.h's. They work on a
 * buffer the caller read with core/safefile.h, never open anything
 * themselves and never print: every user name found and every malformed
 * line goes to a callback. Input is attacker-writable in the worst case,
 * so every line and every name is capped (firewall/fw_limits.h).
 */
#ifndef MW_FW_PARSE_H
#define MW_FW_PARSE_H

#include <stddef.h>

#include "sysconf/sysconf.h"

/*
 * Apache configuration file: reports the first argument of
 * SuexecUserGroup, AssignUserID (mpm-itk) and User (case-insensitive
 * directive names, "#" comments, quoted arguments).
 */
void mw_fw_parse_apache(const char *text, size_t len, const struct mw_sysconf_cb *cb);

/*
 * Apache envvars (a shell fragment): the value assigned to var by lines
 * like "export APACHE_RUN_USER=www-data". Writes it into out (NUL-
 * terminated) and returns 1 when found, 0 otherwise; the last assignment
 * wins. Values with shell expansions ($, `) are not taken.
 */
int mw_fw_parse_apache_envvars(const char *text, size_t len, const char *var,
			    char *out, size_t outlen);

/*
 * nginx main configuration: reports the first argument of the "user"
 * directive in the main context (not inside any block).
 */
void mw_fw_parse_nginx(const char *text, size_t len, const struct mw_sysconf_cb *cb);

#endif
