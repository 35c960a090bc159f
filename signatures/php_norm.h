/*
 * The normalised view of PHP code (signatures/README.md, "The normalised
 * view"): the lexer's tokens re-emitted without comments, with canonical
 * spacing and quoting, constant expressions folded (concatenation, chr(),
 * XOR, decoders of literals, ${'_PO'.'ST'}, calls through a variable that
 * holds a function name), and a map from each emitted item back to the
 * raw offset it came from. Decoded literals that look like code are kept
 * as "layers" for the engine to scan again.
 *
 * Memory: one mw_php_norm per thread, reused for every buffer: its arenas
 * (output, map, literal values, layers) grow to the largest input seen, up
 * to the caps below, and nothing is allocated per token. Nothing is ever
 * executed.
 */
#ifndef MW_PHP_NORM_H
#define MW_PHP_NORM_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define MW_PHP_MAX_DEPTH	8		/* decoders in one chain */
#define MW_PHP_MAX_LIT		(16u << 20)	/* bytes of one folded literal */
#define MW_PHP_MAX_VALUES	(64u << 20)	/* bytes of literal values per buffer */
#define MW_PHP_MAX_VARS		2048		/* variables holding a literal (packers
						 * spread a payload over ~1,000) */
#define MW_PHP_MAX_LAYERS	64		/* decoded layers kept per buffer */

/* Caps hit while normalising (mw_php_norm_caps), reported by the scan. */
#define MW_PHP_CAP_TOKENS	0x01u	/* MW_PHP_MAX_TOKENS: rest of the
					 * buffer emitted raw */
#define MW_PHP_CAP_VALUES	0x02u	/* literal arena full: folds stopped */
#define MW_PHP_CAP_DEPTH	0x04u	/* a chain deeper than MW_PHP_MAX_DEPTH */
#define MW_PHP_CAP_DECODED	0x08u	/* decode budget used up */
#define MW_PHP_CAP_RATIO	0x10u	/* inflate stopped by the ratio cap */
#define MW_PHP_CAP_OUTPUT	0x20u	/* view larger than its cap: cut */
#define MW_PHP_CAP_LAYERS	0x40u	/* more than MW_PHP_MAX_LAYERS layers */
#define MW_PHP_CAP_FLOW		0x100u	/* data-flow facts stopped at a bound */

struct mw_php_norm;

/* A decoded literal that looks like PHP or HTML. chain holds the decoders
 * applied, innermost first; raw_off is where its expression starts in the
 * buffer that was normalised. data stays valid until the next
 * mw_php_normalise() on the same object. */
struct mw_php_layer {
	const char *data;
	size_t len;
	size_t raw_off;
	unsigned depth;
	uint8_t chain[MW_PHP_MAX_DEPTH];	/* enum mw_php_fn */
};

struct mw_php_norm *mw_php_norm_new(void);
void mw_php_norm_free(struct mw_php_norm *n);
/* Give back arena memory past keep bytes (after a huge file). */
void mw_php_norm_trim(struct mw_php_norm *n, size_t keep);

/*
 * Normalise buf[0..len) (in_php: start in code, for decoded layers).
 * decode_budget bounds the bytes decoders may produce (the caller's
 * per-file budget; *decoded receives what they produced). Returns MW_OK or
 * MW_ERR_NOMEM; caps are not errors (mw_php_norm_caps).
 */
enum mw_err mw_php_normalise(struct mw_php_norm *n, const char *buf, size_t len,
			     int in_php, size_t decode_budget, size_t *decoded);

/* The view of the last mw_php_normalise() (NUL-terminated). */
const char *mw_php_norm_text(const struct mw_php_norm *n, size_t *len);
/* Raw offset of the item that produced view byte off. */
size_t mw_php_norm_raw_offset(const struct mw_php_norm *n, size_t off);
unsigned mw_php_norm_caps(const struct mw_php_norm *n);
/* The data-flow facts (php_flow.h) the view ends with, "" when none. */
const char *mw_php_norm_facts(const struct mw_php_norm *n, size_t *len);
size_t mw_php_norm_nlayers(const struct mw_php_norm *n);
const struct mw_php_layer *mw_php_norm_layer(const struct mw_php_norm *n, size_t i);

/* Does data look like PHP or HTML worth a scan (printable text with code
 * punctuation or a tag)? */
int mw_php_looks_like_code(const char *data, size_t len);

#endif
