/* libFuzzer target: the static PHP decoders (first byte picks one) under
 * small caps, then the same bytes as a decoded layer would be seen (in
 * code). No output larger than its caps; never past the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "signatures/php_decode.h"
#include "signatures/php_norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mw_php_norm *nm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_buf out;
	enum mw_php_fn fn;
	size_t used = 0, len;
	char *copy;
	enum mw_err e;

	if (size < 1)
		return 0;
	if (!nm && !(nm = mw_php_norm_new()))
		abort();
	fn = (enum mw_php_fn)(1 + data[0] % MW_FN_PACK_H);
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	mw_buf_init(&out, 1 << 20);
	e = mw_php_apply(fn, copy, size - 1, &out, 1 << 18);
	if (e == MW_OK && (fn == MW_FN_GZINFLATE || fn == MW_FN_GZUNCOMPRESS ||
			   fn == MW_FN_GZDECODE) && out.len > (1 << 18))
		abort();
	if (out.len > (1 << 20))
		abort();
	mw_buf_free(&out);
	if (mw_php_normalise(nm, copy, size - 1, 1, 1 << 16, &used) == MW_OK) {
		if (used > (1 << 16) + (1 << 20))
			abort();
		(void)mw_php_norm_text(nm, &len);
	}
	free(copy);
	return 0;
}
