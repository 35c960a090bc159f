/*
 * Internals of the compiled matcher (sig.h has the contract), shared by:
 *   engine_compile.c  rules into a database: literals, gates, PCRE2 and
 *                     Vectorscan (with its on-disk cache)
 *   engine_view.c     which files get the normalised view, and the
 *                     queue of decoded layers
 *   engine.c          scratch space and matching a file
 * Nothing outside those files includes this header.
 */
#ifndef MW_SIGNATURES_ENGINE_INT_H
#define MW_SIGNATURES_ENGINE_INT_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stdint.h>
#ifdef MW_HAVE_VECTORSCAN
#include <hs/hs.h>
#endif

#include "core/buf.h"
#include "signatures/php_norm.h"
#include "signatures/sig.h"

/* How a pattern is confirmed, cheapest first (the order confirm_rule()
 * tries them in). */
enum pat_cost {
	COST_ANCHORED,		/* only where a factor starts or in the window
				 * before one (acode), or anchored by itself
				 * (\A...) */
	COST_FACTOR,		/* whole file, when a factor occurs */
	COST_ALWAYS,		/* whole file, no factor known */
};

struct pat_rt {
	pcre2_code *code;
	pcre2_code *acode;	/* when gate set 0 bounds where a match starts:
				 * PCRE2_ANCHORED twin (reach 0: its strings
				 * are prefixes) or PCRE2_USE_OFFSET_LIMIT twin
				 * searched in the reach bytes before one */
	unsigned reach;
	enum pat_cost cost;
	unsigned first_ref;	/* gate set g: db->refs[first_ref + ...], */
	unsigned nrefs[MW_SIG_MAX_GATES];	/* nrefs[g] of them */
	unsigned ngates;	/* 0: no gate, always confirmed with PCRE2 */
	unsigned same_as;	/* first pattern with the same regex, flags and
				 * view: rules repeat "send" etc., a file's
				 * answer is computed once */
	int view;		/* MW_SIG_VIEW_* */
};

struct rule_rt {
	const struct mw_sig_rule *r;
	uint64_t required;	/* patterns without which the condition is false */
	unsigned first_pat;	/* index into db->pats, npatterns of them */
	unsigned first_ref;	/* its literals: db->refs[first_ref..+nlits) */
	unsigned nlits;
	int any_norm;		/* some pattern is matched on the view */
	int any_raw;		/* some pattern is matched on the bytes */
};

struct mw_sig_db {
	struct rule_rt *rules;
	size_t nrules;
	struct pat_rt *pats;
	size_t npats;
	char **lits;		/* distinct lower-cased strings: rule literals
				 * and pattern factors */
	size_t *litlen;
	unsigned char *litpos;	/* 1: some anchored pattern needs its offsets */
	unsigned char *weak;	/* 1: common in PHP (common_literal()): not
				 * in the Vectorscan database, looked for
				 * only when a pattern needs it */
	unsigned *weak_ids;
	size_t nweak;
	size_t maxlit;		/* longest literal, bytes */
	size_t nlits, alits;
	unsigned *refs;		/* indexes into lits */
	size_t nrefs, arefs;
	unsigned first_ind;	/* refs of view_sinks, view_builders,
				 * view_strong, in this order */
	unsigned nsinks, nbuilders, nstrong, nflow, ninputs, nmail, nheaders, nwriters;
	unsigned ndyncall, nsmall, njunk, nfs, nforms, nforms_bare;
	/* which rules a literal opens: lit_rules[lit_rules_at[l] ..
	 * lit_rules_at[l + 1]), rule indexes; rules with a weak literal among
	 * theirs are in weak_rules (their gate is looked at in every buffer) */
	unsigned *lit_rules_at, *lit_rules, *weak_rules;
	size_t nweak_rules;
#ifdef MW_HAVE_VECTORSCAN
	hs_database_t *hs;
#endif
};

enum { MEMO_UNKNOWN = 0, MEMO_MATCH, MEMO_NOMATCH };

/* Offsets kept per literal and file; a literal seen more often sends its
 * anchored patterns back to a whole-file search. 1024 windows of a few
 * hundred bytes cost about what one search of a 100 KB file does (on the
 * bench tree PCRE2 took 600 ms with 128, 440 ms with 1024). */
