/* Apache and nginx configuration tokenizers: sysconf/webconf.h. */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/ascii.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "sysconf/webconf.h"

static void problem(const struct mw_webconf_cb *cb, unsigned long line, const char *msg)
{
	if (cb->problem)
		cb->problem(cb->arg, line, msg);
}

/* Next blank-separated argument, "quoted" or bare; 0 when none/bad. */
static int next_arg(const char **p, const char *end, const char **a, size_t *an)
{
	const char *s = *p, *q;

	while (s < end && mw_blank(*s))
		s++;
	if (s >= end)
		return 0;
	if (*s == '"' || *s == '\'') {
		q = memchr(s + 1, *s, (size_t)(end - s - 1));
		if (!q)
			return 0;
		*a = s + 1;
		*an = (size_t)(q - s - 1);
		*p = q + 1;
		return 1;
	}
	q = s;
	while (q < end && !mw_blank(*q))
		q++;
	*a = s;
	*an = (size_t)(q - s);
	*p = q;
	return 1;
}

void mw_apache_conf_parse(const char *text, size_t len, const char *const names[],
			  const struct mw_webconf_cb *cb)
{
	struct mw_lines it;
	const char *line, *p, *end, *w, *a;
	size_t wn, an, i;
	int overlong;

	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next_trimmed(&it, &line, &end, &overlong)) {
		if (overlong) {
			problem(cb, it.lineno, "line too long");
			continue;
		}
		if (line == end || *line == '#' || *line == '<')
			continue;
		w = line;
		p = line;
		while (p < end && isalpha((unsigned char)*p))
			p++;
		wn = (size_t)(p - w);
		if (p < end && !mw_blank(*p))
			continue;
		for (i = 0; names[i]; i++)
			if (strlen(names[i]) == wn && strncasecmp(w, names[i], wn) == 0)
				break;
		if (!names[i])
			continue;
		if (!next_arg(&p, end, &a, &an))
			cb->directive(cb->arg, names[i], NULL, 0, it.lineno, 0);
		else
			cb->directive(cb->arg, names[i], a, an, it.lineno, 0);
	}
}

/* The entry of names equal to tok[0..tn), or NULL. */
static const char *named(const char *const names[], const char *tok, size_t tn)
{
	size_t i;

	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == tn && memcmp(tok, names[i], tn) == 0)
			return names[i];
	return NULL;
}

void mw_nginx_conf_parse(const char *text, size_t len, const char *const names[],
			 const struct mw_webconf_cb *cb)
{
	const char *p = text, *end = text + len, *tok, *want = NULL;
	unsigned long line = 1, tokline;
	unsigned depth = 0, ntok = 0;
	size_t tn;

	while (p < end) {
		char c = *p;

		if (c == '\n') {
			line++;
			p++;
			continue;
		}
		if (mw_blank(c)) {
			p++;
			continue;
		}
		if (c == '#') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (c == '{' || c == '}' || c == ';') {
			if (c == '{')
				depth++;
			else if (c == '}' && depth)
				depth--;
			ntok = 0;
			want = NULL;
			p++;
			continue;
		}
		tokline = line;
		if (c == '"' || c == '\'') {
			const char *q = p + 1;

			while (q < end && *q != c) {
				if (*q == '\\' && q + 1 < end)
					q++;
				if (*q == '\n')
					line++;
				q++;
			}
			if (q >= end) {
				problem(cb, tokline, "unterminated quote");
				return;
			}
			tok = p + 1;
			tn = (size_t)(q - tok);
			p = q + 1;
		} else {
			tok = p;
			while (p < end && !mw_blank(*p) && *p != '\n' && *p != ';' &&
			       *p != '{' && *p != '}' && *p != '#')
				p++;
			tn = (size_t)(p - tok);
		}
		if (ntok == 0)
			want = named(names, tok, tn);
		else if (ntok == 1 && want)
			cb->directive(cb->arg, want, tok, tn, tokline, depth);
		if (ntok < 2)
			ntok++;
	}
}
