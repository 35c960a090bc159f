/* The text view of data.scan; scan_int.h. */
#define _GNU_SOURCE
#include <string.h>

#include "scanner/webroot/scan_int.h"

/* Text view of data.scan: the counts, not the symlink list. */
int mw_scan_render(FILE *out, const json_t *d, int color)
{
	const json_t *roots = json_object_get(d, "roots"), *r, *sk, *sl;
	size_t i;

	(void)color;
	if (json_is_true(json_object_get(d, "roots_given"))) {
		/* 28,000 files from a list are not 28,000 header lines */
		size_t n = json_array_size(roots);

		if (n == 0 && fputs("  roots: none (no files given)\n", out) == EOF)
			return -1;
		if (n == 1 && fprintf(out, "  root: %s (%s)\n",
				      json_string_value(json_object_get(
					      json_array_get(roots, 0), "path")),
				      json_string_value(json_object_get(
					      json_array_get(roots, 0), "source"))) < 0)
			return -1;
		if (n > 1) {
			const char *first = json_string_value(json_object_get(
				json_array_get(roots, 0), "source"));
			const char *last = json_string_value(json_object_get(
				json_array_get(roots, n - 1), "source"));

			if (fprintf(out, "  roots: %zu paths given (%s%s%s)\n", n, first,
				    strcmp(first, last) ? ", " : "",
				    strcmp(first, last) ? last : "") < 0)
				return -1;
		}
	} else {
		json_array_foreach(roots, i, r)
			if (fprintf(out, "  root: %s (%s)\n",
				    json_string_value(json_object_get(r, "path")),
				    json_string_value(json_object_get(r, "source"))) < 0)
				return -1;
	}
	sk = json_object_get(d, "skipped");
#define I(o, k) json_integer_value(json_object_get((o), (k)))
	if (fprintf(out, "  files: %" JSON_INTEGER_FORMAT " in %" JSON_INTEGER_FORMAT
		    " directories, %" JSON_INTEGER_FORMAT " bytes read, %"
		    JSON_INTEGER_FORMAT " ms\n", I(d, "files"), I(d, "dirs"),
		    I(d, "bytes"), I(d, "duration_ms")) < 0 ||
	    fprintf(out, "  PHP candidates: %" JSON_INTEGER_FORMAT " (%" JSON_INTEGER_FORMAT
		    " by extension, %" JSON_INTEGER_FORMAT " by content), not PHP: %"
		    JSON_INTEGER_FORMAT "\n", I(d, "candidates"),
		    I(d, "candidates_by_extension"), I(d, "candidates_by_content"),
		    I(d, "not_candidates")) < 0 ||
	    fprintf(out, "  skipped: %" JSON_INTEGER_FORMAT " unreadable, %"
		    JSON_INTEGER_FORMAT " truncated, %" JSON_INTEGER_FORMAT
		    " other filesystem, %" JSON_INTEGER_FORMAT " excluded, %"
		    JSON_INTEGER_FORMAT " special, %" JSON_INTEGER_FORMAT
		    " vanished; %" JSON_INTEGER_FORMAT " symlinks not followed\n",
		    I(sk, "unreadable"), I(sk, "truncated"), I(sk, "other_filesystem"),
		    I(sk, "excluded"), I(sk, "special"), I(sk, "vanished"),
		    I(d, "symlinks")) < 0 ||
	    fprintf(out, "  rules: %" JSON_INTEGER_FORMAT " (%s prefilter), threads: %"
		    JSON_INTEGER_FORMAT "%s", I(d, "rules"),
		    json_string_value(json_object_get(d, "prefilter")), I(d, "threads"),
		    json_is_true(json_object_get(d, "incremental")) ? ", incremental" : "") < 0)
		return -1;
	if (json_is_true(json_object_get(d, "incremental")) &&
	    fprintf(out, " (%" JSON_INTEGER_FORMAT " files unchanged)", I(d, "cached")) < 0)
		return -1;
	if (json_object_get(d, "quarantined") &&
	    fprintf(out, ", quarantined: %" JSON_INTEGER_FORMAT, I(d, "quarantined")) < 0)
		return -1;
	if (fputc('\n', out) == EOF)
		return -1;
	sl = json_object_get(d, "slowest");
	if (sl && fprintf(out, "  slowest rule: %s, %.1f ms on %s\n",
			  json_string_value(json_object_get(sl, "rule")),
			  json_real_value(json_object_get(sl, "ms")),
			  json_string_value(json_object_get(sl, "file"))) < 0)
		return -1;
#undef I
	return 0;
}
