/* Word table; see wordtab.h for the contract. */
#include <string.h>

#include "core/ascii.h"
#include "signatures/wordtab.h"

static uint32_t word_hash(const char *s, size_t len)
{
	uint32_t h = mw_fnv1a_lower(s, len);

	return h ^ (h >> 15);
}

int mw_wordtab_add(struct mw_wordtab *t, const char *w, uint8_t id)
{
	size_t len = strlen(w), i, k;
	uint32_t h;

	if (len == 0 || len > MW_WORDTAB_MAXLEN || id == 0 ||
	    t->used >= MW_WORDTAB_SLOTS / 2)
		return -1;
	if (mw_wordtab_get(t, w, len))
		return 0;
	h = word_hash(w, len);
	for (k = 0;; k++) {	/* at most half full: a free slot exists */
		i = (h + k) & (MW_WORDTAB_SLOTS - 1);
		if (!t->slot[i].id)
			break;
	}
	for (k = 0; k < len; k++)
		t->slot[i].w[k] = (char)mw_ascii_lower((unsigned char)w[k]);
	t->slot[i].w[len] = '\0';
	t->slot[i].len = (uint8_t)len;
	t->slot[i].id = id;
	t->used++;
	return 0;
}

uint8_t mw_wordtab_get(const struct mw_wordtab *t, const char *s, size_t len)
{
	uint32_t h;
	size_t i, k, j;

	if (len == 0 || len > MW_WORDTAB_MAXLEN)
		return 0;
	h = word_hash(s, len);
	for (k = 0; k < MW_WORDTAB_SLOTS; k++) {
		i = (h + k) & (MW_WORDTAB_SLOTS - 1);
		if (!t->slot[i].id)
			return 0;
		if (t->slot[i].len != len)
			continue;
		for (j = 0; j < len &&
		     t->slot[i].w[j] == (char)mw_ascii_lower((unsigned char)s[j]); j++)
			;
		if (j == len)
			return t->slot[i].id;
	}
	return 0;
}
