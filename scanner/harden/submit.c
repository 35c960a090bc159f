/*
 * The client side of the submit socket, for `mailwarden submit`: the
 * sendmail wrapper PHP-FPM pools run for mail() (php_admin_value
 * [sendmail_path]). It sends an empty question; policyd takes the uid from
 * the socket (SO_PEERCRED), so a web user can only ever spend its own limit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "scanner/harden/harden.h"

#define SUBMIT_TIMEOUT_MS	5000

int mw_submit_allowed(const char *socket_path, char *why, size_t whylen)
{
	static const char q[] = "request=mailwarden_submit\n\n";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pf;
	char reply[512];
	size_t got = 0;
	int fd, rc = -1;

	snprintf(why, whylen, "policy service %s: ", socket_path);
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    send(fd, q, sizeof(q) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(q) - 1)) {
		snprintf(why + strlen(why), whylen - strlen(why), "%s", strerror(errno));
		goto out;
	}
	pf = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (got < sizeof(reply) - 1 && !memmem(reply, got, "\n\n", 2)) {
		ssize_t n;

		if (poll(&pf, 1, SUBMIT_TIMEOUT_MS) <= 0 ||
		    (n = recv(fd, reply + got, sizeof(reply) - 1 - got, 0)) <= 0) {
			snprintf(why + strlen(why), whylen - strlen(why), "no answer");
			goto out;
		}
		got += (size_t)n;
	}
	reply[got] = '\0';
	if (strncmp(reply, "action=DUNNO", 12) == 0 || strncmp(reply, "action=OK", 9) == 0) {
		rc = 1;
	} else if (strncmp(reply, "action=DEFER", 12) == 0) {
		char *nl = strchr(reply, '\n');

		if (nl)
			*nl = '\0';
		snprintf(why, whylen, "%s", reply + 13);
		rc = 0;
	} else {
		snprintf(why + strlen(why), whylen - strlen(why), "unexpected answer");
	}
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
