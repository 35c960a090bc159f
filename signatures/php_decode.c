/*
 * Static PHP string decoders; see php_decode.h.
 */
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "core/ascii.h"
#include "signatures/php_decode.h"

static const struct {
	const char *name;
	enum mw_php_fn fn;
} fns[] = {
	{ "base64_decode", MW_FN_BASE64_DECODE },
	{ "gzinflate", MW_FN_GZINFLATE },
	{ "gzuncompress", MW_FN_GZUNCOMPRESS },
	{ "gzdecode", MW_FN_GZDECODE },
	{ "str_rot13", MW_FN_STR_ROT13 },
	{ "strrev", MW_FN_STRREV },
	{ "hex2bin", MW_FN_HEX2BIN },
	{ "urldecode", MW_FN_URLDECODE },
	{ "rawurldecode", MW_FN_RAWURLDECODE },
	{ "convert_uudecode", MW_FN_CONVERT_UUDECODE },
	{ "strtolower", MW_FN_STRTOLOWER },
	{ "strtoupper", MW_FN_STRTOUPPER },
	{ "pack", MW_FN_PACK_H },
	{ "str_replace", MW_FN_STR_REPLACE },
	{ "strtr", MW_FN_STRTR },
};

enum mw_php_fn mw_php_fn_lookup(const char *name, size_t n)
{
	size_t i, k;

	if (n && name[0] == '\\') {
		name++;
		n--;
	}
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		if (strlen(fns[i].name) != n)
			continue;
		for (k = 0; k < n && mw_ascii_lower((unsigned char)name[k]) ==
		     (unsigned char)fns[i].name[k]; k++)
			;
		if (k == n)
			return fns[i].fn;
	}
	return MW_FN_NONE;
}

const char *mw_php_fn_name(enum mw_php_fn fn)
{
	size_t i;

	if (fn == MW_FN_PACK_H)
		return "pack('H*')";
	if (fn == MW_FN_EVAL)
		return "eval";
	if (fn == MW_FN_PREG_E)
		return "preg_replace/e";
	if (fn == MW_FN_LAMBDA)
		return "create_function";
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (fns[i].fn == fn)
			return fns[i].name;
	return "?";
}

int mw_php_fn_decodes(enum mw_php_fn fn)
{
	return fn != MW_FN_NONE && fn != MW_FN_STRTOLOWER && fn != MW_FN_STRTOUPPER;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* PHP's non-strict base64_decode: bytes outside the alphabet are skipped,
 * decoding stops at "=". */
static enum mw_err base64(const char *in, size_t n, struct mw_buf *out)
{
	unsigned acc = 0, bits = 0;
	size_t i;
	enum mw_err e;

	if ((e = mw_buf_reserve(out, n / 4 * 3 + 3)) != MW_OK)
		return e;
	for (i = 0; i < n; i++) {
		int v = b64val((unsigned char)in[i]);

		if (in[i] == '=')
			break;
		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->data[out->len++] = (char)((acc >> bits) & 0xff);
		}
	}
	out->data[out->len] = '\0';
	return MW_OK;
}

static enum mw_err hex2bin(const char *in, size_t n, struct mw_buf *out)
{
	size_t i;
	enum mw_err e;

	if (n % 2)
		return MW_ERR_PARSE;
	if ((e = mw_buf_reserve(out, n / 2)) != MW_OK)
		return e;
	for (i = 0; i < n; i += 2) {
		int h = mw_ascii_hexval((unsigned char)in[i]), l = mw_ascii_hexval((unsigned char)in[i + 1]);

		if (h < 0 || l < 0)
			return MW_ERR_PARSE;
		out->data[out->len++] = (char)(h * 16 + l);
	}
	out->data[out->len] = '\0';
	return MW_OK;
}

static enum mw_err urldec(const char *in, size_t n, int plus, struct mw_buf *out)
{
	size_t i;
	enum mw_err e;

	if ((e = mw_buf_reserve(out, n)) != MW_OK)
		return e;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c == '+' && plus) {
			c = ' ';
		} else if (c == '%' && i + 2 < n + 0 && mw_ascii_hexval((unsigned char)in[i + 1]) >= 0 &&
			   mw_ascii_hexval((unsigned char)in[i + 2]) >= 0) {
			c = (char)(mw_ascii_hexval((unsigned char)in[i + 1]) * 16 +
				   mw_ascii_hexval((unsigned char)in[i + 2]));
			i += 2;
		}
		out->data[out->len++] = c;
	}
	out->data[out->len] = '\0';
	return MW_OK;
}

/* uudecode as PHP's convert_uudecode: lines of a length byte (32 + n)
 * and groups of four 6-bit characters. */
static enum mw_err uudecode(const char *in, size_t n, struct mw_buf *out)
{
	size_t i = 0;
	enum mw_err e;

