/* libFuzzer target: aliases(5), .forward lists, Postfix virtual and regexp tables (the first byte picks the format). The input is not NUL-terminated on purpose:
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
	switch (size ? data[0] % 4 : 0) {
	case 0: (void)mw_fwd_parse_aliases(&d, (const char *)data, size); break;
	case 1: (void)mw_fwd_parse_forward(&d, (const char *)data, size); break;
	case 2: (void)mw_fwd_parse_virtual(&d, (const char *)data, size); break;
	default: (void)mw_fwd_parse_regexp_table(&d, (const char *)data, size); break;
	}
	(void)mw_fwd_forward_filter_type((const char *)data, size);
	for (size_t i = 0; i < d.nfacts; i++)
		if (!d.facts[i].dest || !d.facts[i].text)
			abort();
	mw_fwd_doc_free(&d);
	return 0;
}
