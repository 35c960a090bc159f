/*
 * libFuzzer target: the literal-gate analysis of a regex (mw_sig_factors)
 * checked for soundness against PCRE2 itself. Input: REGEX NUL SUBJECT.
 * Whenever PCRE2 finds a match in SUBJECT, every gate set must have a string
 * in SUBJECT (ASCII case-insensitively), and for an anchored gate a string
 * of sets[0] must start within reach bytes of the match's start (at it, for
 * reach 0); otherwise the engine would skip a real match, and the target
 * aborts.
 */
#define _GNU_SOURCE
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signatures/sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int occurs(const char *hay, size_t n, const char *needle)
{
	size_t l = strlen(needle), i;

	for (i = 0; l <= n && i <= n - l; i++)
		if (strncasecmp(hay + i, needle, l) == 0)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	const char *subj;
	size_t slen, i, at;
	struct mw_sig_gate g;
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	unsigned flags, k;
	PCRE2_SIZE off;
	int ec, rc, ok;

	if (!nul || nul == data || size > 4096)
		return 0;
	flags = (data[0] & 1) ? MW_SIG_F_CASELESS : 0;
	if (data[0] & 2)
		flags |= MW_SIG_F_DOTALL;
	subj = (const char *)nul + 1;
	slen = size - (size_t)(nul - data) - 1;
	code = pcre2_compile((PCRE2_SPTR)data + 1, (size_t)(nul - data) - 1,
			     mw_sig_pcre2_options(flags), &ec, &off, NULL);
	if (!code)
		return 0;
	{
		char *re = strndup((const char *)data + 1, (size_t)(nul - data) - 1);

		if (!re || strlen(re) != (size_t)(nul - data) - 1 ||
		    mw_sig_factors(re, flags, &g) == 0) {
			free(re);
			pcre2_code_free(code);
			return 0;
		}
		free(re);
	}
	md = pcre2_match_data_create(1, NULL);
	mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mc, 100000);
	pcre2_set_depth_limit(mc, 1000);
	rc = pcre2_match(code, (PCRE2_SPTR)subj, slen, 0, 0, md, mc);
	if (rc >= 0) {
		at = pcre2_get_ovector_pointer(md)[0];
		for (k = 0; k < g.nsets; k++) {
			ok = 0;
			for (i = 0; i < g.sets[k].n && !ok; i++)
				ok = occurs(subj, slen, g.sets[k].v[i]);
			if (!ok)
				abort();	/* a gate set absent from a match */
		}
		if (g.anchored) {
			size_t q;

			ok = 0;
			for (q = at; q <= at + g.reach && q < slen && !ok; q++)
				for (i = 0; i < g.sets[0].n && !ok; i++)
					ok = strlen(g.sets[0].v[i]) <= slen - q &&
					     strncasecmp(subj + q, g.sets[0].v[i],
							 strlen(g.sets[0].v[i])) == 0;
			if (!ok)
				abort();	/* no anchor string within reach */
		}
	}
	mw_sig_gate_clear(&g);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	pcre2_code_free(code);
	return 0;
}
