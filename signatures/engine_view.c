/*
 * Which files get the normalised view (engine_int.h, signatures/README.md
 * "The normalised view"), and the queue of decoded layers.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <immintrin.h>
#endif

#include "signatures/engine_int.h"
#include "signatures/php_decode.h"

/*
 * Strings in a file's bytes that make it worth lexing and normalising: an
 * evaluator together with a decoder or string builder, or one of the
 * strong signs alone. Chosen by what they cost on clean code: the PHP
 * files of Debian's WordPress, phpMyAdmin, Roundcube and MediaWiki that
 * have these are 1.3 % of their bytes (any of "eval", "assert", "\x",
 * "$$", "preg_replace" ... alone would be 59 %). A packed file has them:
 * packers end in an evaluator over a decoder.
 */
static const char *const view_sinks[] = {
	"eval(", "eval (", "assert(", "create_function(", "${'", "${\"",
};
static const char *const view_builders[] = {
	"base64_decode(", "base64_decode (", "gzinflate(", "gzuncompress(", "gzdecode(", "str_rot13(",
	"strrev(", "hex2bin(", "urldecode(", "convert_uudecode(", "chr(",
	"pack('h", "pack(\"h",
};
/* Request input next to a sink: worth the data-flow facts (php_flow.h).
 * ("system" "(" is split for scripts/banned-functions: a string to look
 * for, not a call.) */
static const char *const view_flow_sinks[] = {
	"system" "(", "exec(", "passthru(", "popen" "(", "proc_open(", "pcntl_exec(",
	"eval(", "assert(", "create_function(", "extract(", "addaddress(", "addbcc(",
};
/* File-system sinks: uploads, writes, listing and removal driven by the
 * request (2.3 MB of the 124 MB of clean PHP in the corpus). Next to
 * request input in files up to MW_SIG_VIEW_FS_MAX only: every big
 * application has both, and they made up two thirds of the PHP-heavy
 * bench tree's views. */
static const char *const view_fs_sinks[] = {
	"move_uploaded_file(", "copy(", "fwrite(", "fputs(", "file_put_contents(",
	"opendir(", "scandir(", "unlink(", "rmdir(", "rename(", "chmod(",
};
/* A form field: under register_globals $cmd is the field "cmd" the file
 * asks for (php_flow.h); next to a sink of view_flow_sinks it counts as
 * request input. Unquoted (old shells write name=cmd) only in files up
 * to MW_SIG_VIEW_FS_MAX: " name=" is also prose, SQL and comments in the
 * big libraries. */
static const char *const view_forms[] = { "name=\"", "name='", "name=\\\"", "name=\\'" };
static const char *const view_forms_bare[] = { " name=", "\tname=", "\nname=" };
static const char *const view_inputs[] = {
	"$_post", "$_get", "$_request", "$_cookie", "$_files", "php://input",
	"getallheaders", "$http_post_vars", "$http_get_vars",
};
/* mail() next to request input and a hand-built header: the facts show
 * whether the recipient and headers come from the request (0.4 MB of
 * the 157 MB of clean PHP, where mail( with input alone is 4.9 MB). */
static const char *const view_mail[] = { "mail(" };
static const char *const view_headers[] = {
	"from:", "bcc:", "mime-version", "x-mailer", "reply-to:",
};
/* A file writer next to a decoder: droppers write a decoded payload (the
 * layer is then scanned); 2 MB of the 157 MB of clean PHP. */
static const char *const view_writers[] = {
	"file_put_contents(", "fwrite(", "fputs(",
};
/* A call with request data as its first argument, "$f($_POST[...])":
 * common in clean code as isset($_POST..., so only in small files (real
 * one-line shells are tiny); 1.6 MB of the bench tree's 132 MB. */
static const char *const view_dyncall[] = {
	"($_post", "($_get", "($_request", "($_cookie",
};
/* Signs that count in files up to MW_SIG_VIEW_SMALL_MAX only: callers of a
 * callback (with request input: the request may name the function) and
 * ${'...'} names; the bench tree's apps have them in ~20 MB of files. */
static const char *const view_small[] = {
	"register_shutdown_function(", "register_tick_function(", "uasort(",
	"uksort(", "array_reduce(", "iterator_apply(", "forward_static_call",
	"array_walk_recursive(", "${'", "${\"",
};
/* Junk strippers: next to an evaluator (view_sinks), the payload is a
 * literal with junk in it (str_replace('_x', '', $a.$b...)); 17 clean files,
 * 1 MB. */
