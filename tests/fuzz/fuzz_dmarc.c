/*
 * libFuzzer target: the tag-list parser and the DMARC and DKIM key record
 * parsers on top of it (records from DNS, i.e. from anyone). Tags must
 * point inside the record; parsed values must stay in their ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/reput/rp_tags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_tag tags[RP_MAX_TAGS];
	struct dmarc_record d;
	struct dkim_key k;
	char *txt = malloc(size + 1), err[160];
	int n, i;

	if (!txt)
		return 0;
	memcpy(txt, data, size);
	txt[size] = '\0';
	n = mw_rp_tags_parse(txt, tags, err, sizeof(err));
	if (n > RP_MAX_TAGS)
		__builtin_trap();
	for (i = 0; i < n; i++)
		if (tags[i].name < txt || tags[i].value + tags[i].value_len > txt + strlen(txt) ||
		    tags[i].name_len == 0)
			__builtin_trap();
	if (mw_dmarc_parse(txt, &d, err, sizeof(err)) == 0 &&
	    (d.pct < 0 || d.pct > 100 || (d.adkim != 'r' && d.adkim != 's') ||
	     !memchr(d.rua, '\0', sizeof(d.rua)) || !d.p[0]))
		__builtin_trap();
	if (mw_dkim_key_parse(txt, &k, err, sizeof(err)) == 0 && k.p_len &&
	    (k.p < txt || k.p + k.p_len > txt + strlen(txt)))
		__builtin_trap();
	free(txt);
	return 0;
}
