/*
 * sysconf/: the host's own configuration, read once for every check that
 * needs it (docs/architecture.md: between the checks and core/). This
 * file: PHP-FPM pools.
 */
#ifndef MW_SYSCONF_FPM_H
#define MW_SYSCONF_FPM_H

#include "core/strlist.h"

#define MW_SYSCONF_MAX_FPM_FILES	256	/* pool files read */

/*
 * Add the "user =" of every PHP-FPM pool file etc/php/<version>/fpm/pool.d/
 * *.conf beneath rootfd (the root directory, or --root) to users, each
 * once. Files are opened beneath rootfd without following links and read
 * up to MW_MAX_TEXT_FILE; what cannot be read adds nothing.
 */
void mw_sysconf_fpm_pool_users(int rootfd, struct mw_strlist *users);

#endif
