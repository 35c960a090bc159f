/*
 * libFuzzer target: the parser of the marker that ends Exim's limit-hit
 * log lines ("[mailwarden-limit 1 KIND LIMIT USER64 UID]", read back by
 * `harden --check`). The input is one log line, as an attacker who
 * chooses addresses and HELO names shapes most of it.
 */
#include <stdint.h>
#include <string.h>

#include "scanner/harden/harden_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_limit_hit h;

	if (mw_hd_limit_parse((const char *)data, size, &h) != 0)
		return 0;
	/* a hit names a known kind and a user without a NUL, within bounds */
	if ((unsigned)h.kind > HD_LIM_LOCAL_RECIPIENTS || memchr(h.user, '\0', sizeof(h.user)) == NULL ||
	    h.uid < -1 || data[size - 1] != ']')
		__builtin_trap();
	return 0;
}
