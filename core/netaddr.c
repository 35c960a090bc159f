#include <string.h>

#include "core/netaddr.h"

int mw_prefix_match(const unsigned char *a, const unsigned char *net,
		    unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, net, full) != 0)
		return 0;
	if (!rest)
		return 1;
	return ((a[full] ^ net[full]) & (0xff << (8 - rest))) == 0;
}
