/* libFuzzer target: escaping and excerpts must always yield valid UTF-8
 * without control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/excerpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = mw_escape_dup((const char *)data, size);

	if (s)
		check_clean(s);
	free(s);
	s = mw_excerpt((const char *)data, size, size / 2, 40);
	if (s) {
		char *e = mw_escape_str(s);

		/* cut on a character boundary: at most 40 bytes + 2 ellipses */
		if (strlen(s) > 46)
			abort();
		if (e)
			check_clean(e);
		free(e);
	}
	free(s);
	return 0;
}
