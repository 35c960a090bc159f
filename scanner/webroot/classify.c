#define _GNU_SOURCE
#include <string.h>
#ifdef __SSE2__
#include <immintrin.h>
#endif

#include "scanner/webroot/classify.h"
#include "core/ascii.h"

static const char *const php_ext[] = {
	"php", "php3", "php4", "php5", "php6", "php7", "php8", "phtml", "pht",
	"phar", "inc", "module",
};

/* w (lower-case) starts at p, ASCII case-insensitively; p is NUL-ended. */
static int prefix_ci(const char *p, const char *w)
{
	for (; *w; w++, p++)
		if (mw_ascii_lower((unsigned char)*p) != (unsigned char)*w)
			return 0;
	return 1;
}

/* One pass over the dots: this runs for every file of the walk, where
 * strcasestr() twice cost more than the extension test itself. */
int mw_php_name(const char *name)
{
	const char *dot, *last = NULL;
	char ext[8];
	size_t i, n;

	for (dot = strchr(name, '.'); dot; dot = strchr(dot + 1, '.')) {
		/* "x.php.jpg": Apache's AddHandler matches any extension */
		if (prefix_ci(dot + 1, "php.") || prefix_ci(dot + 1, "phtml."))
			return 1;
		last = dot;
	}
	if (!last)
		return 0;
	/* the extension lower-cased, when short enough to be one of ours */
	for (n = 0; last[1 + n] && n < sizeof(ext) - 1; n++)
		ext[n] = (char)mw_ascii_lower((unsigned char)last[1 + n]);
	if (last[1 + n])
		return 0;
	ext[n] = '\0';
	for (i = 0; i < sizeof(php_ext) / sizeof(php_ext[0]); i++)
		if (ext[0] == php_ext[i][0] && strcmp(ext, php_ext[i]) == 0)
			return 1;
	return 0;
}

static int word_ci(const char *p, const char *end, const char *w)
{
	for (; *w; w++, p++)
		if (p >= end || mw_ascii_lower((unsigned char)*p) != *w)
			return 0;
	return 1;
}

/* <script ... language = "php" ... > starting at p (after "<script"). */
static int script_is_php(const char *p, const char *end)
{
	const char *gt = memchr(p, '>', (size_t)(end - p) > 256 ? 256 : (size_t)(end - p));

	if (!gt)
		return 0;
	for (; p < gt; p++) {
		if (!word_ci(p, gt, "language"))
			continue;
		p += 8;
		while (p < gt && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		if (p >= gt || *p != '=')
			return 0;
		p++;
		while (p < gt && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		if (p < gt && (*p == '"' || *p == '\''))
			p++;
		return word_ci(p, gt, "php");
	}
	return 0;
}

int mw_looks_binary(const char *buf, size_t len)
{
	return memchr(buf, '\0', len < 512 ? len : 512) != NULL;
}

int mw_media_hint(const char *buf, size_t len)
{
	static const struct { const char *sig; unsigned char n, at; } sigs[] = {
		{ "GIF8", 4, 0 }, { "\x89PNG", 4, 0 }, { "\xff\xd8\xff", 3, 0 },
		{ "BM", 2, 0 }, { "II*", 3, 0 }, { "MM\0*", 4, 0 },
		{ "RIFF", 4, 0 }, { "%PDF", 4, 0 }, { "PK\3\4", 4, 0 },
		{ "PK\5\6", 4, 0 }, { "\x1f\x8b", 2, 0 }, { "ID3", 3, 0 },
		{ "\xff\xfb", 2, 0 }, { "\xff\xf3", 2, 0 }, { "\xff\xf2", 2, 0 },
		{ "OggS", 4, 0 }, { "fLaC", 4, 0 }, { "\x1a\x45\xdf\xa3", 4, 0 },
		{ "ftyp", 4, 4 }, { "8BPS", 4, 0 }, { "FORM", 4, 0 }, { "MThd", 4, 0 },
		{ "FLV", 3, 0 }, { "gimp xcf", 8, 0 }, { "\x76\x2f\x31\x01", 4, 0 },
		{ "#?RADIANCE", 10, 0 }, { "P1", 2, 0 }, { "P4", 2, 0 },
		{ "P5", 2, 0 }, { "P6", 2, 0 }, { "/* XPM", 6, 0 },
		{ "#define ", 8, 0 }, { "7z\xbc\xaf", 4, 0 }, { "Rar!", 4, 0 },
		{ "BZh", 3, 0 }, { "\xfd" "7zXZ", 5, 0 },
	};
	size_t i, head = len < 1024 ? len : 1024;

	if (mw_looks_binary(buf, len))
		return 1;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (len >= (size_t)sigs[i].at + sigs[i].n &&
		    memcmp(buf + sigs[i].at, sigs[i].sig, sigs[i].n) == 0)
			return 1;
	return memmem(buf, head, "<svg", 4) != NULL || memmem(buf, head, "<SVG", 4) != NULL;
}

long mw_php_tag(const char *buf, size_t len, enum mw_php_class *kind, int *full)
{
	return mw_php_tag_ex(buf, len, 1, kind, full);
}

/*
 * Next "<?" -- or, when script is set, also "<s"/"<S" -- at or after p.
 * Every byte of every file goes through here, so on x86-64 it compares byte
 * pairs a block at a time (32 with AVX2 when the CPU has it, else 16 with
 * SSE2): in random image data a hit comes every 64 KiB instead of every 256
 * bytes for a memchr on one character.
 */
#ifdef __SSE2__
__attribute__((target("avx2")))
static const char *next_open_avx2(const char *p, const char *end, int script)
{
	const __m256i lt = _mm256_set1_epi8('<'), qm = _mm256_set1_epi8('?');
	const __m256i s = _mm256_set1_epi8('s'), bit = _mm256_set1_epi8(0x20);

	while (end - p >= 33) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(p + 1));
		__m256i hit = _mm256_cmpeq_epi8(b, qm);
		unsigned m;

		if (script)
			hit = _mm256_or_si256(hit, _mm256_cmpeq_epi8(_mm256_or_si256(b, bit), s));
		m = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a, lt), hit));
		if (m)
			return p + __builtin_ctz(m);
		p += 32;
	}
	return p;
}
#endif

