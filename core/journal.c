#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/journal.h"
#include "core/limits.h"

/* One field: "NAME=value\n", or for a value with a newline "NAME\n",
 * its length as 64-bit little endian, the bytes, "\n". */
static enum mw_err put_field(struct mw_buf *b, const char *name, const char *value)
{
	size_t len = strnlen(value, MW_MAX_JOURNAL_VALUE);
	enum mw_err e;

	if (!memchr(value, '\n', len))
		return mw_buf_printf(b, "%s=%.*s\n", name, (int)len, value);
	e = mw_buf_printf(b, "%s\n", name);
	for (unsigned i = 0; !e && i < 8; i++) {
		char c = (char)(((uint64_t)len >> (8 * i)) & 0xff);

		e = mw_buf_append(b, &c, 1);
	}
	if (!e)
		e = mw_buf_append(b, value, len);
	return e ? e : mw_buf_append(b, "\n", 1);
}

/* The fallback: one syslog line, fields appended as " NAME=value". */
static int to_syslog(int priority, const char *message,
		     const struct mw_journal_field *fields, size_t n)
{
	struct mw_buf line;
	size_t i;

	mw_buf_init(&line, MW_MAX_JOURNAL_ENTRY);
	mw_buf_printf(&line, "%.*s", MW_MAX_JOURNAL_VALUE, message);
	for (i = 0; i < n; i++)
		if (fields[i].value && *fields[i].value)
			mw_buf_printf(&line, " %s=%.*s", fields[i].name,
				      MW_MAX_JOURNAL_VALUE, fields[i].value);
	openlog("mailwarden", LOG_PID, LOG_DAEMON);
	syslog(priority, "%s", mw_buf_str(&line));
	closelog();
	mw_buf_free(&line);
	return 1;
}

enum mw_err mw_journal_format(struct mw_buf *b, int priority, const char *message,
			      const struct mw_journal_field *fields, size_t n)
{
	enum mw_err e = put_field(b, "MESSAGE", message);
	size_t i;

	if (!e)
		e = mw_buf_printf(b, "PRIORITY=%d\nSYSLOG_IDENTIFIER=mailwarden\n", priority & 7);
	for (i = 0; !e && i < n; i++)
		if (fields[i].value)
			e = put_field(b, fields[i].name, fields[i].value);
	return e;
}

int mw_journal_send(int priority, const char *message,
		    const struct mw_journal_field *fields, size_t n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct mw_buf b;
	int fd, rc = 0;

	mw_buf_init(&b, MW_MAX_JOURNAL_ENTRY);
	if (mw_journal_format(&b, priority, message, fields, n)) {
		mw_buf_free(&b);
		return -ENOMEM;
	}
	memcpy(sa.sun_path, MW_JOURNAL_SOCKET, sizeof(MW_JOURNAL_SOCKET));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
	} else {
		while (sendto(fd, b.data, b.len, MSG_NOSIGNAL, (struct sockaddr *)&sa,
			      sizeof(sa)) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		close(fd);
	}
	mw_buf_free(&b);
	/* No journald listening: syslog (rsyslog, or /dev/log of a container). */
	if (rc == -ENOENT || rc == -ECONNREFUSED || rc == -ENOTDIR)
		return to_syslog(priority, message, fields, n);
	return rc;
}
