#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strset.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Slot holding s, or the free slot where it would go. */
static size_t find_slot(char *const *slot, size_t cap, const char *s)
{
	size_t i = (size_t)hash_str(s) & (cap - 1);

	while (slot[i] && strcmp(slot[i], s))
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(struct mw_strset *set)
{
	size_t ncap = set->cap ? set->cap * 2 : 64, i;
	char **ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -1;
	for (i = 0; i < set->cap; i++)
		if (set->slot[i])
			ns[find_slot(ns, ncap, set->slot[i])] = set->slot[i];
	free(set->slot);
	set->slot = ns;
	set->cap = ncap;
	return 0;
}

int mw_strset_add(struct mw_strset *set, const char *s)
{
	size_t i;
	char *copy;

	/* keep the load at most 1/2 so that probes stay short */
	if ((set->n + 1) * 2 > set->cap && grow(set))
		return -1;
	i = find_slot(set->slot, set->cap, s);
	if (set->slot[i])
		return 0;
	copy = strdup(s);
	if (!copy)
		return -1;
	set->slot[i] = copy;
	set->n++;
	return 1;
}

int mw_strset_contains(const struct mw_strset *set, const char *s)
{
	return set->cap && set->slot[find_slot(set->slot, set->cap, s)];
}

void mw_strset_free(struct mw_strset *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	set->slot = NULL;
	set->n = set->cap = 0;
}
