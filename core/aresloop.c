#include <errno.h>
#include <poll.h>
#include <time.h>

#include "core/aresloop.h"

long long mw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mw_ares_loop(ares_channel ch, const size_t *pending,
		  const long long *deadline)
{
	while (*pending) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd pfd[ARES_GETSOCK_MAXNUM];
		struct timeval maxtv, tv, *tvp;
		long long now = mw_now_ms(), left;
		int bm, np = 0, wait, k, rc;

		if (now >= *deadline)
			break;
		left = *deadline - now;
		maxtv.tv_sec = (time_t)(left / 1000);
		maxtv.tv_usec = (suseconds_t)((left % 1000) * 1000);
		bm = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
		for (k = 0; k < ARES_GETSOCK_MAXNUM; k++) {
			short ev = 0;

			/* c-ares' own ARES_GETSOCK_* macros shift a signed 1
			 * into the sign bit for the last socket */
			if ((unsigned)bm & (1u << k))
				ev |= POLLIN;
			if ((unsigned)bm & (1u << (k + ARES_GETSOCK_MAXNUM)))
				ev |= POLLOUT;
			if (!ev)
				continue;
			pfd[np].fd = socks[k];
			pfd[np].events = ev;
			pfd[np].revents = 0;
			np++;
		}
		tvp = ares_timeout(ch, &maxtv, &tv);
		wait = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
		rc = poll(pfd, (nfds_t)np, wait);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (rc == 0) {
			ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			continue;
		}
		for (k = 0; k < np; k++) {
			short r = pfd[k].revents;

			if (!r)
				continue;
			ares_process_fd(ch,
					(r & (POLLIN | POLLERR | POLLHUP)) ? pfd[k].fd : ARES_SOCKET_BAD,
					(r & POLLOUT) ? pfd[k].fd : ARES_SOCKET_BAD);
		}
	}
}