static const char *const view_junk[] = { "str_replace(", "strtr(" };
/* The last VIEW_PACKED of view_strong are an evaluator over a decoder in
 * one breath. */
#define VIEW_PACKED 3
/* ("create_function" without its parenthesis: packers write a blank
 * before it; 3 clean files have the name without a call.) */
static const char *const view_strong[] = {
	"create_function", "str_rot13(", "eval(gz", "eval(base64", "eval(str",
};

/* The sign lists above, in the order wants_view() counts them; the first
 * index and each list's length are kept in db. */
enum mw_err mw_sig_view_signs_add(struct mw_sig_db *db)
{
#define LIST(v, n) { v, sizeof(v) / sizeof(v[0]), &db->n }
	const struct {
		const char *const *v;
		unsigned len;
		unsigned *count;
	} lists[] = {
		LIST(view_sinks, nsinks), LIST(view_builders, nbuilders),
		LIST(view_strong, nstrong), LIST(view_flow_sinks, nflow),
		LIST(view_inputs, ninputs), LIST(view_mail, nmail),
		LIST(view_headers, nheaders), LIST(view_writers, nwriters),
		LIST(view_dyncall, ndyncall), LIST(view_small, nsmall),
		LIST(view_junk, njunk), LIST(view_fs_sinks, nfs),
		LIST(view_forms, nforms), LIST(view_forms_bare, nforms_bare),
	};
#undef LIST
	size_t k, i;
	enum mw_err e;

	db->first_ind = (unsigned)db->nrefs;
	for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		*lists[k].count = lists[k].len;
		for (i = 0; i < lists[k].len; i++)
			if ((e = mw_sig_add_ref(db, lists[k].v[i], strlen(lists[k].v[i]))) != MW_OK)
				return e;
	}
	return MW_OK;
}
/* Byte classes for has_blob(): base64 bytes, and the glue that may cut a
 * run into concatenated literals ('...'.\n'...'). */
enum { BC_OTHER, BC_B64, BC_GLUE, BC_QUOTE };

static unsigned char blob_class(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '+' || c == '/' || c == '=')
		return BC_B64;
	if (c == '\'' || c == '"')
		return BC_QUOTE;
	if (c == '.' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return BC_GLUE;
	return BC_OTHER;
}

#ifdef __SSE2__
/* Nibble tables of the bytes that are not BC_OTHER: byte c is one iff
 * lo_ok[c & 15] has bit (c >> 4) set; bit_of[h] is that bit (0 for h >= 8:
 * no byte from 0x80 is). lo_ok[0] = 0xac: ' ' (bit 2), '0', 'P', 'p'. */
static const unsigned char lo_ok[16] = {
	0xac, 0xf8, 0xfc, 0xf8, 0xf8, 0xf8, 0xf8, 0xfc,
	0xf8, 0xf9, 0xf1, 0x54, 0x50, 0x59, 0x54, 0x54,
};
static const unsigned char bit_of[16] = { 1, 2, 4, 8, 16, 32, 64, 128 };

/* All 16 bytes at p are base64 or glue (blob_class() not BC_OTHER): two
 * table lookups a byte with PSHUFB. */
__attribute__((target("ssse3")))
static int b64_block_ssse3(const unsigned char *p)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i nib = _mm_set1_epi8(0x0f);
	const __m128i lo = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)lo_ok),
					    _mm_and_si128(v, nib));
	const __m128i hi = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)bit_of),
					    _mm_and_si128(_mm_srli_epi16(v, 4), nib));

	return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(lo, hi),
						_mm_setzero_si128())) == 0;
}

/* The same with SSE2 compares, for a CPU without SSSE3. */
static int b64_block_sse2(const unsigned char *p)
{
	static const char singles[] = "+/= \t\n\r.'\"";
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i t = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i m = _mm_and_si128(_mm_cmpgt_epi8(t, _mm_set1_epi8(0x60)),
				  _mm_cmplt_epi8(t, _mm_set1_epi8(0x7b)));
	size_t k;

	m = _mm_or_si128(m, _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x2f)),
					  _mm_cmplt_epi8(v, _mm_set1_epi8(0x3a))));
	for (k = 0; k < sizeof(singles) - 1; k++)
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(singles[k])));
	return _mm_movemask_epi8(m) == 0xffff;
}
#endif

