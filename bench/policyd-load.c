/*
 * Load generator for bench/policyd.sh: CONNS connections to a policyd
 * socket, each asking like Postfix's smtpd does (one request, wait for the
 * answer, next), round-robin over USERS SASL names, TOTAL requests in all.
 * Prints "requests seconds deferred".
 *
 *   policyd-load SOCKET TOTAL CONNS USERS
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAXC 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int ask(int fd, long i, long users)
{
	char q[512];
	int n = snprintf(q, sizeof(q),
			 "request=smtpd_access_policy\nprotocol_state=DATA\nprotocol_name=ESMTP\n"
			 "client_address=192.0.2.%ld\nclient_name=unknown\nhelo_name=c.example\n"
			 "sender=u%ld@example.com\nrecipient=\nrecipient_count=2\nqueue_id=\n"
			 "instance=%lx.1\nsize=0\nsasl_method=PLAIN\nsasl_username=u%ld@example.com\n\n",
			 i % 250, i % users, i, i % users);

	return write(fd, q, (size_t)n) == n ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pf[MAXC];
	char buf[MAXC][1024];
	size_t have[MAXC] = { 0 };
	long total, users, sent = 0, done = 0, deferred = 0;
	int conns;
	double t0;

	if (argc != 5)
		return 2;
	total = atol(argv[2]);
	conns = atoi(argv[3]);
	users = atol(argv[4]);
	if (conns < 1 || conns > MAXC || users < 1 || strlen(argv[1]) >= sizeof(sa.sun_path))
		return 2;
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	for (int c = 0; c < conns; c++) {
		pf[c].fd = socket(AF_UNIX, SOCK_STREAM, 0);
		pf[c].events = POLLIN;
		if (connect(pf[c].fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			perror("connect");
			return 1;
		}
	}
	t0 = now();
	for (int c = 0; c < conns && sent < total; c++)
		if (ask(pf[c].fd, sent++, users))
			return 1;
	while (done < total) {
		if (poll(pf, (nfds_t)conns, 5000) <= 0) {
			fprintf(stderr, "no answer\n");
			return 1;
		}
		for (int c = 0; c < conns; c++) {
			ssize_t n;

			if (!(pf[c].revents & POLLIN))
				continue;
			n = read(pf[c].fd, buf[c] + have[c], sizeof(buf[c]) - have[c]);
			if (n <= 0)
				return 1;
			have[c] += (size_t)n;
			if (have[c] < 2 || memcmp(buf[c] + have[c] - 2, "\n\n", 2))
				continue;
			deferred += !strncmp(buf[c], "action=DEFER", 12);
			have[c] = 0;
			done++;
			if (sent < total && ask(pf[c].fd, sent++, users))
				return 1;
		}
	}
	printf("%ld %.3f %ld\n", done, now() - t0, deferred);
	return 0;
}
