/* libFuzzer target: the configuration parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_config cfg;
	char err[256];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (mw_config_defaults(&cfg) == MW_OK)
		(void)mw_config_parse(&cfg, "fuzz.conf", text, err, sizeof(err));
	mw_config_free(&cfg);
	free(text);
	return 0;
}