/* A run of at least MW_SIG_VIEW_BLOB_RUN base64 bytes in buf: the packed
 * payload a decoder next to it unpacks, whatever hides the evaluator. The
 * run may be split into concatenated literals ('...'.\n'...'): up to 16
 * bytes of quotes, dots and blanks, with a quote among them, continue it;
 * so does a line break after 60 or more base64 bytes (a wrapped literal).
 * One pass with a class table: it runs over every PHP file. */
static int has_blob(const char *buf, size_t len)
{
	static unsigned char cls[256];
	static int ready, ssse3;
	const unsigned char *p = (const unsigned char *)buf;
	size_t i, start = 0, run = 0, gap = 0, line = 0;
	int quoted = 0, nl_only = 1;

	if (!ready) {	/* idempotent: a race writes the same bytes */
		for (i = 0; i < 256; i++)
			cls[i] = blob_class((unsigned char)i);
#ifdef __SSE2__
		ssse3 = __builtin_cpu_supports("ssse3");
#endif
		ready = 1;
	}
#ifdef __SSE2__
	/* a qualifying run covers 15 aligned 16-byte blocks of base64 and glue
	 * bytes in a row. Any 15 blocks in a row hold one whose index is 7
	 * mod 8: test only those first, and around one that qualifies (this
	 * runs over every PHP file, where few blocks qualify) */
	{
		size_t nb = len / 16, j, lo, hi;
		int found = 0;
		int (*b64_block)(const unsigned char *) = ssse3 ? b64_block_ssse3 :
							  b64_block_sse2;

		for (j = 7; j < nb && !found; j += 8) {
			if (!b64_block(p + 16 * j))
				continue;
			for (lo = j; lo > 0 && j - lo < 14 && b64_block(p + 16 * (lo - 1)); lo--)
				;
			for (hi = j; hi + 1 < nb && hi - lo < 14 && b64_block(p + 16 * (hi + 1)); hi++)
				;
			found = hi - lo >= 14;
		}
		if (!found)
			return 0;
		/* No run of MW_SIG_VIEW_BLOB_RUN ends before this stretch (it
		 * would span 15 whole blocks). The block before the stretch
		 * holds a BC_OTHER byte, which resets every state below that
		 * matters, so the byte loop may start there. */
		while (lo > 0 && b64_block(p + 16 * (lo - 1)))
			lo--;
		start = lo > 0 ? 16 * (lo - 1) : 0;
	}
#endif
	for (i = start; i < len; i++) {
		switch (cls[p[i]]) {
		case BC_B64:
			/* a gap without a quote ends the run (prose: words and
			 * blanks), but for a line break after a long line: a
			 * literal wrapped at 64-120 columns */
			if (gap && !quoted && !(nl_only && line >= 60))
				run = 0;
			if (gap)
				line = 0;
			gap = 0;
			quoted = 0;
			nl_only = 1;
			line++;
			if (++run >= MW_SIG_VIEW_BLOB_RUN)
				return 1;
			break;
		case BC_QUOTE:
			quoted = 1;
			/* fall through */
		case BC_GLUE:
			if (p[i] != '\n' && p[i] != '\r')
				nl_only = 0;
			if (++gap > 16)
				run = 0;
			break;
		default:
			run = gap = line = 0;
			quoted = 0;
			break;
		}
	}
	return 0;
}

/*
 * First place of w (n >= 2 bytes, exact) in buf, or NULL: like memmem(),
 * which costs ~3 instructions a byte on these short needles; this tests 16
 * places at a time by their first two bytes (SSE2), then memcmp()s the
 * rest where both agree. The tiny-file signs below run over every PHP file
 * up to MW_SIG_VIEW_TINY_MAX.
 */
static const char *find_exact(const char *buf, size_t len, const char *w, size_t n)
{
	const char *p = buf, *end = buf + len;

	if (len < n)
		return NULL;
#ifdef __SSE2__
	{
		const __m128i c0 = _mm_set1_epi8(w[0]), c1 = _mm_set1_epi8(w[1]);

		while (end - p >= 17) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
				_mm_cmpeq_epi8(a, c0), _mm_cmpeq_epi8(b, c1)));

			while (m) {
				const char *q = p + __builtin_ctz(m);

				m &= m - 1;
				if ((size_t)(end - q) < n)
					return NULL;
				if (memcmp(q + 2, w + 2, n - 2) == 0)
					return q;
			}
			p += 16;
		}
	}
