#ifndef MW_STRLIST_H
#define MW_STRLIST_H

#include <stddef.h>

#include "core/error.h"

/* A list of owned strings. Zero-initialised means empty. */
struct mw_strlist {
	char **v;
	size_t n;
	size_t alloc;
};

enum mw_err mw_strlist_add(struct mw_strlist *l, const char *s);
enum mw_err mw_strlist_addn(struct mw_strlist *l, const char *s, size_t n);
/* Split s on blanks and commas and add every non-empty word. */
enum mw_err mw_strlist_add_words(struct mw_strlist *l, const char *s);
/* 1 when an entry equals s (case-insensitive when icase). */
int mw_strlist_contains(const struct mw_strlist *l, const char *s, int icase);
void mw_strlist_clear(struct mw_strlist *l);

#endif
