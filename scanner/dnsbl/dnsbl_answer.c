/*
 * Decoding DNS replies. The wire format is parsed by c-ares; this file
 * turns its results into what the verdict needs, with fixed caps.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <limits.h>
#include <string.h>

#include "scanner/dnsbl/dnsbl.h"

/* Largest reply c-ares hands us over UDP/TCP; anything larger is bogus. */
#define MAX_REPLY	65535

enum mw_dns_status mw_dnsbl_decode_a(const unsigned char *abuf, size_t alen,
				     uint32_t *addrs, size_t max, size_t *n)
{
	struct ares_addrttl ttls[MW_DNSBL_MAX_ANSWERS];
	struct hostent *host = NULL;
	int nttl = MW_DNSBL_MAX_ANSWERS, rc, i;

	*n = 0;
	if (!abuf || alen == 0 || alen > MAX_REPLY)
		return MW_DNS_BADREPLY;
	rc = ares_parse_a_reply(abuf, (int)alen, &host, ttls, &nttl);
	if (host)
		ares_free_hostent(host);
	if (rc == ARES_ENODATA)
		return MW_DNS_NODATA;
	if (rc != ARES_SUCCESS)
		return MW_DNS_BADREPLY;
	if (nttl < 0)
		nttl = 0;
	for (i = 0; i < nttl && *n < max; i++)
		addrs[(*n)++] = ntohl(ttls[i].ipaddr.s_addr);
	return *n ? MW_DNS_ANSWER : MW_DNS_NODATA;
}

/* Append p[0..n) to dst (len bytes, *used so far), keeping room for "...". */
static int txt_append(char *dst, size_t len, size_t *used,
		      const unsigned char *p, size_t n)
{
	size_t room;

	if (len < 4)
		return -1;
	/* keep room for "..." and the NUL */
	room = *used < len - 4 ? len - 4 - *used : 0;
	if (n > room) {
		memcpy(dst + *used, p, room);
		*used += room;
		memcpy(dst + *used, "...", 4);
		*used += 3;
		return -1;
	}
	memcpy(dst + *used, p, n);
	*used += n;
	dst[*used] = '\0';
	return 0;
}

int mw_dnsbl_decode_txt(const unsigned char *abuf, size_t alen, char *dst,
			size_t len)
{
	struct ares_txt_ext *txt = NULL, *t;
	size_t used = 0;
	int records = 0;

	if (len)
		dst[0] = '\0';
	if (!abuf || alen == 0 || alen > MAX_REPLY || len < 4)
		return -1;
	if (ares_parse_txt_reply_ext(abuf, (int)alen, &txt) != ARES_SUCCESS)
		return -1;
	for (t = txt; t; t = t->next) {
		if (t->record_start) {
			if (records &&
			    txt_append(dst, len, &used, (const unsigned char *)" | ", 3) < 0)
				break;
			records++;
		} else if (!records) {
			records++;
		}
		if (t->txt && t->length &&
		    txt_append(dst, len, &used, t->txt, t->length) < 0)
			break;
	}
	ares_free_data(txt);
	return records ? 0 : -1;
}
