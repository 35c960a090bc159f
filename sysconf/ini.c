/* PHP INI syntax (php.ini, .user.ini, PHP-FPM pools): sysconf/ini.h. */
#include <string.h>

#include "core/ascii.h"
#include "core/safefile.h"
#include "sysconf/ini.h"

static void problem(mw_ini_problem_fn fn, void *ud, unsigned long line,
		    const char *what)
{
	if (fn)
		fn(ud, line, what);
}

/*
 * The value after "=": quoted parts lose their quotes and are joined with
 * what is next to them (blanks between a quoted part and its neighbour are
 * dropped, as PHP joins "a" "b"); outside quotes ";" starts a comment.
 * Writes at most cap-1 bytes and their count into *len; returns -1 for an
 * unterminated quote.
 */
static int ini_value(char *dst, size_t cap, const char *s, const char *e,
		     size_t *len)
{
	size_t n = 0, keep = 0;		/* keep: end of the last quoted part */
	int bad = 0;

	while (s < e && mw_blank(*s))
		s++;
	while (s < e && n + 1 < cap) {
		char q = *s;

		if (q == ';')
			break;
		if (q == '"' || q == '\'') {
			const char *c = memchr(s + 1, q, (size_t)(e - s - 1));

			/* blanks since the last part do not belong to the value */
			while (n > keep && mw_blank(dst[n - 1]))
				n--;
			if (!c) {
				bad = 1;
				c = e;
			}
			for (s++; s < c && n + 1 < cap; s++)
				dst[n++] = *s;
			keep = n;
			s = c < e ? c + 1 : e;
			while (s < e && mw_blank(*s))
				s++;
			continue;
		}
		dst[n++] = *s++;
	}
	while (n > keep && mw_blank(dst[n - 1]))
		n--;
	dst[n] = '\0';
	*len = n;
	return bad ? -1 : 0;
}

void mw_ini_parse(const char *buf, size_t len, mw_ini_fn fn,
		  mw_ini_problem_fn problem_fn, void *ud)
{
	const struct mw_ini_cb cb = { ud, fn, problem_fn, NULL };

	mw_ini_parse_cb(buf, len, &cb);
}

void mw_ini_parse_cb(const char *buf, size_t len, const struct mw_ini_cb *cb)
{
	mw_ini_problem_fn problem_fn = cb->problem;
	void *ud = cb->ud;	/* both as mw_ini_parse names them */
	char section[MW_INI_MAX_NAME] = "";
	char key[MW_INI_MAX_NAME];
	char value[MW_INI_MAX_LINE + 1];
	unsigned long entries = 0;
	struct mw_lines it;
	const char *line, *e, *eq;
	int overlong;

	mw_lines_init(&it, buf, len, MW_INI_MAX_LINE);
	while (mw_lines_next_trimmed(&it, &line, &e, &overlong)) {
		struct mw_ini_entry ent;

		if (overlong)
			problem(problem_fn, ud, it.lineno, "line too long: cut");
		if (line == e || *line == ';' || *line == '#')
			continue;
		if (*line == '[') {
			const char *c = memchr(line, ']', (size_t)(e - line));

			if (!c) {
				problem(problem_fn, ud, it.lineno, "section without ']'");
				c = e;
			}
			mw_trim_copy(section, sizeof(section), line + 1, c, 0);
			if (cb->section)
				cb->section(ud, section, it.lineno);
			continue;
		}
		eq = memchr(line, '=', (size_t)(e - line));
		if (!eq) {
			problem(problem_fn, ud, it.lineno, "line without '='");
			continue;
		}
		mw_trim_copy(key, sizeof(key), line, eq, 0);
		if (!key[0]) {
			problem(problem_fn, ud, it.lineno, "empty key");
			continue;
		}
		ent.bad_quote = ini_value(value, sizeof(value), eq + 1, e, &ent.value_len) < 0;
		if (ent.bad_quote)
			problem(problem_fn, ud, it.lineno, "unterminated quote");
		if (entries >= MW_INI_MAX_ENTRIES) {
			problem(problem_fn, ud, it.lineno, "too many entries: rest not read");
			return;
		}
		entries++;
		ent.line = it.lineno;
		ent.offset = (size_t)(line - buf);
		ent.section = section;
		ent.key = key;
		ent.value = value;
		if (cb->entry(ud, &ent))
			return;
	}
}
