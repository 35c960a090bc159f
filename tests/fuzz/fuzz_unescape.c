/* libFuzzer target: core/unescape.h must invert core/escape.h exactly, and
 * survive any input (malformed escapes included). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/unescape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *e, *u, *e2, *raw;
	size_t ulen, rlen;

	/* Any input: unescape must not overrun and never grow the text. */
	raw = mw_unescape_dup((const char *)data, size, &rlen);
	if (raw && rlen > size)
		abort();
	free(raw);

	/* Round trip: unescape(escape(x)) == x and escape is stable. */
	e = mw_escape_dup((const char *)data, size);
	if (!e)
		return 0;
	u = mw_unescape_dup(e, strlen(e), &ulen);
	if (!u)
		goto out;
	if (ulen != size || memcmp(u, data, size) != 0)
		abort();
	e2 = mw_escape_dup(u, ulen);
	if (e2 && strcmp(e, e2) != 0)
		abort();
	free(e2);
out:
	free(u);
	free(e);
	return 0;
}
