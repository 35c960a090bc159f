/* libFuzzer target: the nginx configuration parser (sysconf/webconf.h)
 * and the firewall's users over it. */
#include "tests/fuzz/fw_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fw_fuzz_copy(data, size);
	const char *const names[] = { "root", "user", "server_name", NULL };
	const char *span[2];
	const struct mw_webconf_cb wcb = { span, fw_fuzz_directive, fw_fuzz_problem };

	if (!buf)
		return 0;
	span[0] = buf;
	span[1] = buf + size;
	mw_nginx_conf_parse(buf, size, names, &wcb);
	mw_fw_parse_nginx(buf, size, &fw_fuzz_cb);
	free(buf);
	return 0;
}
