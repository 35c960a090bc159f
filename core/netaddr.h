#ifndef MW_NETADDR_H
#define MW_NETADDR_H

/*
 * 1 when the first `bits` bits of the address a (network byte order, 4 or
 * 16 bytes) equal those of net. bits must not exceed the address length.
 */
int mw_prefix_match(const unsigned char *a, const unsigned char *net,
		    unsigned bits);

#endif