	if ((e = mw_buf_reserve(out, n)) != MW_OK)
		return e;
	while (i < n) {
		size_t len = (size_t)(((unsigned char)in[i] - 32) & 0x3f), got = 0;

		if (len == 0)
			break;
		i++;
		while (got < len && i + 3 < n + 0) {
			unsigned c[4], k;

			for (k = 0; k < 4; k++)
				c[k] = ((unsigned char)in[i + k] - 32) & 0x3f;
			if (got++ < len)
				out->data[out->len++] = (char)((c[0] << 2) | (c[1] >> 4));
			if (got++ < len)
				out->data[out->len++] = (char)((c[1] << 4) | (c[2] >> 2));
			if (got++ < len)
				out->data[out->len++] = (char)((c[2] << 6) | c[3]);
			i += 4;
		}
		if (got < len)
			return MW_ERR_PARSE;
		while (i < n && in[i] != '\n')
			i++;
		i++;
	}
	out->data[out->len] = '\0';
	return MW_OK;
}

/* zlib: window -15 raw deflate, 15 zlib, 31 gzip. Output bounded by
 * max_out, out's cap and MW_PHP_MAX_INFLATE_RATIO times n. */
static enum mw_err zinflate(const char *in, size_t n, int window,
			    struct mw_buf *out, size_t max_out)
{
	z_stream z;
	size_t limit = max_out, start = out->len;
	enum mw_err e = MW_OK;
	int rc = Z_OK;

	if (n && n <= (size_t)-1 / MW_PHP_MAX_INFLATE_RATIO &&
	    n * MW_PHP_MAX_INFLATE_RATIO + 4096 < limit)
		limit = n * MW_PHP_MAX_INFLATE_RATIO + 4096;
	if (n > 0xffffffffu)
		return MW_ERR_TOOBIG;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, window) != Z_OK)
		return MW_ERR_NOMEM;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	while (rc == Z_OK) {
		size_t room;

		if (out->len - start >= limit) {
			e = MW_ERR_TOOBIG;
			break;
		}
		if ((e = mw_buf_reserve(out, 65536)) != MW_OK)
			break;
		room = out->alloc - out->len - 1;
		if (room > limit - (out->len - start))
			room = limit - (out->len - start);
		if (room > 0xffffffffu)
			room = 0xffffffffu;
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = (uInt)room;
		rc = inflate(&z, Z_NO_FLUSH);
		out->len += room - z.avail_out;
		if (rc == Z_BUF_ERROR && z.avail_in == 0)
			rc = Z_DATA_ERROR;	/* truncated input */
		else if (rc == Z_BUF_ERROR)
			rc = Z_OK;
	}
	inflateEnd(&z);
	out->data[out->len] = '\0';
	if (e)
		return e;
	return rc == Z_STREAM_END ? MW_OK : MW_ERR_PARSE;
}

enum mw_err mw_php_apply(enum mw_php_fn fn, const char *in, size_t n,
			 struct mw_buf *out, size_t max_out)
{
	size_t i;
	enum mw_err e;

	switch (fn) {
	case MW_FN_BASE64_DECODE:
		return base64(in, n, out);
	case MW_FN_GZINFLATE:
		return zinflate(in, n, -15, out, max_out);
	case MW_FN_GZUNCOMPRESS:
		return zinflate(in, n, 15, out, max_out);
	case MW_FN_GZDECODE:
		return zinflate(in, n, 31, out, max_out);
	case MW_FN_HEX2BIN:
	case MW_FN_PACK_H:
		return hex2bin(in, n, out);
	case MW_FN_URLDECODE:
		return urldec(in, n, 1, out);
	case MW_FN_RAWURLDECODE:
		return urldec(in, n, 0, out);
	case MW_FN_CONVERT_UUDECODE:
		return uudecode(in, n, out);
	case MW_FN_STR_ROT13:
	case MW_FN_STRREV:
	case MW_FN_STRTOLOWER:
	case MW_FN_STRTOUPPER:
		if ((e = mw_buf_reserve(out, n)) != MW_OK)
			return e;
		for (i = 0; i < n; i++) {
			int c = (unsigned char)(fn == MW_FN_STRREV ? in[n - 1 - i] : in[i]);

			if (fn == MW_FN_STR_ROT13) {
				if (c >= 'a' && c <= 'z')
					c = 'a' + (c - 'a' + 13) % 26;
				else if (c >= 'A' && c <= 'Z')
					c = 'A' + (c - 'A' + 13) % 26;
			} else if (fn == MW_FN_STRTOLOWER) {
				c = mw_ascii_lower(c);
			} else if (fn == MW_FN_STRTOUPPER && c >= 'a' && c <= 'z') {
				c -= 32;
			}
			out->data[out->len++] = (char)c;
		}
		out->data[out->len] = '\0';
		return MW_OK;
	default:
		return MW_ERR_PARSE;
	}
}
