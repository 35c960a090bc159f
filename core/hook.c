#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/hook.h"
#include "core/limits.h"

#define HOOK_MAX_ENV	16
#define HOOK_FD		3	/* the program's descriptor in the child */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Open and vet the program; returns the fd or -1 with err filled. */
static int open_hook(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (path[0] != '/') {
		snprintf(err, errlen, "%s: not an absolute path", path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, errno == ELOOP ?
			 "is a symbolic link; refusing to run it" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
		snprintf(err, errlen, "%s: not an executable regular file", path);
	} else if (!mw_config_file_trusted(&st)) {
		snprintf(err, errlen, "%s: refusing a hook that is group/world-writable or "
			 "not owned by root", path);
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

/* In the child: own process group, stdin/stdout/stderr, run from fd. */
static void __attribute__((noreturn))
exec_child(int fd, int in, int out, const char *path, char *const envp[])
{
	char *const argv[] = { (char *)path, NULL };

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	if (chdir("/") != 0)
		_exit(127);
	/* out of the way first: with a standard descriptor closed in the
	 * parent, a pipe or the program may itself be 0..3 */
	if ((in = fcntl(in, F_DUPFD, 10)) < 0 || (out = fcntl(out, F_DUPFD, 10)) < 0 ||
	    (fd = fcntl(fd, F_DUPFD, 10)) < 0)
		_exit(127);
	/* dup2 clears close-on-exec: a script's interpreter opens /dev/fd/3 */
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 ||
	    dup2(fd, HOOK_FD) < 0)
		_exit(127);
	syscall(SYS_close_range, HOOK_FD + 1, ~0U, 0);
	syscall(SYS_execveat, HOOK_FD, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

/* Feed input and collect output until both pipes close or the deadline. */
static int pump(int in, int out, const char *input, size_t len, long long deadline,
		char *keep, size_t keepcap, size_t *kept)
{
	size_t off = 0;

	if (!len) {
		close(in);
		in = -1;
	}
	while (out >= 0) {
		struct pollfd pf[2] = { { .fd = out, .events = POLLIN },
					{ .fd = in, .events = POLLOUT } };
		int left = (int)(deadline - now_ms());

		if (left <= 0)
			break;
		if (poll(pf, in >= 0 ? 2 : 1, left) < 0 && errno != EINTR)
			break;
		if (in >= 0 && pf[1].revents) {
			ssize_t w = write(in, input + off, len - off);

			if (w > 0)
				off += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || off >= len) {
				close(in);	/* EOF, or the hook stopped reading */
				in = -1;
			}
		}
		if (pf[0].revents) {
			char buf[4096];
			ssize_t r = read(out, buf, sizeof(buf));

			if (r > 0) {
				size_t take = (size_t)r < keepcap - *kept ? (size_t)r : keepcap - *kept;

				memcpy(keep + *kept, buf, take);
				*kept += take;
			} else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(out);
				out = -1;
			}
		}
	}
	if (in >= 0)
		close(in);
	if (out >= 0) {
		close(out);
		return 1;	/* timed out */
	}
	return 0;
}

enum mw_err mw_hook_run(const char *path, const char *const *env, const char *input,
			size_t input_len, unsigned timeout_ms, struct mw_hook_result *res,
			char *err, size_t errlen)
{
	char *envp[HOOK_MAX_ENV + 3], keep[MW_MAX_HOOK_OUTPUT + 1];
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, fd, status = 0;
	size_t n = 0, kept = 0;
	long long deadline;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	envp[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	envp[n++] = "LC_ALL=C";
	for (size_t i = 0; env && env[i] && i < HOOK_MAX_ENV; i++)
		envp[n++] = (char *)env[i];
	envp[n] = NULL;
	if ((fd = open_hook(path, err, errlen)) < 0)
		return MW_ERR_CONFIG;
	if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC)) {
		snprintf(err, errlen, "%s: pipe: %s", path, strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "%s: fork: %s", path, strerror(errno));
		goto fail;
	}
	if (pid == 0)
		exec_child(fd, pin[0], pout[1], path, envp);
	setpgid(pid, pid);	/* also here: no race with the kill below */
	close(fd);
	close(pin[0]);
	close(pout[1]);
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	deadline = now_ms() + timeout_ms;
	res->timed_out = pump(pin[1], pout[0], input, input_len, deadline, keep,
			      MW_MAX_HOOK_OUTPUT, &kept);
	if (!res->timed_out) {
		/* output closed: give the program the rest of its time to exit
		 * (WNOWAIT: a zombie keeps its pid, so the group kill below
		 * cannot hit a recycled one) */
		siginfo_t si;

		for (;;) {
			memset(&si, 0, sizeof(si));
			if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
			    si.si_pid == pid)
				break;
			if (now_ms() >= deadline) {
				res->timed_out = 1;
				break;
			}
			usleep(10000);
		}
	}
	/* whatever it left behind in its group goes too */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !res->timed_out) {
		res->exited = 1;
		res->status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->status = WTERMSIG(status);
	}
	while (kept && (keep[kept - 1] == '\n' || keep[kept - 1] == ' '))
		kept--;
	if (kept >= sizeof(res->output))
		kept = sizeof(res->output) - 1;
	memcpy(res->output, keep, kept);
	res->output[kept] = '\0';
	return MW_OK;
fail:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
	}
	close(fd);
	return MW_ERR_IO;
}
