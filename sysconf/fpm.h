/*
 * sysconf/: the host's own configuration, read once for every check that
 * needs it (docs/architecture.md: between the checks and core/). This
 * file: PHP-FPM pools.
 */
#ifndef MW_SYSCONF_FPM_H
#define MW_SYSCONF_FPM_H

#include <stddef.h>

#include "core/strlist.h"
#include "sysconf/sysconf.h"

#define MW_SYSCONF_MAX_FPM_FILES	256	/* pool files read */
#define MW_SYSCONF_MAX_POOL_NAME	128	/* [pool] section name */

/*
 * A PHP-FPM pool file (PHP INI syntax, sysconf/ini.h): reports every
 * "user = X" (key in any case) inside a [pool] section to cb->user, with
 * "$pool" expanded to the section name the way php-fpm does; quotes and
 * ";" comments are gone. Problems of the file and user values that name
 * no user (empty, outside a pool, an environment variable, a NUL byte,
 * too long) go to cb->problem.
 */
void mw_fpm_parse_pool_users(const char *text, size_t len,
			     const struct mw_sysconf_cb *cb);

/*
 * Add the "user =" of every PHP-FPM pool file etc/php/<version>/fpm/pool.d/
 * *.conf beneath rootfd (the root directory, or --root) to users, each
 * once (mw_fpm_parse_pool_users; names with "$" are left out). Files are opened beneath rootfd without following links and read
 * up to MW_MAX_TEXT_FILE; what cannot be read adds nothing.
 */
void mw_sysconf_fpm_pool_users(int rootfd, struct mw_strlist *users);

#endif
