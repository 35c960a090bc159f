/*
 * Running an administrator's hook program ([hooks] in mailwarden.conf):
 * no shell, a fixed minimal environment, input on stdin, a timeout after
 * which the whole process group is killed. Only a program root could have
 * put there runs (mw_config_file_trusted(), the configuration file's test).
 */
#ifndef MW_HOOK_H
#define MW_HOOK_H

#include <stddef.h>

#include "core/error.h"

struct mw_hook_result {
	int exited;		/* 1 when it exited (status below) */
	int status;		/* exit status or the signal that ended it */
	int timed_out;		/* killed (with its process group) at the timeout */
	char output[256];	/* start of what it wrote on stdout/stderr
				 * (raw bytes, NUL-terminated): for the log */
};

/*
 * Run the program at path (absolute) with argv { path, NULL }, the
 * environment PATH, LC_ALL=C and env (NULL-terminated "NAME=value"
 * strings, may be NULL), input on its stdin, working directory /, and
 * wait at most timeout_ms.
 * The program is opened once without following symlinks, checked (regular,
 * executable, owned by root or us, writable by nobody else) and executed
 * from that descriptor, so the file checked is the file run. Returns MW_OK
 * when it ran (see res: its status may still be a failure) or an error
 * with a message in err: refused or could not start.
 */
enum mw_err mw_hook_run(const char *path, const char *const *env, const char *input,
			size_t input_len, unsigned timeout_ms, struct mw_hook_result *res,
			char *err, size_t errlen);

#endif
