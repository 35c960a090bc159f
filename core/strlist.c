#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strlist.h"

enum mw_err mw_strlist_addn(struct mw_strlist *l, const char *s, size_t n)
{
	char *copy;

	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 8;
		char **nv = realloc(l->v, na * sizeof(*nv));

		if (!nv)
			return MW_ERR_NOMEM;
		l->v = nv;
		l->alloc = na;
	}
	copy = strndup(s, n);
	if (!copy)
		return MW_ERR_NOMEM;
	l->v[l->n++] = copy;
	return MW_OK;
}

enum mw_err mw_strlist_add(struct mw_strlist *l, const char *s)
{
	return mw_strlist_addn(l, s, strlen(s));
}

enum mw_err mw_strlist_add_words(struct mw_strlist *l, const char *s)
{
	const char *p = s, *w;
	enum mw_err e;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			return MW_OK;
		w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != ',')
			p++;
		e = mw_strlist_addn(l, w, (size_t)(p - w));
		if (e)
			return e;
	}
}

int mw_strlist_contains(const struct mw_strlist *l, const char *s, int icase)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (icase ? strcasecmp(l->v[i], s) == 0 : strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void mw_strlist_clear(struct mw_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->alloc = 0;
}