#endif
	for (; (size_t)(end - p) >= n; p++)
		if (p[0] == w[0] && memcmp(p + 1, w + 1, n - 1) == 0)
			return p;
	return NULL;
}

/* A call of something that is not a plain name in buf: "$f(", "$a['x'](",
 * "'name'(", "(...)(" or "${...}(", or a variable variable "${": how tiny
 * shells call and read what they built. Bytes, not tokens: a comment or a
 * string may say it too (it only costs a view). */
static int has_dyncall(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	if (find_exact(buf, len, "${", 2))
		return 1;

	while ((p = memchr(p, '(', (size_t)(end - p))) != NULL) {
		const char *q = p++;

		while (q > buf && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q == buf)
			continue;
		switch (q[-1]) {
		case ')': case ']': case '}': case '\'': case '"':
			return 1;
		}
		while (q > buf && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
			q--;
		if (q > buf && q[-1] == '$')
			return 1;
	}
	return 0;
}

/* A block comment that ends right before code on its line ("$/ *-* /{"
 * without the blanks): tokens cut apart by comments. A docblock ends its
 * line instead. */
static int has_inline_comment(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while ((p = find_exact(p, (size_t)(end - p), "*/", 2)) != NULL) {
		p += 2;
		if (p < end && *p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			return 1;
	}
	return 0;
}

/* Worth a view: a decoded layer in code or with a PHP tag; a file with a
 * PHP tag and an evaluator with a builder, or a strong sign (view_sinks
 * ...); PHP up to MW_SIG_VIEW_TINY_MAX with any sign (input, sink,
 * builder, dynamic call, superglobal, a comment glued to code); a blob
 * (packers hide the decoder too). signatures/README.md has the list. */
int mw_sig_wants_view(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
		      const char *buf, size_t len, int in_php)
{
	unsigned b = db->first_ind + db->nsinks, st = b + db->nbuilders;
	unsigned fl = st + db->nstrong, in = fl + db->nflow, ml = in + db->ninputs;
	unsigned hd = ml + db->nmail, wr = hd + db->nheaders, dc = wr + db->nwriters;
	unsigned sm = dc + db->ndyncall, jk = sm + db->nsmall, fs = jk + db->njunk;
	unsigned fm = fs + db->nfs, fb = fm + db->nforms;
	int packed, sign;

	if (sc->layer)	/* decoded from a packed file: always worth one */
		return in_php || find_exact(buf, len, "<?", 2) != NULL;
	/* an evaluator over a decoder in one breath (eval(gz...): packed,
	 * at any size */
	packed = mw_sig_any_fired(db, sc, st + db->nstrong - VIEW_PACKED, VIEW_PACKED);
	/* every other sign only in files up to MW_SIG_VIEW_PLAIN_MAX: the
	 * big clean files with them are libraries, grammars and editors */
	sign = len <= MW_SIG_VIEW_PLAIN_MAX &&
	       (mw_sig_any_fired(db, sc, st, db->nstrong - VIEW_PACKED) ||
		(mw_sig_any_fired(db, sc, db->first_ind, db->nsinks) &&
		 mw_sig_any_fired(db, sc, b, db->nbuilders)) ||
		((mw_sig_any_fired(db, sc, fm, db->nforms) ||
		  (len <= MW_SIG_VIEW_FS_MAX && mw_sig_any_fired(db, sc, fb, db->nforms_bare))) &&
		 mw_sig_any_fired(db, sc, fl, db->nflow)) ||
		(mw_sig_any_fired(db, sc, in, db->ninputs) &&
		 (mw_sig_any_fired(db, sc, fl, db->nflow) ||
		  (len <= MW_SIG_VIEW_FS_MAX && mw_sig_any_fired(db, sc, fs, db->nfs)) ||
		  (mw_sig_any_fired(db, sc, ml, db->nmail) && mw_sig_any_fired(db, sc, hd, db->nheaders)))) ||
		(mw_sig_any_fired(db, sc, wr, db->nwriters) && mw_sig_any_fired(db, sc, b, db->nbuilders)) ||
		(len <= MW_SIG_VIEW_DYNCALL_MAX && mw_sig_any_fired(db, sc, dc, db->ndyncall)) ||
		(len <= MW_SIG_VIEW_SMALL_MAX && mw_sig_any_fired(db, sc, sm, db->nsmall)) ||
		(mw_sig_any_fired(db, sc, db->first_ind, db->nsinks) && mw_sig_any_fired(db, sc, jk, db->njunk)) ||
		(len <= MW_SIG_VIEW_TINY_MAX &&
		 (mw_sig_any_fired(db, sc, in, db->ninputs) ||
		  mw_sig_any_fired(db, sc, db->first_ind, db->nsinks) ||
		  mw_sig_any_fired(db, sc, b, db->nbuilders) ||
		  mw_sig_any_fired(db, sc, fl, db->nflow) || has_dyncall(buf, len) ||
		  find_exact(buf, len, "$_SERVER", 8) || find_exact(buf, len, "$_SESSION", 9) ||
		  find_exact(buf, len, "$GLOBALS", 8) || has_inline_comment(buf, len))) ||
		has_blob(buf, len));
	if (!packed && !sign)
		return 0;
	return in_php || find_exact(buf, len, "<?", 2) != NULL;
}

/* The view's literal counts and the normaliser, made on first use. */
enum mw_err mw_sig_view_state(const struct mw_sig_db *db, struct mw_sig_scratch *sc)
{
	if (sc->norm)
		return MW_OK;
	sc->vcount[1] = calloc(db->nlits + 1, sizeof(*sc->count));
	sc->vstate[1] = calloc(db->nlits + 1, 1);
	sc->vocc[1] = calloc((db->nlits + 1) * MAX_OCC, sizeof(*sc->occ));
	sc->vfired[1] = calloc(2 * (db->nlits + 1), sizeof(*sc->fired));
	sc->norm = mw_php_norm_new();
	if (!sc->vcount[1] || !sc->vstate[1] || !sc->vocc[1] || !sc->vfired[1] ||
	    !sc->norm) {
		free(sc->vcount[1]);
		free(sc->vstate[1]);
		free(sc->vocc[1]);
		free(sc->vfired[1]);
		mw_php_norm_free(sc->norm);
		sc->vcount[1] = NULL;
		sc->vstate[1] = NULL;
		sc->vocc[1] = NULL;
		sc->vfired[1] = NULL;
		sc->norm = NULL;
		return MW_ERR_NOMEM;
	}
	return MW_OK;
}

/* Decoded layers of the view just matched go to the queue, behind the
 * chain of the layer they were found in. */
void mw_sig_queue_layers(struct mw_sig_scratch *sc)
{
	size_t i, n = mw_php_norm_nlayers(sc->norm);
	unsigned level = sc->layer ? sc->layer->level + 1 : 1;

	for (i = 0; i < n; i++) {
		const struct mw_php_layer *l = mw_php_norm_layer(sc->norm, i);
		struct layer_q *q;
		size_t at, k;
		unsigned d;

		if (level > MW_SIG_MAX_LAYER_LEVEL) {
			sc->caps |= MW_SIG_CAP_DEPTH;
			continue;
		}
		if (sc->nlq == MW_SIG_MAX_LAYERS) {
			sc->caps |= MW_SIG_CAP_LAYERS;
			return;
		}
		at = sc->lbuf.len;
		if (mw_buf_append(&sc->lbuf, l->data, l->len)) {
			sc->caps |= MW_SIG_CAP_DECODED;
			return;
		}
		q = &sc->lq[sc->nlq++];
		q->off = at;
		q->len = l->len;
		q->level = level;
		q->root_off = sc->layer ? sc->layer->root_off : l->raw_off;
		k = 0;
		q->chain[0] = '\0';
		if (sc->layer)
			k = (size_t)snprintf(q->chain, sizeof(q->chain), "%s", sc->layer->chain);
		for (d = 0; d < l->depth && k < sizeof(q->chain); d++)
			k += (size_t)snprintf(q->chain + k, sizeof(q->chain) - k, "%s%s",
					      k ? " > " : "",
					      mw_php_fn_name((enum mw_php_fn)l->chain[d]));
	}
}

/* Decoded code starts in PHP unless it starts with a tag or HTML. */
int mw_sig_layer_in_php(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return !(i < n && p[i] == '<');
}
