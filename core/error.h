/*
 * One error type for the whole program (curl's CURLcode habit): library code
 * returns an mw_err and never prints; the CLI decides what the user sees.
 */
#ifndef MW_ERROR_H
#define MW_ERROR_H

enum mw_err {
	MW_OK = 0,
	MW_ERR_USAGE,		/* bad command line or argument */
	MW_ERR_IO,		/* read/write/open failed (errno kept by caller) */
	MW_ERR_NOMEM,
	MW_ERR_TOOBIG,		/* input exceeded a fixed limit */
	MW_ERR_SYMLINK,		/* refused to follow a symbolic link */
	MW_ERR_NOTREG,		/* not a regular file where one was required */
	MW_ERR_PARSE,		/* malformed input (file:line in the report) */
	MW_ERR_CONFIG,		/* bad configuration */
	MW_ERR_PRIV,		/* missing privilege (root, CAP_NET_ADMIN) */
	MW_ERR_UNSUPPORTED,	/* feature not available on this host/build */
	MW_ERR_TIMEOUT,
	MW_ERR_NET,
	MW_ERR_LIMIT,		/* a regex/match/resource limit was hit */
	MW_ERR_NOTIMPL,		/* subcommand not implemented yet */
	MW_ERR_INTERNAL,
	MW_ERR__COUNT
};

/* Short, static, lowercase description of an error code. */
const char *mw_strerror(enum mw_err e);

/* Map an errno value to the closest mw_err. */
enum mw_err mw_err_from_errno(int errnum);

#endif
