/*
 * The one way a SQLite database of ours (scan cache, quarantine index,
 * policy counters, nightly state) or of a host application (Roundcube)
 * is opened: never through a symbolic link, created for root only.
 */
#ifndef MW_CORE_DB_H
#define MW_CORE_DB_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/error.h"

#define MW_DB_CREATE	1u	/* create the file (mode 0600) if missing */
#define MW_DB_READONLY	2u	/* open read-only */

/*
 * Open the database at path with flags and a busy timeout of busy_ms
 * (0: none). With MW_DB_CREATE the file is created first with open(2)
 * (O_NOFOLLOW, mode 0600, and an existing file is made 0600), so SQLite
 * never creates it with the umask's mode. MW_OK and *db, or an error with
 * *db NULL, errno set (EIO when SQLite refused the file) and one line
 * for a person in err ("path: reason") when err is not NULL.
 */
enum mw_err mw_db_open(const char *path, unsigned flags, int busy_ms, sqlite3 **db,
		       char *err, size_t errlen);

#endif
