/*
 * A set of strings (open addressing, FNV-1a): "have we seen this path
 * already?" in constant time where a list would make a run over many
 * users quadratic. Zero-initialised means empty.
 */
#ifndef MW_STRSET_H
#define MW_STRSET_H

#include <stddef.h>

struct mw_strset {
	char **slot;		/* owned copies, NULL = free */
	size_t n;		/* entries */
	size_t cap;		/* slots, a power of two (0 before first add) */
};

/* Add a copy of s. Returns 1 when added, 0 when already present, -1 on
 * allocation failure (the set is unchanged). */
int mw_strset_add(struct mw_strset *set, const char *s);

/* 1 when s is in the set. */
int mw_strset_contains(const struct mw_strset *set, const char *s);

void mw_strset_free(struct mw_strset *set);

#endif
