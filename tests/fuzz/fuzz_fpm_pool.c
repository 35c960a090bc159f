/* libFuzzer target: the PHP-FPM pool file parser (firewall/fw_parse.h). */
#include "tests/fuzz/fw_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fw_fuzz_copy(data, size);

	if (!buf)
		return 0;
	fw_parse_fpm_pool(buf, size, &fw_fuzz_cb);
	free(buf);
	return 0;
}
