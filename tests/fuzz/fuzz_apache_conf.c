/* libFuzzer target: the Apache configuration parser (sysconf/webconf.h), and
 * the firewall's users and envvars parsers over and next to it. */
#include "tests/fuzz/fw_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[FW_MAX_USER_NAME];
	char *buf = fw_fuzz_copy(data, size);
	const char *const names[] = { "DocumentRoot", "User", "ServerName", NULL };
	const char *span[2];
	const struct mw_webconf_cb wcb = { span, fw_fuzz_directive, fw_fuzz_problem };

	if (!buf)
		return 0;
	span[0] = buf;
	span[1] = buf + size;
	mw_apache_conf_parse(buf, size, names, &wcb);
	mw_fw_parse_apache(buf, size, &fw_fuzz_cb);
	(void)mw_fw_parse_apache_envvars(buf, size, "APACHE_RUN_USER", out, sizeof(out));
	free(buf);
	return 0;
}
