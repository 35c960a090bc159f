/*
 * libFuzzer target: the provider-refusal classifier of the logs check (a
 * remote MX writes the reply; the log keeps it). The first line of the
 * input is the MX name, the rest the reply. Every field must come back
 * NUL-terminated, and a hit always names a provider and its pages.
 */
#include <stdint.h>
#include <string.h>

#include "scanner/maillog/maillog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *nl = memchr(p, '\n', size);
	struct ml_provider_hit h;
	size_t mxn = nl ? (size_t)(nl - p) : 0;
	const char *reply = nl ? nl + 1 : p;
	size_t rn = size - (size_t)(reply - p);

	if (mw_ml_reply_provider(reply, rn, p, mxn, &h)) {
		if (!h.provider || !h.postmaster || !memchr(h.code, '\0', sizeof(h.code)) ||
		    !memchr(h.status, '\0', sizeof(h.status)) || !memchr(h.ip, '\0', sizeof(h.ip)))
			__builtin_trap();
	}
	return 0;
}
