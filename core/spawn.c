#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/spawn.h"

#define FIXED_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static char *const child_env[] = {
	"PATH=" FIXED_PATH,
	"LC_ALL=C",
	"LANG=C",
	NULL
};

int mw_find_program(const char *name, char *dst, size_t dstlen)
{
	const char *p = FIXED_PATH, *colon;
	int n;

	if (strchr(name, '/')) {
		if (access(name, X_OK) != 0)
			return -1;
		n = snprintf(dst, dstlen, "%s", name);
		return n < 0 || (size_t)n >= dstlen ? -1 : 0;
	}
	while (*p) {
		colon = strchr(p, ':');
		n = snprintf(dst, dstlen, "%.*s/%s",
			     (int)(colon ? colon - p : (long)strlen(p)), p, name);
		if (n > 0 && (size_t)n < dstlen && access(dst, X_OK) == 0)
			return 0;
		if (!colon)
			break;
		p = colon + 1;
	}
	return -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drain(int *fd, struct mw_buf *b, size_t cap, int *truncated)
{
	char tmp[16384];
	ssize_t r = read(*fd, tmp, sizeof(tmp));

	if (r > 0) {
		size_t room = b && b->len < cap ? cap - b->len : 0;
		size_t take = (size_t)r < room ? (size_t)r : room;

		if (b && take && mw_buf_append(b, tmp, take) == MW_OK) {
			if (take < (size_t)r && truncated)
				*truncated = 1;
		} else if (truncated && b) {
			*truncated = 1;
		}
		return;
	}
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close(*fd);
	*fd = -1;
}

enum mw_err mw_spawn_capture(const char *const argv[], const char *in,
			     size_t in_len, struct mw_buf *out, size_t cap,
			     struct mw_buf *err, unsigned timeout_ms,
			     struct mw_spawn_result *res)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	char path[4096];
	size_t in_off = 0;
	long long deadline;
	int status, rc, saved;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (mw_find_program(argv[0], path, sizeof(path)) != 0) {
		errno = ENOENT;
		return MW_ERR_IO;
	}
	if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC)) {
		saved = errno;
		goto fail_pipes;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
	posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	rc = posix_spawn(&pid, path, &fa, NULL, (char *const *)argv, child_env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		saved = rc;
		goto fail_pipes;
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	if (!in || in_len == 0) {
		close(pin[1]);
		pin[1] = -1;
	} else {
		fcntl(pin[1], F_SETFL, O_NONBLOCK);
	}
	deadline = now_ms() + timeout_ms;
	while (pout[0] >= 0 || perr[0] >= 0) {
		struct pollfd pf[3];
		int n = 0, left = (int)(deadline - now_ms());

		if (left <= 0) {
			res->timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (pout[0] >= 0)
			pf[n++] = (struct pollfd){ .fd = pout[0], .events = POLLIN };
		if (perr[0] >= 0)
			pf[n++] = (struct pollfd){ .fd = perr[0], .events = POLLIN };
		if (pin[1] >= 0)
			pf[n++] = (struct pollfd){ .fd = pin[1], .events = POLLOUT };
		if (poll(pf, (nfds_t)n, left) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			if (!pf[i].revents)
				continue;
			if (pf[i].fd == pout[0])
				drain(&pout[0], out, cap, &res->truncated);
			else if (pf[i].fd == perr[0])
				drain(&perr[0], err, 65536, NULL);
			else if (pf[i].fd == pin[1]) {
				ssize_t w = write(pin[1], in + in_off, in_len - in_off);

				if (w > 0)
					in_off += (size_t)w;
				if ((w < 0 && errno != EAGAIN && errno != EINTR) ||
				    in_off >= in_len) {
					close(pin[1]);
					pin[1] = -1;
				}
			}
		}
	}
	if (pin[1] >= 0)
		close(pin[1]);
	if (pout[0] >= 0)
		close(pout[0]);
	if (perr[0] >= 0)
		close(perr[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status)) {
		res->exited = 1;
		res->status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->status = WTERMSIG(status);
	}
	return MW_OK;

fail_pipes:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	errno = saved;
	return MW_ERR_IO;
}
