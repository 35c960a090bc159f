#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/db.h"

enum mw_err mw_db_open(const char *path, unsigned flags, int busy_ms, sqlite3 **db,
		       char *err, size_t errlen)
{
	int fd, how;

	*db = NULL;
	if (flags & MW_DB_CREATE) {
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (err)
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return MW_ERR_IO;
		}
		(void)fchmod(fd, 0600);
		close(fd);
	}
	how = (flags & MW_DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(path, db, how | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "%s: %s", path,
				 *db ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		errno = EIO;
		return MW_ERR_IO;
	}
	if (busy_ms > 0)
		sqlite3_busy_timeout(*db, busy_ms);
	return MW_OK;
}
