/*
 * Running helper programs (postconf, exim -bP, sendmail) without a shell:
 * argv is passed as is, the environment is a fixed minimal one, output is
 * capped and the child is killed after a timeout.
 */
#ifndef MW_SPAWN_H
#define MW_SPAWN_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"

struct mw_spawn_result {
	int exited;		/* 1 when the child exited normally */
	int status;		/* exit status, or the signal number */
	int timed_out;
	int truncated;		/* stdout exceeded the cap */
};

/*
 * Run argv[0] (an absolute path, or looked up in the fixed PATH) with
 * stdin from in/in_len (NULL = /dev/null), stdout captured into out (at most
 * cap bytes, rest discarded), stderr into err (may be NULL: discarded, at most
 * 64 KiB kept). Returns MW_ERR_IO when the program cannot be started
 * (errno set, ENOENT when it does not exist), MW_OK otherwise (check res).
 */
enum mw_err mw_spawn_capture(const char *const argv[], const char *in,
			     size_t in_len, struct mw_buf *out, size_t cap,
			     struct mw_buf *err, unsigned timeout_ms,
			     struct mw_spawn_result *res);

/* Find an executable in the fixed PATH; writes the path into dst. */
int mw_find_program(const char *name, char *dst, size_t dstlen);

#endif
