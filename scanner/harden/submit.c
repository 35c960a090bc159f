/*
 * `mailwarden submit`: the sendmail wrapper PHP-FPM pools run for mail()
 * (php_admin_value[sendmail_path]). It counts the message's recipients
 * (sendmail's command line and, with -t, the header it reads from stdin),
 * asks policyd on the submit socket, which takes the uid from the socket
 * (SO_PEERCRED) so that a web user can only ever spend its own limit, and
 * then runs sendmail with the message unchanged. Whatever it cannot parse
 * counts as one recipient and is logged: the message is never lost for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "core/safefile.h"
#include "scanner/harden/harden.h"
#include "scanner/harden/harden_int.h"

#define SUBMIT_TIMEOUT_MS	5000
#define SUBMIT_MAX_HEADER	(256u << 10)	/* header bytes read for -t */
#define SUBMIT_COPY_CHUNK	(64u << 10)
#define EX_TEMPFAIL_CODE	75		/* sysexits.h: try again later */

/*
 * Ask the policy service at socket_path whether the caller's uid may submit
 * one more message with rcpts recipients. 1 yes, 0 no (the reason in why),
 * -1 when the service cannot be asked (why says so).
 */
static int submit_allowed(const char *socket_path, unsigned long rcpts, char *why,
			  size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pf;
	char q[96], reply[512];
	size_t got = 0, qn;
	int fd, rc = -1;

	qn = (size_t)snprintf(q, sizeof(q), "request=mailwarden_submit\nrecipient_count=%lu\n\n",
			      rcpts);
	snprintf(why, whylen, "policy service %s: ", socket_path);
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    send(fd, q, qn, MSG_NOSIGNAL) != (ssize_t)qn) {
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

/*
 * sendmail's command line args[1..]: *extract = 1 with -t (also in a
 * cluster such as -ti), and the addresses of the recipient arguments after
 * the options. Options with a value skip it (attached or the next one).
 */
static unsigned long argv_recipients(char **args, int *extract, unsigned *bad)
{
	unsigned long n = 0;
	int i;

	*extract = 0;
	for (i = 1; args[i]; i++) {
		const char *a = args[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (strchr("BCFfNORrVXLhp", a[1])) {
			if (!a[2] && args[i + 1])
				i++;
		} else if (!strchr("boq", a[1]) && strchr(a + 1, 't')) {
			*extract = 1;	/* -boq take an attached value only */
		}
	}
	for (; args[i]; i++) {
		long k = mw_hd_address_count(args[i], strlen(args[i]));

		if (k < 0)
			(*bad)++;
		n += k < 0 ? 1 : (unsigned long)k;
	}
	return n;
}

/* Read stdin into buf until the header section ended, cap bytes were read
 * or EOF; *len the bytes read. Returns 1 when the header ended within the
 * bytes read (or at EOF), 0 at the cap, -1 on a read error. */
static int read_header(char *buf, size_t cap, size_t *len)
{
	*len = 0;
	while (*len < cap) {
		ssize_t n = read(0, buf + *len, cap - *len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 1;
		*len += (size_t)n;
		if (mw_hd_header_end(buf, *len))
			return 1;
	}
	return 0;
}

/* Run sendmail with head[0..n) and then the rest of stdin as its input;
 * its exit status, or EX_TEMPFAIL_CODE when it could not run. */
static int run_with_head(const char *sendmail, char **args, const char *head, size_t n)
{
	char *chunk;
	int p[2], st = 0, ok;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return EX_TEMPFAIL_CODE;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return EX_TEMPFAIL_CODE;
	}
	if (pid == 0) {
		if (dup2(p[0], 0) == 0)
			execv(sendmail, args);
		_exit(EX_TEMPFAIL_CODE);
	}
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);	/* a sendmail that quits early: its status says why */
	ok = mw_write_all(p[1], head, n) == 0;
	chunk = ok ? malloc(SUBMIT_COPY_CHUNK) : NULL;
	while (chunk) {
		ssize_t got = read(0, chunk, SUBMIT_COPY_CHUNK);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0 || mw_write_all(p[1], chunk, (size_t)got) != 0)
			break;
	}
	free(chunk);
	close(p[1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EX_TEMPFAIL_CODE;
}

int mw_submit(const char *socket_path, const char *sendmail, char **args)
{
	char why[512], *head = NULL;
	unsigned long rcpts;
	unsigned bad = 0, hbad = 0;
	size_t n = 0;
	int extract, ended = 1, rc;

	rcpts = argv_recipients(args, &extract, &bad);
	if (extract) {
		if (!(head = malloc(SUBMIT_MAX_HEADER))) {
			fprintf(stderr, "mailwarden submit: out of memory\n");
			return EX_TEMPFAIL_CODE;
		}
		ended = read_header(head, SUBMIT_MAX_HEADER, &n);
		if (ended < 0) {
			fprintf(stderr, "mailwarden submit: reading the message: %s\n",
				strerror(errno));
			free(head);
			return EX_TEMPFAIL_CODE;
		}
		rcpts += mw_hd_header_recipients(head, n, &hbad);
		bad += hbad + !ended;	/* past the cap: the rest counts as one */
		rcpts += !ended;
	}
	if (bad) {
		openlog("mailwarden-submit", LOG_PID, LOG_MAIL);
		syslog(LOG_WARNING, "uid %u: %u recipient list%s not parsed%s, counted as 1 each",
		       (unsigned)getuid(), bad, bad == 1 ? "" : "s",
		       ended ? "" : " (the header is larger than the cap)");
		fprintf(stderr, "mailwarden submit: %u recipient list%s not parsed, counted "
			"as 1 each\n", bad, bad == 1 ? "" : "s");
	}
	rc = submit_allowed(socket_path, rcpts ? rcpts : 1, why, sizeof(why));
	if (rc == 0) {
		fprintf(stderr, "mailwarden submit: not sent: %s\n", why);
		free(head);
		return EX_TEMPFAIL_CODE;
	}
	if (rc < 0)	/* no limit service: the mail still goes (and is logged) */
		fprintf(stderr, "mailwarden submit: %s; sending without a limit\n", why);
	if (!head) {
		execv(sendmail, args);
		rc = EX_TEMPFAIL_CODE;
	} else {
		rc = run_with_head(sendmail, args, head, n);
		free(head);
	}
	if (rc == EX_TEMPFAIL_CODE)
		fprintf(stderr, "mailwarden submit: %s: did not take the message\n", sendmail);
	return rc;
}
