/* libFuzzer target: the PHP lexer, string values and the normalised view
 * on hostile input (in inline HTML and in code) -- tokens cover the input
 * exactly, in order, and the view's map stays inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "signatures/php_lex.h"
#include "signatures/php_norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mw_php_norm *nm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct mw_php_lexer lx;
	struct mw_php_token t;
	struct mw_buf v;
	size_t expect, len, i;
	int mode;
	volatile unsigned sum = 0;

	if (!nm && !(nm = mw_php_norm_new()))
		abort();
	mw_buf_init(&v, 1 << 20);
	for (mode = 0; mode < 2; mode++) {
		expect = 0;
		mw_php_lex_init(&lx, buf, size, mode);
		while (mw_php_lex_next(&lx, &t)) {
			if (t.start != expect || t.len == 0 || t.start + t.len > size)
				abort();
			expect = t.start + t.len;
			if (t.kind == MW_PT_STRING) {
				mw_buf_reset(&v);
				if (mw_php_string_value(buf, &t, &v) == MW_OK && v.len > 4 * t.len + 8)
					abort();
			}
		}
		if (expect != size && !lx.capped)
			abort();
		if (mw_php_normalise(nm, buf, size, mode, 1 << 20, NULL) != MW_OK)
			continue;
		(void)mw_php_norm_text(nm, &len);
		for (i = 0; i <= len; i += 1 + len / 16)
			if (mw_php_norm_raw_offset(nm, i) > size)
				abort();
		for (i = 0; i < mw_php_norm_nlayers(nm); i++) {
			const struct mw_php_layer *l = mw_php_norm_layer(nm, i);

			if (l->depth == 0 || l->depth > MW_PHP_MAX_DEPTH || l->raw_off > size)
				abort();
			/* read every byte: ASan sees a dangling layer */
			for (len = 0; len < l->len; len++)
				sum += (unsigned char)l->data[len];
		}
	}
	mw_buf_free(&v);
	return (int)(sum & 0);
}
