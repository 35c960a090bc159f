/* Apache per-directory configuration (.htaccess) parser: tamper_parse.h. */
#include <string.h>

#include "scanner/tamper/tamper_parse.h"

struct apache_state {
	char line[MW_TAMPER_MAX_LINE + 1];	/* logical line */
	char words[MW_TAMPER_MAX_LINE + 1];	/* its unquoted words */
	const char *argv[MW_TAMPER_MAX_ARGS + 1];
	struct mw_apache_block blocks[MW_TAMPER_MAX_DEPTH];
	size_t depth;		/* blocks[] in use */
	size_t lost;		/* blocks opened past the cap, not kept */
};

/*
 * Split s into words in st->words: blanks separate, "..." and '...' quote
 * (a backslash before the quote character or a backslash keeps it). The
 * first word goes to *name, the others to st->argv (at most the cap; the
 * rest is dropped). Returns the number of arguments, -1 for an
 * unterminated quote (the words so far are kept).
 */
static long split_words(struct apache_state *st, const char *s, const char **name)
{
	char *o = st->words;
	size_t n = 0;
	int words = 0, bad = 0;

	*name = NULL;
	for (;;) {
		char q;

		while (mw_blank(*s))
			s++;
		if (!*s)
			break;
		if (words > MW_TAMPER_MAX_ARGS)
			break;
		q = (*s == '"' || *s == '\'') ? *s++ : 0;
		if (words == 0)
			*name = o;
		else
			st->argv[n++] = o;
		words++;
		while (*s && (q ? *s != q : !mw_blank(*s))) {
			if (q && *s == '\\' && (s[1] == q || s[1] == '\\'))
				s++;
			*o++ = *s++;
		}
		if (q && !*s)
			bad = 1;
		else if (q)
			s++;
		*o++ = '\0';
	}
	st->argv[n] = NULL;
	return bad ? -1 : (long)n;
}

/* Copy at most cap-1 bytes of [s, s+n) into dst, NUL-terminated. */
static void copy_cut(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* A "<Name args>" or "</Name>" line: keep the block stack in step. */
static void block_line(struct apache_state *st, const char *s, unsigned long line,
		       struct mw_tamper_parse_stats *stats)
{
	const char *end = s + strlen(s), *p;
	struct mw_apache_block *b;
	const char *name;

	while (end > s && mw_blank(end[-1]))
		end--;
	if (end > s && end[-1] == '>')
		end--;
	else
		mw_tamper_problem(stats, line, "block line without '>'");
	if (s[1] == '/') {
		if (st->lost)
			st->lost--;
		else if (st->depth)
			st->depth--;
		else
			mw_tamper_problem(stats, line, "block closed that was not open");
		return;
	}
	if (st->depth >= MW_TAMPER_MAX_DEPTH) {
		st->lost++;
		mw_tamper_problem(stats, line, "blocks nested too deep");
		return;
	}
	b = &st->blocks[st->depth++];
	for (p = s + 1; p < end && !mw_blank(*p); p++)
		;
	copy_cut(b->name, sizeof(b->name), s + 1, (size_t)(p - s - 1));
	while (p < end && mw_blank(*p))
		p++;
	/* the argument, unquoted when it is one quoted word */
	{
		char tmp[MW_TAMPER_MAX_LINE + 1];

		copy_cut(tmp, sizeof(tmp), p, (size_t)(end - p));
		if (split_words(st, tmp, &name) < 0)
			mw_tamper_problem(stats, line, "unterminated quote");
		/* <Files ~ "regex">: the old spelling of <FilesMatch> */
		if (name && strcmp(name, "~") == 0 && st->argv[0])
			name = st->argv[0];
		copy_cut(b->arg, sizeof(b->arg), name ? name : "",
			 name ? strlen(name) : 0);
	}
}

void mw_apache_parse(const char *buf, size_t len, mw_apache_fn fn, void *ud,
		     struct mw_tamper_parse_stats *stats)
{
	struct apache_state st_mem, *st = &st_mem;
	struct mw_tamper_parse_stats dummy;
	const char *p = buf, *end = buf + len;
	unsigned long lineno = 0;

	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	st->depth = st->lost = 0;
	while (p < end) {
		size_t n = 0, off = (size_t)(p - buf);
		unsigned long first = lineno + 1;
		int more, cut = 0;
		const char *s, *name;
		struct mw_apache_directive d;
		long argc;

		/* one logical line: physical lines joined while one ends in '\' */
		do {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *e = nl ? nl : end;
			size_t take;

			lineno++;
			if (e > p && e[-1] == '\r')
				e--;
			more = e > p && e[-1] == '\\' && nl;
			if (more)
				e--;
			take = (size_t)(e - p);
			if (take > MW_TAMPER_MAX_LINE - n) {
				take = MW_TAMPER_MAX_LINE - n;
				cut = 1;
			}
			memcpy(st->line + n, p, take);
			n += take;
			p = nl ? nl + 1 : end;
		} while (more && p < end);
		st->line[n] = '\0';
		if (cut)
			mw_tamper_problem(stats, first, "line too long: cut");
		/* a NUL byte ends the line as Apache would see it */
		for (s = st->line; mw_blank(*s); s++)
			;
		if (!*s || *s == '#')
			continue;
		if (*s == '<') {
			block_line(st, s, first, stats);
			continue;
		}
		argc = split_words(st, s, &name);
		if (argc < 0) {
			mw_tamper_problem(stats, first, "unterminated quote");
			argc = 0;
			while (st->argv[argc])
				argc++;
		}
		if (!name)
			continue;
		if (stats->entries >= MW_TAMPER_MAX_ITEMS) {
			mw_tamper_problem(stats, first, "too many directives: rest not read");
			return;
		}
		stats->entries++;
		d.line = first;
		d.offset = off;
		d.name = name;
		d.argc = (size_t)argc;
		d.argv = st->argv;
		d.depth = st->depth;
		d.blocks = st->blocks;
		if (fn(ud, &d))
			return;
	}
}
