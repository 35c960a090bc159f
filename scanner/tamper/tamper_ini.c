/* PHP INI syntax parser (.user.ini, php.ini, PHP-FPM pools): tamper_parse.h. */
#include <string.h>

#include "core/safefile.h"
#include "scanner/tamper/tamper_parse.h"

/* [s, e) without blanks at both ends, into dst (cap bytes, NUL). */
/*
 * The value after "=": quoted parts lose their quotes and are joined with
 * what is next to them (blanks between a quoted part and its neighbour are
 * dropped, as PHP joins "a" "b"); outside quotes ";" starts a comment.
 * Writes at most cap-1 bytes; returns -1 for an unterminated quote.
 */
static int ini_value(char *dst, size_t cap, const char *s, const char *e)
{
	size_t n = 0, keep = 0;		/* keep: end of the last quoted part */
	int bad = 0;

	while (s < e && mw_tamper_blank(*s))
		s++;
	while (s < e && n + 1 < cap) {
		char q = *s;

		if (q == ';')
			break;
		if (q == '"' || q == '\'') {
			const char *c = memchr(s + 1, q, (size_t)(e - s - 1));

			/* blanks since the last part do not belong to the value */
			while (n > keep && mw_tamper_blank(dst[n - 1]))
				n--;
			if (!c) {
				bad = 1;
				c = e;
			}
			for (s++; s < c && n + 1 < cap; s++)
				dst[n++] = *s;
			keep = n;
			s = c < e ? c + 1 : e;
			while (s < e && mw_tamper_blank(*s))
				s++;
			continue;
		}
		dst[n++] = *s++;
	}
	while (n > keep && mw_tamper_blank(dst[n - 1]))
		n--;
	dst[n] = '\0';
	return bad ? -1 : 0;
}

void mw_ini_parse(const char *buf, size_t len, mw_ini_fn fn, void *ud,
		  struct mw_tamper_parse_stats *stats)
{
	char section[MW_TAMPER_MAX_NAME * 4] = "";
	char key[MW_TAMPER_MAX_NAME * 4];
	char value[MW_TAMPER_MAX_LINE + 1];
	struct mw_tamper_parse_stats dummy;
	struct mw_lines it;
	const char *line, *e, *eq;
	size_t n;
	int overlong;

	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	mw_lines_init(&it, buf, len, MW_TAMPER_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		struct mw_ini_entry ent;

		if (overlong)
			mw_tamper_problem(stats, it.lineno, "line too long: cut");
		e = line + n;
		while (line < e && mw_tamper_blank(*line))
			line++;
		if (line == e || *line == ';' || *line == '#')
			continue;
		if (*line == '[') {
			const char *c = memchr(line, ']', (size_t)(e - line));

			if (!c) {
				mw_tamper_problem(stats, it.lineno, "section without ']'");
				c = e;
			}
			mw_tamper_trim_copy(section, sizeof(section), line + 1, c, 0);
			continue;
		}
		eq = memchr(line, '=', (size_t)(e - line));
		if (!eq) {
			mw_tamper_problem(stats, it.lineno, "line without '='");
			continue;
		}
		mw_tamper_trim_copy(key, sizeof(key), line, eq, 0);
		if (!key[0]) {
			mw_tamper_problem(stats, it.lineno, "empty key");
			continue;
		}
		if (ini_value(value, sizeof(value), eq + 1, e) < 0)
			mw_tamper_problem(stats, it.lineno, "unterminated quote");
		if (stats->entries >= MW_TAMPER_MAX_ITEMS) {
			mw_tamper_problem(stats, it.lineno, "too many entries: rest not read");
			return;
		}
		stats->entries++;
		ent.line = it.lineno;
		ent.offset = (size_t)(line - buf);
		ent.section = section;
		ent.key = key;
		ent.value = value;
		if (fn(ud, &ent))
			return;
	}
}
