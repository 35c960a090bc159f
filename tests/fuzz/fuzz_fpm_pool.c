/* libFuzzer target: the PHP-FPM pool users parser (sysconf/fpm.h) over
 * the PHP INI parser (sysconf/ini.h). */
#include "tests/fuzz/fw_fuzz.h"
#include "sysconf/fpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fw_fuzz_copy(data, size);

	if (!buf)
		return 0;
	mw_fpm_parse_pool_users(buf, size, &fw_fuzz_cb);
	free(buf);
	return 0;
}
