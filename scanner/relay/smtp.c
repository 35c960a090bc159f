#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "scanner/relay/smtp.h"

struct mw_smtp_conn {
	int fd;
	unsigned timeout_ms;
	long long deadline;		/* overall, CLOCK_MONOTONIC ms; 0 = none */
	int family;
	size_t len;			/* bytes buffered in buf */
	char buf[MW_SMTP_MAX_REPLY_BYTES];
	char local[INET6_ADDRSTRLEN];
	char peer[INET6_ADDRSTRLEN];
};

static const char *const status_text[MW_SMTP__COUNT] = {
	[MW_SMTP_OK] = "ok",
	[MW_SMTP_INCOMPLETE] = "incomplete reply",
	[MW_SMTP_BAD_CODE] = "malformed reply code",
	[MW_SMTP_BAD_SEPARATOR] = "malformed reply line (no ' ' or '-' after the code)",
	[MW_SMTP_CODE_MISMATCH] = "reply lines carry different codes",
	[MW_SMTP_LINE_TOO_LONG] = "reply line too long",
	[MW_SMTP_TOO_MANY_LINES] = "reply has too many lines",
	[MW_SMTP_REPLY_TOO_LONG] = "reply too long",
	[MW_SMTP_NUL] = "NUL byte in reply",
	[MW_SMTP_CLOSED] = "connection closed by the server",
	[MW_SMTP_TIMEOUT] = "timed out",
	[MW_SMTP_DEADLINE] = "overall deadline reached",
	[MW_SMTP_REFUSED] = "connection refused",
	[MW_SMTP_RESOLVE] = "cannot resolve host",
	[MW_SMTP_BAD_COMMAND] = "refused to send a malformed command",
	[MW_SMTP_IO] = "socket error",
	[MW_SMTP_NOMEM] = "out of memory",
};

const char *mw_smtp_strstatus(enum mw_smtp_status s)
{
	if ((unsigned)s >= MW_SMTP__COUNT || !status_text[s])
		return "unknown error";
	return status_text[s];
}

static int valid_code(const char *p)
{
	return p[0] >= '2' && p[0] <= '5' && p[1] >= '0' && p[1] <= '5' &&
	       p[2] >= '0' && p[2] <= '9';
}

/* Append one line's text to the reply, '\n' between lines, capped. */
static void add_text(struct mw_smtp_reply *r, const char *s, size_t n)
{
	size_t used = strlen(r->text);
	size_t room = sizeof(r->text) - 1 - used;

	if (r->nlines > 1) {
		if (!room) {
			r->text_truncated = 1;
			return;
		}
		r->text[used++] = '\n';
		room--;
	}
	if (n > room) {
		n = room;
		r->text_truncated = 1;
	}
	memcpy(r->text + used, s, n);
	r->text[used + n] = '\0';
}

enum mw_smtp_status mw_smtp_parse_reply(const char *buf, size_t len,
					struct mw_smtp_reply *r,
					size_t *consumed)
{
	size_t pos = 0;

	memset(r, 0, sizeof(*r));
	*consumed = 0;
	for (;;) {
		const char *line = buf + pos;
		size_t avail = len - pos, n, end;
		const char *lf = memchr(line, '\n', avail);
		int code, last;

		if (!lf) {
			if (avail >= MW_SMTP_MAX_LINE)
				return MW_SMTP_LINE_TOO_LONG;
			if (pos + avail >= MW_SMTP_MAX_REPLY_BYTES)
				return MW_SMTP_REPLY_TOO_LONG;
			return MW_SMTP_INCOMPLETE;
		}
		end = (size_t)(lf - line) + 1;	/* through LF */
		if (end > MW_SMTP_MAX_LINE)
			return MW_SMTP_LINE_TOO_LONG;
		if (pos + end > MW_SMTP_MAX_REPLY_BYTES)
			return MW_SMTP_REPLY_TOO_LONG;
		n = end - 1;
		if (n && line[n - 1] == '\r')
			n--;
		if (memchr(line, '\0', n))
			return MW_SMTP_NUL;
		if (n < 3 || !valid_code(line))
			return MW_SMTP_BAD_CODE;
		if (n > 3 && line[3] != ' ' && line[3] != '-')
			return MW_SMTP_BAD_SEPARATOR;
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
		if (r->nlines && code != r->code)
			return MW_SMTP_CODE_MISMATCH;
		if (r->nlines >= MW_SMTP_MAX_REPLY_LINES)
			return MW_SMTP_TOO_MANY_LINES;
		r->code = code;
		r->nlines++;
		last = n == 3 || line[3] == ' ';
		add_text(r, line + (n > 3 ? 4 : 3), n > 3 ? n - 4 : 0);
		pos += end;
		if (last) {
			*consumed = pos;
			return MW_SMTP_OK;
		}
	}
}

