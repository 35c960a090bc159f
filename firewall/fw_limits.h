/* Fixed limits of the firewall module (core/limits.h has the global ones). */
#ifndef MW_FW_LIMITS_H
#define MW_FW_LIMITS_H

#include "core/limits.h"

#define FW_MAX_USERS		4096	/* uids in the set */
#define FW_ELEMS_PER_MSG	1024	/* set elements per netlink message */
#define FW_MAX_PORTS		64
#define FW_MAX_USER_NAME	64	/* longer is not a usable login name */
#define FW_MAX_SOURCE		512	/* "php-fpm PATH:LINE", cut when longer */
#define FW_MAX_CONF_FILES	8192	/* web-server config files read */
#define FW_MAX_DIR_ENTRIES	4096	/* entries looked at per directory */
#define FW_NL_BUF		(256u << 10)	/* netlink batch and receive buffer */
#define FW_LOG_RATE		10	/* log lines per minute (burst 5) */

#endif
