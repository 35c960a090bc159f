/*
 * libFuzzer target: the `exim -bp` parser on the whole input (an exact-size
 * copy), then the grouping; and the input again as an `exim -Mvh` spool
 * header and as `postcat -e -h` output for the submitter parsers. Ids must
 * come out as three alphanumeric parts (they become exim arguments).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/queue/queue_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_id(const char *id)
{
	size_t i, dashes = 0;

	for (i = 0; id[i]; i++) {
		if (id[i] == '-')
			dashes++;
		else if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'A' && id[i] <= 'Z') ||
			   (id[i] >= 'a' && id[i] <= 'z')))
			abort();
	}
	if (dashes != 2 || id[0] == '-')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	struct qlist l = { 0 };
	struct qgroups g;
	struct qmsg m;
	size_t bad, i;

	if (!text)
		abort();
	memcpy(text, data, size);
	if (mw_exim_bp_parse(text, size, 1796580000, &l, &bad) == MW_OK) {
		for (i = 0; i < l.n; i++) {
			check_id(l.m[i].id);
			if (!l.m[i].sender)
				abort();
		}
		if (mw_qgroups_build(&l, &g) == MW_OK && g.total != l.n)
			abort();
		mw_qgroups_free(&g);
	}
	mw_qlist_free(&l);
	memset(&m, 0, sizeof(m));
	m.uid = -1;
	(void)mw_exim_mvh_submitter(text, size, &m);
	mw_qmsg_clear(&m);
	(void)mw_postcat_submitter(text, size, &m);
	mw_qmsg_clear(&m);
	free(text);
	return 0;
}