int mw_smtp_ehlo_has(const struct mw_smtp_reply *r, const char *kw,
		     const char **params, size_t *params_len)
{
	size_t kwlen = strlen(kw);
	const char *p = strchr(r->text, '\n');

	/* the first line is the server's greeting name, not a keyword */
	while (p) {
		const char *line = p + 1, *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);

		if (n >= kwlen && strncasecmp(line, kw, kwlen) == 0 &&
		    (n == kwlen || line[kwlen] == ' ' || line[kwlen] == '=')) {
			if (params) {
				size_t skip = n > kwlen ? kwlen + 1 : kwlen;

				*params = line + skip;
				*params_len = n - skip;
			}
			return 1;
		}
		p = eol;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long mw_smtp_now_ms(void)
{
	return now_ms();
}

/* The end of one step: timeout_ms from now, or the overall deadline when
 * that comes first. *by_deadline tells which one it is. */
static long long step_end(unsigned timeout_ms, long long deadline, int *by_deadline)
{
	long long end = now_ms() + timeout_ms;

	*by_deadline = deadline > 0 && deadline <= end;
	return *by_deadline ? deadline : end;
}

/* Wait for events on fd until deadline; 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int rc;

	for (;;) {
		long long left = deadline - now_ms();

		if (left <= 0)
			return 0;
		rc = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

static void addr_string(const struct sockaddr *sa, char *dst, size_t len)
{
	const void *a = NULL;

	dst[0] = '\0';
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (a && !inet_ntop(sa->sa_family, a, dst, (socklen_t)len))
		dst[0] = '\0';
}

/* Non-blocking connect with a deadline, from src when given (same
 * family as ai); returns the fd, or -1 with errno. */
static int connect_one(const struct addrinfo *ai, const struct sockaddr_storage *src,
		       socklen_t srclen, unsigned timeout_ms, long long deadline)
{
	int fd, soerr = 0, by_deadline;
	socklen_t sl = sizeof(soerr);

	if (src && src->ss_family != ai->ai_family) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (src && bind(fd, (const struct sockaddr *)src, srclen) != 0)
		goto fail;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto fail;
	switch (wait_fd(fd, POLLOUT, step_end(timeout_ms, deadline, &by_deadline))) {
	case 0:
		/* ETIME: our own deadline, not the peer's silence */
		errno = by_deadline ? ETIME : ETIMEDOUT;
		goto fail;
	case -1:
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		goto fail;
	if (soerr) {
		errno = soerr;
		goto fail;
	}
	return fd;
fail:
	soerr = errno;
	close(fd);
	errno = soerr;
	return -1;
}

enum mw_smtp_status mw_smtp_connect(const char *host, const char *port,
				    unsigned timeout_ms,
				    struct mw_smtp_conn **out,
				    char *err, size_t errlen)
{
	return mw_smtp_connect_by(host, port, NULL, timeout_ms, 0, out, err, errlen);
}

enum mw_smtp_status mw_smtp_connect_from(const char *host, const char *port,
					 const char *source, unsigned timeout_ms,
					 struct mw_smtp_conn **out,
					 char *err, size_t errlen)
{
	return mw_smtp_connect_by(host, port, source, timeout_ms, 0, out, err, errlen);
}

/* A numeric source address as a sockaddr with port 0; -1 if not one. */
static int source_sockaddr(const char *src, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, src, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, src, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

enum mw_smtp_status mw_smtp_connect_by(const char *host, const char *port,
				       const char *source, unsigned timeout_ms,
				       long long deadline, struct mw_smtp_conn **out,
				       char *err, size_t errlen)
{
	/* no AI_ADDRCONFIG: glibc ignores loopback for it, and a host with
	 * only lo (a test namespace) could then not reach 127.0.0.1 by name */
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL, *ai;
	struct sockaddr_storage ss, src;
	socklen_t sl, srclen = 0;
	struct mw_smtp_conn *c;
	enum mw_smtp_status st = MW_SMTP_IO;
	int fd = -1, rc, saved = 0;

	*out = NULL;
	err[0] = '\0';
	if (source && source_sockaddr(source, &src, &srclen) != 0) {
		snprintf(err, errlen, "source address '%s' is not an IP address", source);
		return MW_SMTP_BAD_COMMAND;
	}
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return MW_SMTP_RESOLVE;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (deadline > 0 && now_ms() >= deadline) {
			saved = ETIME;
			break;
		}
		fd = connect_one(ai, source ? &src : NULL, srclen, timeout_ms, deadline);
		if (fd >= 0)
			break;
		saved = errno;
	}
	if (fd < 0) {
		freeaddrinfo(res);
		if (saved == ETIME) {
			snprintf(err, errlen, "connect to %s port %s: %s", host, port,
				 status_text[MW_SMTP_DEADLINE]);
			return MW_SMTP_DEADLINE;
		}
		if (saved == ECONNREFUSED)
			st = MW_SMTP_REFUSED;
		else if (saved == ETIMEDOUT)
			st = MW_SMTP_TIMEOUT;
		snprintf(err, errlen, "connect to %s port %s%s%s: %s", host, port,
			 source ? " from " : "", source ? source : "", strerror(saved));
		return st;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		freeaddrinfo(res);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return MW_SMTP_NOMEM;
	}
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	c->deadline = deadline;
	c->family = ai->ai_family;
	addr_string(ai->ai_addr, c->peer, sizeof(c->peer));
	freeaddrinfo(res);
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		addr_string((struct sockaddr *)&ss, c->local, sizeof(c->local));
	*out = c;
	return MW_SMTP_OK;
}

void mw_smtp_set_deadline(struct mw_smtp_conn *c, long long deadline)
{
	c->deadline = deadline;
}

enum mw_smtp_status mw_smtp_read_reply(struct mw_smtp_conn *c,
				       struct mw_smtp_reply *r)
{
	int by_deadline;
	long long deadline = step_end(c->timeout_ms, c->deadline, &by_deadline);
	enum mw_smtp_status st;
	size_t used;
	ssize_t n;

	for (;;) {
		st = mw_smtp_parse_reply(c->buf, c->len, r, &used);
		if (st == MW_SMTP_OK) {
			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			return MW_SMTP_OK;
		}
		if (st != MW_SMTP_INCOMPLETE)
			return st;
		switch (wait_fd(c->fd, POLLIN, deadline)) {
		case 0:
			return by_deadline ? MW_SMTP_DEADLINE : MW_SMTP_TIMEOUT;
		case -1:
			return MW_SMTP_IO;
		}
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n == 0)
			return MW_SMTP_CLOSED;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return errno == ECONNRESET ? MW_SMTP_CLOSED : MW_SMTP_IO;
		}
		c->len += (size_t)n;
	}
}

