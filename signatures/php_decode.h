/*
 * Static versions of the PHP string functions packers wrap payloads in:
 * pure byte transforms of a literal, never PHP. Each appends the result of
 * the PHP function on in[0..n) to out and returns MW_OK, MW_ERR_PARSE when
 * PHP would return false (hex2bin of odd length, corrupt zlib data),
 * MW_ERR_TOOBIG when out's cap (or, for the zlib ones, max_out or the ratio
 * cap) is reached. They never read outside in[0..n).
 */
#ifndef MW_PHP_DECODE_H
#define MW_PHP_DECODE_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"

/* An inflate may grow at most this many times its input (zlib's best is
 * ~1032:1; real packed payloads are under 20:1). */
#define MW_PHP_MAX_INFLATE_RATIO	200u

enum mw_php_fn {
	MW_FN_NONE = 0,
	MW_FN_BASE64_DECODE, MW_FN_GZINFLATE, MW_FN_GZUNCOMPRESS, MW_FN_GZDECODE,
	MW_FN_STR_ROT13, MW_FN_STRREV, MW_FN_HEX2BIN, MW_FN_URLDECODE,
	MW_FN_RAWURLDECODE, MW_FN_CONVERT_UUDECODE, MW_FN_STRTOLOWER,
	MW_FN_STRTOUPPER, MW_FN_PACK_H,
	/* three literal arguments, folded by php_norm.c (not mw_php_apply) */
	MW_FN_STR_REPLACE, MW_FN_STRTR,
	/* not decoders: a folded literal given to eval()/assert(), the
	 * replacement of a preg_replace() with the e modifier, the body of a
	 * create_function() is code */
	MW_FN_EVAL, MW_FN_PREG_E, MW_FN_LAMBDA,
};

/* The decoder named by a PHP function name (ASCII case-insensitive, a
 * leading "\" allowed), MW_FN_NONE if none. pack() is MW_FN_PACK_H only
 * with a literal "H*" first argument: the caller checks that. */
enum mw_php_fn mw_php_fn_lookup(const char *name, size_t n);
/* The PHP name of fn ("base64_decode"). */
const char *mw_php_fn_name(enum mw_php_fn fn);
/* Does fn decode (as opposed to only case-fold)? Those make a "layer". */
int mw_php_fn_decodes(enum mw_php_fn fn);

/* Apply fn; max_out bounds the zlib output (besides out's cap). */
enum mw_err mw_php_apply(enum mw_php_fn fn, const char *in, size_t n,
			 struct mw_buf *out, size_t max_out);

#endif