#define MAX_OCC 1024

/*
 * Vectorscan 5.4.9 (AVX-512 machine, databases of a few literals) misses
 * literals that end in the last ~32 bytes of a block-mode buffer at some
 * buffer alignments: 11,618 of 379,840 scans in a test of planted literals,
 * none once 64 zero bytes follow the data. So the last HS_TAIL bytes (plus
 * the longest literal) are scanned again from a copy with HS_PAD zero bytes
 * after it, and each occurrence is taken from exactly one of the two scans,
 * by where it ends (test_match_buffer_tail). Seen with databases of up to
 * ~60 literals, not with the ~480 of the shipped rules; upstream fixed
 * AVX-512 tail-scan bugs of this kind after 5.4.9 (VectorCamp/vectorscan
 * pull requests 375 and 378), so this can go with a fixed library.
 */
#define HS_TAIL 256
#define HS_PAD 64

enum { WEAK_UNKNOWN = 0, WEAK_EXISTS, WEAK_FULL };

/* A decoded layer waiting to be scanned: bytes in sc->lbuf. */
struct layer_q {
	size_t off, len;
	size_t root_off;	/* where its outermost literal starts in the file */
	unsigned level;		/* 1: decoded from the file's bytes, 2: from
				 * such a layer ... */
	char chain[256];	/* decoders from the file's bytes, cut if long */
};

struct mw_sig_scratch {
	/* count/occ/state/buf/len: the view being looked at (use_view()),
	 * one of the two sets below */
	unsigned *count;	/* per literal: occurrences in this file */
	uint32_t *occ;		/* per literal: MAX_OCC end offsets */
	unsigned char *state;	/* per weak literal: WEAK_*, what count holds */
	const char *buf;	/* the text being matched */
	size_t len;
	unsigned *fired;	/* literals seen() first in this buffer: the
				 * ones whose count is not 0 (a weak one may
				 * be listed twice, see lit_count()) */
	unsigned *nfired;
	unsigned *vcount[2];
	unsigned *vfired[2];	/* 2 * (nlits + 1) each */
	unsigned vnfired[2];
	uint64_t *cand;		/* per rule, a bit: some literal of it fired */
	uint32_t *vocc[2];
	unsigned char *vstate[2];
	const char *vbuf[2];
	size_t vlen[2];
	int have_norm;		/* vbuf[1] holds this buffer's view */
	uint32_t *starts;	/* match_at_factors(): MW_SIG_MAX_FACTORS * MAX_OCC */
	struct mw_php_norm *norm;
	struct mw_buf lbuf;	/* bytes of the queued layers */
	struct layer_q lq[MW_SIG_MAX_LAYERS];
	size_t nlq;
	const struct layer_q *layer;	/* the layer being matched, or NULL */
	const char *root;	/* the file */
	size_t root_len, decoded;
	unsigned caps;		/* MW_SIG_CAP_* of the last mw_sig_match() */
	unsigned char *hit_rule;	/* per rule: reported for this file */
	char *tail;		/* HS_TAIL + maxlit + HS_PAD bytes */
	unsigned char *memo;	/* per pattern, this file: MEMO_* */
	size_t *memo_off;	/* match offset when MEMO_MATCH */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_match_context *wctx;	/* mctx plus an offset limit */
	pcre2_jit_stack *jit;
	struct mw_buf lower;	/* memmem prefilter: lower-cased copy */
#ifdef MW_HAVE_VECTORSCAN
	hs_scratch_t *hs;
#endif
};

/* engine_compile.c */
enum mw_err mw_sig_add_ref(struct mw_sig_db *db, const char *l, size_t n);

/* engine_view.c */
int mw_sig_layer_in_php(const char *p, size_t n);
void mw_sig_queue_layers(struct mw_sig_scratch *sc);
enum mw_err mw_sig_view_state(const struct mw_sig_db *db, struct mw_sig_scratch *sc);
int mw_sig_wants_view(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
		      const char *buf, size_t len, int in_php);
enum mw_err mw_sig_view_signs_add(struct mw_sig_db *db);

/* engine.c */
int mw_sig_any_fired(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
		     unsigned first, unsigned n);

#endif
