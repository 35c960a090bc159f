/*
 * sysconf/: the Postfix and Exim command lines the checks share: which
 * program is Exim, whether there is a Postfix to ask, `postconf [-c DIR]
 * ...` and `exim ...` through the one runner of mtakv.h (each command line
 * started once per process), and the edits that drop what it kept.
 */
#ifndef MW_SYSCONF_MTA_H
#define MW_SYSCONF_MTA_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"
#include "sysconf/mtakv.h"

/*
 * The Exim binary: given (--exim) as it is, else exim4 (Debian's name),
 * else exim, found in the fixed PATH; its path in buf. NULL when none is
 * installed (given is returned even if it does not exist: the run says).
 */
const char *mw_exim_program(const char *given, char *buf, size_t n);

enum mw_postfix_state {
	MW_POSTFIX_ABSENT,	/* no postconf in the fixed PATH */
	MW_POSTFIX_UNCONFIGURED,/* installed, no dir given, no /etc/postfix/main.cf */
	MW_POSTFIX_PRESENT,
};

/*
 * Whether there is a Postfix configuration to ask postconf about. A
 * Postfix never configured has no main.cf, and postconf would answer with
 * its defaults (the host name, ...), which nothing is sent as.
 */
enum mw_postfix_state mw_postfix_state(const char *dir);

/*
 * `postconf [-c dir] args...` (dir NULL: Postfix's own default) through
 * mw_kv_capture: its stdout in out, once per process for the same
 * command line. The shared command lines: "-x" (every parameter's
 * effective value), "-n" (what main.cf sets, unexpanded), "-P" "-x" (the
 * master.cf -o overrides), "-M".
 */
enum mw_err mw_postconf(const char *dir, const char *const args[], struct mw_buf *out,
			char *err, size_t errlen);
/* mw_postconf parsed into kv (the caller frees kv either way). */
enum mw_err mw_postconf_kv(const char *dir, const char *const args[], struct mw_kvlist *kv,
			   char *err, size_t errlen);
/*
 * `postconf [-c dir] -e setting...`: Postfix's own editor of main.cf,
 * started every time; what the runner kept is forgotten whatever the
 * outcome.
 */
enum mw_err mw_postconf_edit(const char *dir, const char *const settings[], char *err,
			     size_t errlen);

/*
 * `prog args...` for an Exim (prog from mw_exim_program): `-bP NAME...`,
 * `-bP transports`, `-bP config`. With fresh (checks such as -bV) the
 * program runs every time and nothing is kept; otherwise once per process.
 */
enum mw_err mw_exim(const char *prog, const char *const args[], int fresh,
		    struct mw_buf *out, char *err, size_t errlen);
/* mw_exim (not fresh) parsed into kv (the caller frees kv either way). */
enum mw_err mw_exim_kv(const char *prog, const char *const args[], struct mw_kvlist *kv,
		       char *err, size_t errlen);

#endif
