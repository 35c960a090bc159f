/* libFuzzer target: the Apache configuration and envvars parsers (firewall/fw_parse.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/fw_limits.h"
#include "firewall/fw_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_user(void *arg, const char *name, unsigned long line, const char *directive)
{
	(void)arg;
	/* Names are NUL-terminated, capped, and come with a real line. */
	if (strlen(name) >= FW_MAX_USER_NAME || !*name || line == 0 || !directive)
		abort();
}

static void on_problem(void *arg, unsigned long line, const char *msg)
{
	(void)arg;
	if (line == 0 || !msg)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_parse_cb cb = { NULL, on_user, on_problem };
	char out[FW_MAX_USER_NAME];
	/* An exact-size copy without a NUL: reading past it is an ASan error. */
	char *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);

	fw_parse_apache(buf, size, &cb);
	(void)fw_parse_apache_envvars(buf, size, "APACHE_RUN_USER", out, sizeof(out));
	free(buf);
	return 0;
}
