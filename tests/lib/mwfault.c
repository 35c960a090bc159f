/*
 * Fault injection for the quarantine tests, as an LD_PRELOAD shim: the
 * shipped binary has no test hook (issue 19, item 20). The test compiles
 * this file and runs mailwarden with LD_PRELOAD=mwfault.so MW_FAULT=<mode>:
 *
 *   kill-before-move   SIGKILL just before the rename into quarantine
 *   kill-after-move    SIGKILL just after the rename into quarantine
 *   kill-after-unlink  SIGKILL just after the original (a "*.php") is
 *                      unlinked: the copy across filesystems
 *   kill-after-restore SIGKILL just after a restore's rename/link gave the
 *                      file its name back, before the record is updated
 *   swap-file          after a restore's rename/link puts the file back, an
 *   swap-fifo          "attacker" replaces it with a root-owned 0600 file
 *                      or a FIFO (what a by-path chown/chmod would then hit)
 *   vanish             a name containing "vanish" is deleted (file or empty
 *                      directory) just before openat(): a live site's churn
 *                      between getdents and open
 *
 * The quarantine's own names are "<digits>.q" and "<digits>.meta".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int is_qname(const char *p)
{
	const char *s = strrchr(p, '/');

	s = s ? s + 1 : p;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return strcmp(s, ".q") == 0 || strcmp(s, ".meta") == 0;
}

static int mode_is(const char *m)
{
	const char *v = getenv("MW_FAULT");

	return v && strcmp(v, m) == 0;
}

static void swap(int dirfd, const char *name)
{
	int fd;

	syscall(SYS_unlinkat, dirfd, name, 0);
	if (mode_is("swap-fifo")) {
		mknodat(dirfd, name, S_IFIFO | 0600, 0);
	} else {
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd >= 0) {
			(void)write(fd, "attacker\n", 9);
			close(fd);
		}
	}
}

int renameat2(int od, const char *op, int nd, const char *np, unsigned int flags)
{
	long rc;
	int into_q = is_qname(np) && !is_qname(op);
	int out_of_q = is_qname(op) && !is_qname(np);

	if (into_q && mode_is("kill-before-move"))
		kill(getpid(), SIGKILL);
	rc = syscall(SYS_renameat2, od, op, nd, np, flags);
	if (rc == 0 && into_q && mode_is("kill-after-move"))
		kill(getpid(), SIGKILL);
	if (rc == 0 && out_of_q && (mode_is("swap-file") || mode_is("swap-fifo")))
		swap(nd, np);
	if (rc == 0 && out_of_q && mode_is("kill-after-restore"))
		kill(getpid(), SIGKILL);
	return (int)rc;
}

int linkat(int od, const char *op, int nd, const char *np, int flags)
{
	long rc = syscall(SYS_linkat, od, op, nd, np, flags);

	if (rc == 0 && !is_qname(np) && (mode_is("swap-file") || mode_is("swap-fifo")))
		swap(nd, np);
	if (rc == 0 && !is_qname(np) && mode_is("kill-after-restore"))
		kill(getpid(), SIGKILL);
	return (int)rc;
}

int unlinkat(int dirfd, const char *path, int flags)
{
	long rc = syscall(SYS_unlinkat, dirfd, path, flags);
	size_t l = strlen(path);

	if (rc == 0 && l > 4 && strcmp(path + l - 4, ".php") == 0 &&
	    mode_is("kill-after-unlink"))
		kill(getpid(), SIGKILL);
	return (int)rc;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (strstr(path, "vanish") && mode_is("vanish")) {
		syscall(SYS_unlinkat, dirfd, path, 0);
		syscall(SYS_unlinkat, dirfd, path, AT_REMOVEDIR);
	}
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}
