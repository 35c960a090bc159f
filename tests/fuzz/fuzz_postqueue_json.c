/*
 * libFuzzer target: the `postqueue -j` line parser (one JSON object per
 * line, every value attacker-written), then the grouping over what was
 * parsed, so that whatever a line yields is also counted safely. Each line
 * is an exact-size copy (ASan catches over-reads); ids must come out
 * alphanumeric, since they go to postsuper's stdin.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/queue/queue_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct qlist l = { 0 };
	struct qgroups g;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), i;
		char *line = malloc(n ? n : 1);
		struct qmsg *m = mw_qlist_push(&l);

		if (!line || !m)
			abort();
		memcpy(line, p, n);
		if (mw_postqueue_json_line(line, n, m) == MW_OK) {
			for (i = 0; m->id[i]; i++)
				if (!((m->id[i] >= '0' && m->id[i] <= '9') ||
				      (m->id[i] >= 'A' && m->id[i] <= 'Z') ||
				      (m->id[i] >= 'a' && m->id[i] <= 'z')))
					abort();
			if (i == 0 || m->n_domains > QMAX_DOMAINS)
				abort();
		} else {
			l.n--;
		}
		free(line);
		p += n + 1;
	}
	if (mw_qgroups_build(&l, &g) == MW_OK && g.total != l.n)
		abort();
	mw_qgroups_free(&g);
	mw_qlist_free(&l);
	return 0;
}
