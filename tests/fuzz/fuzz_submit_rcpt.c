/*
 * libFuzzer target: the recipient counter of `mailwarden submit` (the
 * header section a web user's script hands to sendmail -t, and an address
 * list on its own). Every address takes at least one byte of its own, so
 * no count can pass the input's size; the end of the header section lies
 * inside the input, just after a line end.
 */
#include <stdint.h>
#include <string.h>

#include "scanner/harden/harden_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	unsigned bad;
	unsigned long n = mw_hd_header_recipients(p, size, &bad);
	size_t end = mw_hd_header_end(p, size);
	long k = mw_hd_address_count(p, size);

	if (n > size || bad > size || (end && (end > size || p[end - 1] != '\n')))
		__builtin_trap();
	if (k < -1 || (k > 0 && (size_t)k > size))
		__builtin_trap();
	return 0;
}
