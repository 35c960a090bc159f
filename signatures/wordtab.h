/*
 * A fixed table of short ASCII words to small ids, looked up ASCII
 * case-insensitively in one hash probe sequence: the lexer's callers ask
 * it for every identifier and operator of a view, where a linear search
 * of the keyword lists was a tenth of the scan's CPU on PHP-heavy trees.
 *
 * Contract: mw_wordtab_add() is called only while one thread builds the
 * table (under pthread_once); mw_wordtab_get() then from any thread. The
 * table owns copies of the words; it allocates nothing.
 */
#ifndef MW_SIGNATURES_WORDTAB_H
#define MW_SIGNATURES_WORDTAB_H

#include <stddef.h>
#include <stdint.h>

#define MW_WORDTAB_SLOTS	512	/* power of two; at most half used */
#define MW_WORDTAB_MAXLEN	31

struct mw_wordtab {
	struct {
		char w[MW_WORDTAB_MAXLEN + 1];
		uint8_t len, id;	/* id 0: free slot */
	} slot[MW_WORDTAB_SLOTS];
	unsigned used;
};

/* Adds word w (stored lower-cased) with id (1-255). A word already in the
 * table keeps its first id. Returns 0, or -1 if w is empty, longer than
 * MW_WORDTAB_MAXLEN, id is 0, or the table is half full. */
int mw_wordtab_add(struct mw_wordtab *t, const char *w, uint8_t id);

/* The id of the len bytes at s (any case), 0 if they are not a word. */
uint8_t mw_wordtab_get(const struct mw_wordtab *t, const char *s, size_t len);

#endif
