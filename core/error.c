#include <errno.h>

#include "core/error.h"

static const char *const messages[MW_ERR__COUNT] = {
	[MW_OK] = "success",
	[MW_ERR_USAGE] = "usage error",
	[MW_ERR_IO] = "input/output error",
	[MW_ERR_NOMEM] = "out of memory",
	[MW_ERR_TOOBIG] = "input exceeds limit",
	[MW_ERR_SYMLINK] = "refusing to follow symbolic link",
	[MW_ERR_NOTREG] = "not a regular file",
	[MW_ERR_PARSE] = "parse error",
	[MW_ERR_CONFIG] = "configuration error",
	[MW_ERR_PRIV] = "insufficient privilege",
	[MW_ERR_UNSUPPORTED] = "not supported",
	[MW_ERR_TIMEOUT] = "timed out",
	[MW_ERR_NET] = "network error",
	[MW_ERR_LIMIT] = "resource limit reached",
	[MW_ERR_NOTIMPL] = "not implemented yet",
	[MW_ERR_INTERNAL] = "internal error",
};

const char *mw_strerror(enum mw_err e)
{
	if ((unsigned)e >= MW_ERR__COUNT)
		return "unknown error";
	return messages[e];
}

enum mw_err mw_err_from_errno(int errnum)
{
	switch (errnum) {
	case 0:
		return MW_OK;
	case ENOMEM:
		return MW_ERR_NOMEM;
	case ELOOP:
		return MW_ERR_SYMLINK;
	case EPERM:
	case EACCES:
		return MW_ERR_PRIV;
	case EFBIG:
	case E2BIG:
	case ENAMETOOLONG:
		return MW_ERR_TOOBIG;
	case ETIMEDOUT:
		return MW_ERR_TIMEOUT;
	case ENOSYS:
	case EOPNOTSUPP:
		return MW_ERR_UNSUPPORTED;
	default:
		return MW_ERR_IO;
	}
}
