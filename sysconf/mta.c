/*
 * Postfix's and Exim's command lines (sysconf/mta.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/spawn.h"
#include "sysconf/mta.h"

#define MTA_MAX_ARGV	64	/* words of one command line */

const char *mw_exim_program(const char *given, char *buf, size_t n)
{
	if (given)
		return given;
	if (mw_find_program("exim4", buf, n) == 0 || mw_find_program("exim", buf, n) == 0)
		return buf;
	return NULL;
}

enum mw_postfix_state mw_postfix_state(const char *dir)
{
	char path[MW_MAX_PATH];

	if (mw_find_program("postconf", path, sizeof(path)) != 0)
		return MW_POSTFIX_ABSENT;
	if (!dir && access("/etc/postfix/main.cf", F_OK) != 0)
		return MW_POSTFIX_UNCONFIGURED;
	return MW_POSTFIX_PRESENT;
}

/* argv of prog [-c dir] pre... args...; -1 when it does not fit. */
static int build(const char **argv, const char *prog, const char *dir, const char *pre,
		 const char *const args[])
{
	size_t n = 0, i;

	argv[n++] = prog;
	if (dir) {
		argv[n++] = "-c";
		argv[n++] = dir;
	}
	if (pre)
		argv[n++] = pre;
	for (i = 0; args[i]; i++) {
		if (n + 1 >= MTA_MAX_ARGV)
			return -1;
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	return 0;
}

/* Run (memo or fresh) and parse into kv when kv is not NULL. */
static enum mw_err run(const char *const argv[], int fresh, struct mw_buf *out,
		       struct mw_kvlist *kv, char *err, size_t errlen)
{
	struct mw_buf own;
	enum mw_err e;

	if (!argv) {
		snprintf(err, errlen, "too many arguments");
		if (out)
			mw_buf_init(out, 0);
		return MW_ERR_TOOBIG;
	}
	if (!out)
		out = &own;
	e = fresh ? mw_kv_capture_fresh(argv, out, err, errlen) :
		    mw_kv_capture(argv, out, err, errlen);
	if (e == MW_OK && kv) {
		e = mw_kv_parse(out->data ? out->data : "", out->len, kv);
		if (e != MW_OK)
			snprintf(err, errlen, "cannot parse the output of %s", argv[0]);
	}
	if (out == &own)
		mw_buf_free(&own);
	return e;
}

enum mw_err mw_postconf(const char *dir, const char *const args[], struct mw_buf *out,
			char *err, size_t errlen)
{
	const char *argv[MTA_MAX_ARGV];

	return run(build(argv, "postconf", dir, NULL, args) ? NULL : argv, 0, out, NULL,
		   err, errlen);
}

enum mw_err mw_postconf_kv(const char *dir, const char *const args[], struct mw_kvlist *kv,
			   char *err, size_t errlen)
{
	const char *argv[MTA_MAX_ARGV];

	return run(build(argv, "postconf", dir, NULL, args) ? NULL : argv, 0, NULL, kv,
		   err, errlen);
}

enum mw_err mw_postconf_edit(const char *dir, const char *const settings[], char *err,
			     size_t errlen)
{
	const char *argv[MTA_MAX_ARGV];
	enum mw_err e;

	e = run(build(argv, "postconf", dir, "-e", settings) ? NULL : argv, 1, NULL, NULL,
		err, errlen);
	mw_kv_forget();
	return e;
}

enum mw_err mw_exim(const char *prog, const char *const args[], int fresh,
		    struct mw_buf *out, char *err, size_t errlen)
{
	const char *argv[MTA_MAX_ARGV];

	return run(build(argv, prog, NULL, NULL, args) ? NULL : argv, fresh, out, NULL,
		   err, errlen);
}

enum mw_err mw_exim_kv(const char *prog, const char *const args[], struct mw_kvlist *kv,
		       char *err, size_t errlen)
{
	const char *argv[MTA_MAX_ARGV];

	return run(build(argv, prog, NULL, NULL, args) ? NULL : argv, 0, NULL, kv, err,
		   errlen);
}