static enum mw_smtp_status send_all(struct mw_smtp_conn *c, const char *p,
				    size_t n)
{
	int by_deadline;
	long long deadline = step_end(c->timeout_ms, c->deadline, &by_deadline);
	ssize_t w;

	while (n) {
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			switch (wait_fd(c->fd, POLLOUT, deadline)) {
			case 0:
				return by_deadline ? MW_SMTP_DEADLINE : MW_SMTP_TIMEOUT;
			case -1:
				return MW_SMTP_IO;
			}
			continue;
		}
		return errno == EPIPE || errno == ECONNRESET ? MW_SMTP_CLOSED
							     : MW_SMTP_IO;
	}
	return MW_SMTP_OK;
}

enum mw_smtp_status mw_smtp_command(struct mw_smtp_conn *c, const char *cmd,
				    struct mw_smtp_reply *r)
{
	char line[MW_SMTP_MAX_COMMAND + 1];
	size_t n = strlen(cmd);
	enum mw_smtp_status st;

	memset(r, 0, sizeof(*r));
	if (n + 2 > MW_SMTP_MAX_COMMAND || strpbrk(cmd, "\r\n"))
		return MW_SMTP_BAD_COMMAND;
	memcpy(line, cmd, n);
	memcpy(line + n, "\r\n", 2);
	st = send_all(c, line, n + 2);
	if (st != MW_SMTP_OK)
		return st;
	return mw_smtp_read_reply(c, r);
}

const char *mw_smtp_local_addr(const struct mw_smtp_conn *c)
{
	return c->local;
}

const char *mw_smtp_peer_addr(const struct mw_smtp_conn *c)
{
	return c->peer;
}

int mw_smtp_peer_family(const struct mw_smtp_conn *c)
{
	return c->family;
}

void mw_smtp_quit(struct mw_smtp_conn *c)
{
	struct mw_smtp_reply r;

	if (!c)
		return;
	/* a short wait is enough; the answer does not matter */
	c->timeout_ms = c->timeout_ms > 500 ? 500 : c->timeout_ms;
	(void)mw_smtp_command(c, "QUIT", &r);
	mw_smtp_close(c);
}

void mw_smtp_close(struct mw_smtp_conn *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}
