/*
 * libFuzzer target: the UCL subset parser behind rspamd's
 * dkim_signing.conf. Whatever the input, the node table stays within its
 * caps, every parent points back, every string is terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/reput/rp_rspamd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rp_ucl u;
	char err[120], *t = malloc(size ? size : 1);	/* exact size: over-reads show */
	size_t i;

	if (!t)
		abort();
	memcpy(t, data, size);
	(void)mw_rp_ucl_parse(t, size, &u, err, sizeof(err));
	free(t);
	if (u.count > RP_UCL_MAX_NODES || strlen(err) >= sizeof(err))
		abort();
	for (i = 0; i < u.count; i++) {
		const struct rp_ucl_node *n = &u.n[i];

		if (n->parent >= (int)i || n->parent < -1 ||
		    (n->parent >= 0 && u.n[n->parent].kind == RP_UCL_STRING) ||
		    strlen(n->key) >= RP_UCL_MAX_KEY || strlen(n->value) >= RP_UCL_MAX_VALUE)
			abort();
	}
	(void)mw_rp_ucl_get(&u, -1, "domain");
	return 0;
}
