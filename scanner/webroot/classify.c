#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "scanner/webroot/classify.h"

static const char *const php_ext[] = {
	"php", "php3", "php4", "php5", "php6", "php7", "php8", "phtml", "pht",
	"phar", "inc", "module",
};

int mw_php_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot) {
		for (i = 0; i < sizeof(php_ext) / sizeof(php_ext[0]); i++)
			if (strcasecmp(dot + 1, php_ext[i]) == 0)
				return 1;
	}
	/* "x.php.jpg": Apache's AddHandler matches any extension */
	return strcasestr(name, ".php.") != NULL || strcasestr(name, ".phtml.") != NULL;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int word_ci(const char *p, const char *end, const char *w)
{
	for (; *w; w++, p++)
		if (p >= end || lower((unsigned char)*p) != *w)
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

long mw_php_tag(const char *buf, size_t len, enum mw_php_class *kind, int *full)
{
	return mw_php_tag_ex(buf, len, 1, kind, full);
}

long mw_php_tag_ex(const char *buf, size_t len, int script,
		   enum mw_php_class *kind, int *full)
{
	const char *p = buf, *end = buf + len, *q;

	/* '?' is rarer than '<' in markup and as common in binary data:
	 * memchr on it is the cheapest pass over files that are not PHP. */
	while (p < end && (q = memchr(p, '?', (size_t)(end - p))) != NULL) {
		if (q > buf && q[-1] == '<') {
			/* In binary data "<?=" turns up by chance every 16 MB;
			 * there it must be followed by a blank or a variable. */
			if (q + 1 < end && q[1] == '=' &&
			    (script || (q + 2 < end && (q[2] == ' ' || q[2] == '\t' ||
			     q[2] == '\n' || q[2] == '\r' || q[2] == '$')))) {
				*kind = MW_PHP_TAG;
				if (full)
					*full = 0;
				return (long)(q - 1 - buf);
			}
			if (word_ci(q + 1, end, "php")) {
				*kind = MW_PHP_TAG;
				if (full)
					*full = 1;
				return (long)(q - 1 - buf);
			}
		}
		p = q + 1;
	}
	if (!script)
		return -1;
	/* <script language="php"> (PHP 5 only, still seen in old kits) */
	p = buf;
	while (p < end && (q = memmem(p, (size_t)(end - p), "cript", 5)) != NULL) {
		if (q - buf >= 2 && q[-2] == '<' && lower((unsigned char)q[-1]) == 's' &&
		    script_is_php(q + 5, end)) {
			*kind = MW_PHP_SCRIPT_TAG;
			if (full)
				*full = 1;
			return (long)(q - 2 - buf);
		}
		p = q + 5;
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
