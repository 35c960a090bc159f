/*
 * Shared by the fuzz targets of sysconf's web-server and PHP-FPM parsers and
 * the firewall's users over them: callbacks that abort on a broken promise of the parser, and an
 * exact-size copy of the input without a NUL, so that reading past it is an
 * ASan error.
 */
#ifndef MW_FW_FUZZ_H
#define MW_FW_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/fw_limits.h"
#include "firewall/fw_parse.h"
#include "sysconf/webconf.h"

static inline void fw_fuzz_user(void *arg, const char *name, unsigned long line,
				const char *directive)
{
	(void)arg;
	/* Names are NUL-terminated, capped, and come with a real line. */
	if (strlen(name) >= FW_MAX_USER_NAME || !*name || line == 0 || !directive)
		abort();
}

static inline void fw_fuzz_problem(void *arg, unsigned long line, const char *msg)
{
	(void)arg;
	if (line == 0 || !msg)
		abort();
}

static const struct mw_sysconf_cb fw_fuzz_cb = { NULL, fw_fuzz_user, fw_fuzz_problem };

/* sysconf/webconf.h directly: a value lies inside the buffer (arg: its
 * start and end), on a real line. */
static inline void fw_fuzz_directive(void *arg, const char *name, const char *v,
				     size_t vn, unsigned long line, unsigned depth)
{
	const char *const *buf = arg;

	(void)depth;
	if (!name || line == 0 || (v && (v < buf[0] || v + vn > buf[1])) || (!v && vn))
		abort();
}

/* The input as a malloc'ed buffer of exactly size bytes (NULL: no memory). */
static inline char *fw_fuzz_copy(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);

	if (buf)
		memcpy(buf, data, size);
	return buf;
}

#endif
