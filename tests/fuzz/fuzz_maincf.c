/* libFuzzer target: sysconf's main.cf parser (mw_kv_parse_maincf), for a
 * main.cf read without postconf. The input is not NUL-terminated on
 * purpose: the parser takes (text, len) and must never read past it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sysconf/mtakv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_kvlist kv = { 0 };

	(void)mw_kv_parse_maincf((const char *)data, size, &kv);
	(void)mw_kv_get(&kv, "mydestination");
	for (size_t i = 0; i < kv.n; i++)
		if (!kv.v[i].name[0] || strchr(kv.v[i].name, ' ') || !kv.v[i].value ||
		    !kv.v[i].line)
			abort();
	mw_kv_free(&kv);
	return 0;
}
