/* libFuzzer target: the procmailrc parser. The input is not NUL-terminated on purpose:
 * the parsers take (text, len) and must never read past it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/forwarders/fwd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwd_doc d;

	mw_fwd_doc_init(&d);
	(void)mw_fwd_parse_procmail(&d, (const char *)data, size);
	for (size_t i = 0; i < d.nfacts; i++)
		if (!d.facts[i].dest || !d.facts[i].text)
			abort();
	mw_fwd_doc_free(&d);
	return 0;
}
