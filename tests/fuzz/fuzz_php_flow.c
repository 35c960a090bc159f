/* libFuzzer target: the data-flow pass (signatures/php_flow.c) on bytes
 * taken as a normalised view, and on the view the normaliser makes of
 * them. Checks: every fact is one "...;\n" line, within the facts cap, and
 * the callback's offsets lie inside what was written and what was read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "signatures/php_flow.h"
#include "signatures/php_norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mw_php_flow *fl;
static struct mw_php_norm *nm;

struct seen {
	size_t view_len, n;
	const struct mw_buf *out;
};

static void on_fact(void *ud, size_t fact_off, size_t view_off)
{
	struct seen *s = ud;

	if (view_off > s->view_len || fact_off > s->out->len)
		abort();
	s->n++;
}

static void check(const char *view, size_t len)
{
	struct mw_buf out;
	struct seen s = { len, 0, &out };
	int capped = 0;
	size_t i, lines = 0;

	mw_buf_init(&out, 1 << 16);
	if (mw_php_flow_run(fl, view, len, &out, on_fact, &s, &capped) == MW_ERR_NOMEM)
		abort();
	for (i = 0; i < out.len; i++)
		if (out.data[i] == '\n') {
			if (i == 0 || out.data[i - 1] != ';')
				abort();
			lines++;
		}
	if (lines != s.n || s.n > MW_FLOW_MAX_FACTS || (out.len && out.data[out.len - 1] != '\n'))
		abort();
	mw_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;
	const char *v;
	size_t vl, used = 0;

	if ((!fl && !(fl = mw_php_flow_new())) || (!nm && !(nm = mw_php_norm_new())))
		abort();
	/* exact size, no NUL: the pass must not read past the view */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	check(copy, size);
	if (mw_php_normalise(nm, copy, size, size && data[0] & 1, 1 << 18, &used) == MW_OK) {
		v = mw_php_norm_text(nm, &vl);
		check(v, vl);
	}
	free(copy);
	return 0;
}
