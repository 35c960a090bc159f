/*
 * The Exim step of `mailwarden account --respond` (resp.h): block SMTP
 * AUTH for the user through a data file that an ACL of the administrator's
 * Exim configuration reads (one-time configuration, mailwarden(8)):
 *
 *   drop authenticated = *
 *        condition = ${lookup{$authenticated_id}lsearch{DIR/mailwarden-exim-deny}{yes}{no}}
 *
 * The tool never edits Exim's configuration. It asks the Exim it acts on
 * for its configuration (exim -bP config) to find the file that ACL names,
 * validates the configuration (exim -bV) before anything, and adds the
 * user's line through the same response record as the Postfix table, so
 * --restore puts the file back byte-identical. Exim reads an lsearch file
 * on every lookup: no reload.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "scanner/account/resp.h"
#include "sysconf/mta.h"

#define EXIM_FILE	"mailwarden-exim-deny"
#define EXIM_DEFAULT	"/etc/exim4/" EXIM_FILE

int mw_acct_exim_validate(struct acct_run *a, const char **prog, char *why, size_t wl)
{
	static const char *const bv[] = { "-bV", NULL };
	enum mw_err e;

	*prog = mw_exim_program(a->o->exim, a->exim_path, sizeof(a->exim_path));
	if (!*prog) {
		*prog = "exim4";
		snprintf(why, wl, "no Exim installed");
		return -1;
	}
	e = mw_exim(*prog, bv, 1, NULL, why, wl);
	return e == MW_OK ? 0 : e == MW_ERR_CONFIG ? 1 : -1;
}

/*
 * The data file the configuration's ACL reads: an absolute path ending in
 * "/mailwarden-exim-deny" right after a '{' (lsearch{PATH}), in a
 * configuration that also looks up $authenticated_id. 0 and path filled,
 * -1 when the configuration does not name it.
 */
static int exim_deny_path(const char *conf, size_t n, char *path, size_t cap)
{
	static const char tail[] = "/" EXIM_FILE "}";
	const char *p = conf, *end = conf + n, *q;

	if (!memmem(conf, n, "$authenticated_id", 17))
		return -1;
	while ((q = memmem(p, (size_t)(end - p), tail, sizeof(tail) - 1))) {
		const char *b = q;

		while (b > conf && b[-1] != '{' && b[-1] != ' ' && b[-1] != '\n' && q - b < 1024)
			b--;
		if (b > conf && b[-1] == '{' && *b == '/' &&
		    (size_t)(q - b) + sizeof(tail) - 1 < cap) {
			snprintf(path, cap, "%.*s", (int)(q - b + (long)sizeof(tail) - 2), b);
			return 0;
		}
		p = q + 1;
	}
	return -1;
}

void mw_acct_block_exim(struct resp *p)
{
	struct acct_run *a = p->a;
	const char *prog = NULL, *slash;
	static const char *const bp[] = { "-bP", "config", NULL };
	char why[400], path[MW_MAX_PATH], dir[MW_MAX_PATH], what[MW_MAX_PATH + 300];
	struct mw_buf conf;
	int rc, dfd;

	rc = mw_acct_exim_validate(a, &prog, why, sizeof(why));
	/* No Exim installed is the usual case (Postfix and Exim exclude
	 * each other): no step. An Exim asked for must run. */
	if (rc < 0 && !a->o->exim)
		return;
	if (rc < 0) {
		mw_acct_fail(p, "block-exim", prog, why);
		return;
	}
	if (rc != 0) {
		snprintf(what, sizeof(what), "%s -bV: the configuration does not validate, nothing "
			 "changed in Exim", prog);
		mw_acct_fail(p, "block-exim", what, why);
		return;
	}
	rc = mw_exim(prog, bp, 0, &conf, why, sizeof(why)) == MW_OK ? 0 : -1;
	if (rc != 0 || exim_deny_path(conf.data ? conf.data : "", conf.len, path, sizeof(path))) {
		snprintf(what, sizeof(what),
			 "%s does not read a %s: add once, first in the ACL of acl_smtp_mail, "
			 "drop authenticated = * condition = ${lookup{$authenticated_id}lsearch{%s}"
			 "{yes}{no}} and create the file empty (see mailwarden(8))",
			 prog, EXIM_FILE, EXIM_DEFAULT);
		mw_acct_fail(p, "block-exim", what, rc != 0 ? why : "not configured");
		mw_buf_free(&conf);
		return;
	}
	mw_buf_free(&conf);
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	/* Exim defers every lookup of a missing lsearch file: it must exist
	 * before the response, so that --restore has a file to put back. */
	dfd = mw_acct_open_dir(dir[0] ? dir : "/");
	if (dfd < 0 || faccessat(dfd, EXIM_FILE, F_OK, AT_SYMLINK_NOFOLLOW) != 0) {
		snprintf(what, sizeof(what), "%s is missing (Exim defers mail of every "
			 "authenticated session meanwhile): create it empty", path);
		mw_acct_fail(p, "block-exim", what, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return;
	}
	close(dfd);
	snprintf(what, sizeof(what), "add %s to %s (Exim's ACL drops an SMTP session "
		 "authenticated as it at MAIL; read on every lookup, no reload)", a->o->user, path);
	mw_acct_block_file(p, "block-exim", dir[0] ? dir : "/", EXIM_FILE, a->o->user, what, NULL);
}

int mw_acct_unblock_exim(struct resp *p, json_t *st, char *what, size_t wl)
{
	snprintf(what, wl, "take %s out of %s/%s", p->a->o->user, acct_jstr(st, "dir"), EXIM_FILE);
	return p->apply ? mw_acct_unblock_file(p, st, NULL) : 0;
}