static const char *next_open(const char *p, const char *end, int script)
{
#ifdef __SSE2__
	static int avx2 = -1;
	const __m128i lt = _mm_set1_epi8('<'), qm = _mm_set1_epi8('?');
	const __m128i s = _mm_set1_epi8('s'), bit = _mm_set1_epi8(0x20);

	int has = __atomic_load_n(&avx2, __ATOMIC_RELAXED);

	if (has < 0) {
		has = __builtin_cpu_supports("avx2") ? 1 : 0;
		__atomic_store_n(&avx2, has, __ATOMIC_RELAXED);
	}
	if (has) {
		/* a hit, or where fewer than 33 bytes are left */
		p = next_open_avx2(p, end, script);
		if (end - p >= 33)
			return p;
	}
	while (end - p >= 17) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
		__m128i hit = _mm_cmpeq_epi8(b, qm);
		unsigned m;

		if (script)
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_or_si128(b, bit), s));
		m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, lt), hit));
		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
	for (; end - p >= 2; p++)
		if (p[0] == '<' && (p[1] == '?' || (script && mw_ascii_lower((unsigned char)p[1]) == 's')))
			return p;
	return NULL;
}

long mw_php_tag_ex(const char *buf, size_t len, int script,
		   enum mw_php_class *kind, int *full)
{
	const char *p = buf, *end = buf + len, *q;

	while ((q = next_open(p, end, script)) != NULL) {
		if (q[1] == '?') {
			/* In binary data "<?=" turns up by chance every 16 MB;
			 * there it must be followed by a blank or a variable. */
			if (q + 2 < end && q[2] == '=' &&
			    (script || (q + 3 < end && (q[3] == ' ' || q[3] == '\t' ||
			     q[3] == '\n' || q[3] == '\r' || q[3] == '$')))) {
				*kind = MW_PHP_TAG;
				if (full)
					*full = 0;
				return (long)(q - buf);
			}
			if (word_ci(q + 2, end, "php")) {
				*kind = MW_PHP_TAG;
				if (full)
					*full = 1;
				return (long)(q - buf);
			}
		} else if (word_ci(q + 2, end, "cript") && script_is_php(q + 7, end)) {
			/* <script language="php"> (PHP 5 only, still seen in old kits) */
			*kind = MW_PHP_SCRIPT_TAG;
			if (full)
				*full = 1;
			return (long)(q - buf);
		}
		p = q + 1;
	}
	return -1;
}

enum mw_php_class mw_php_classify(const char *name, const char *buf, size_t len)
{
	enum mw_php_class k;

	if (mw_php_name(name))
		return MW_PHP_EXTENSION;
	if (mw_php_tag_ex(buf, len, !mw_looks_binary(buf, len), &k, NULL) >= 0)
		return k;
	return MW_PHP_NO;
}

const char *mw_php_class_name(enum mw_php_class c)
{
	switch (c) {
	case MW_PHP_EXTENSION: return "extension";
	case MW_PHP_TAG: return "php-tag";
	case MW_PHP_SCRIPT_TAG: return "script-tag";
	default: return "none";
	}
}
