/* libFuzzer target: the signature rule-file parser, linter and condition
 * compiler (Vectorscan compilation is left out: it is not a parser of ours
 * and a hostile regex may legitimately take seconds to compile). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_sig_set s;
	size_t i;

	mw_sig_set_init(&s);
	(void)mw_sig_parse(&s, "fuzz.rules", (const char *)data, size);
	(void)mw_sig_lint(&s);
	for (i = 0; i < s.nrules; i++)
		if (s.rules[i].cond)
			(void)mw_cond_eval(&s.rules[i], 0x5, 0xa);
	mw_sig_set_free(&s);
	return 0;
}
