/* libFuzzer target: the Apache configuration and envvars parsers (firewall/fw_parse.h). */
#include "tests/fuzz/fw_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[FW_MAX_USER_NAME];
	char *buf = fw_fuzz_copy(data, size);

	if (!buf)
		return 0;
	fw_parse_apache(buf, size, &fw_fuzz_cb);
	(void)fw_parse_apache_envvars(buf, size, "APACHE_RUN_USER", out, sizeof(out));
	free(buf);
	return 0;
}
