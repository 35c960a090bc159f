/*
 * libFuzzer target: the Postfix policy delegation protocol parser of
 * `mailwarden policyd`. The input is what a client writes on the socket;
 * requests are taken one after another the way the daemon's buffer does,
 * and every span must lie inside the input.
 */
#include <stdint.h>
#include <string.h>

#include "scanner/harden/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(struct pol_span s, const char *p, size_t n)
{
	if (s.n && (s.p < p || s.p + s.n > p + n || memchr(s.p, '\n', s.n)))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;

	while (size) {
		struct pol_req r;
		long n = mw_pol_parse(p, size, &r);

		if (n <= 0)
			break;
		if ((size_t)n > size || (size_t)n > POL_MAX_REQUEST || p[n - 1] != '\n')
			__builtin_trap();
		inside(r.request, p, (size_t)n);
		inside(r.state, p, (size_t)n);
		inside(r.sasl, p, (size_t)n);
		inside(r.sender, p, (size_t)n);
		inside(r.client, p, (size_t)n);
		inside(r.instance, p, (size_t)n);
		p += n;
		size -= (size_t)n;
	}
	return 0;
}
