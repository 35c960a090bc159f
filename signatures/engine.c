/*
 * Compiled matcher: Vectorscan (or memmem) prefilter + PCRE2 JIT confirm.
 * See sig.h for the contract; engine_int.h for how the files divide it.
 * This file: scratch space and matching one file.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/ascii.h"
#include "core/excerpt.h"
#include "signatures/engine_int.h"

void mw_sig_scratch_free(struct mw_sig_scratch *sc)
{
	if (!sc)
		return;
	free(sc->vcount[0]);
	free(sc->vcount[1]);
	free(sc->vfired[0]);
	free(sc->vfired[1]);
	free(sc->cand);
	free(sc->vocc[0]);
	free(sc->vocc[1]);
	free(sc->vstate[0]);
	free(sc->vstate[1]);
	free(sc->starts);
	free(sc->hit_rule);
	mw_php_norm_free(sc->norm);
	mw_buf_free(&sc->lbuf);
	free(sc->tail);
	free(sc->memo);
	free(sc->memo_off);
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	pcre2_match_context_free(sc->wctx);
	pcre2_jit_stack_free(sc->jit);
	mw_buf_free(&sc->lower);
#ifdef MW_HAVE_VECTORSCAN
	hs_free_scratch(sc->hs);
#endif
	free(sc);
}

enum mw_err mw_sig_scratch_new(const struct mw_sig_db *db,
			       struct mw_sig_scratch **out)
{
	struct mw_sig_scratch *sc = calloc(1, sizeof(*sc));

	*out = NULL;
	if (!sc)
		return MW_ERR_NOMEM;
	mw_buf_init(&sc->lower, (size_t)1 << 40);
	mw_buf_init(&sc->lbuf, MW_SIG_DECODE_BUDGET);
	/* the view's set (vcount[1] ...) and the normaliser come with the
	 * first file that needs them (mw_sig_view_state()): most threads of most
	 * runs never do */
	sc->vcount[0] = calloc(db->nlits + 1, sizeof(*sc->count));
	sc->vstate[0] = calloc(db->nlits + 1, 1);
	sc->vocc[0] = calloc((db->nlits + 1) * MAX_OCC, sizeof(*sc->occ));
	sc->vfired[0] = calloc(2 * (db->nlits + 1), sizeof(*sc->fired));
	sc->cand = calloc(db->nrules / 64 + 1, sizeof(*sc->cand));
	if (!sc->vcount[0] || !sc->vstate[0] || !sc->vocc[0] || !sc->vfired[0] ||
	    !sc->cand) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
	sc->count = sc->vcount[0];
	sc->fired = sc->vfired[0];
	sc->nfired = &sc->vnfired[0];
	sc->state = sc->vstate[0];
	sc->occ = sc->vocc[0];
	sc->hit_rule = calloc(db->nrules + 1, 1);
	sc->starts = calloc((size_t)MW_SIG_MAX_FACTORS * MAX_OCC, sizeof(*sc->starts));
	sc->tail = calloc(HS_TAIL + db->maxlit + HS_PAD, 1);
	sc->memo = calloc(db->npats + 1, 1);
	sc->memo_off = calloc(db->npats + 1, sizeof(*sc->memo_off));
	sc->md = pcre2_match_data_create(1, NULL);
	sc->mctx = pcre2_match_context_create(NULL);
	sc->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (!sc->hit_rule || !sc->starts || !sc->tail ||
	    !sc->memo || !sc->memo_off || !sc->md || !sc->mctx || !sc->jit) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
	pcre2_set_match_limit(sc->mctx, MW_SIG_MATCH_LIMIT);
	pcre2_set_depth_limit(sc->mctx, MW_SIG_DEPTH_LIMIT);
	pcre2_set_heap_limit(sc->mctx, MW_SIG_HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(sc->mctx, NULL, sc->jit);
	sc->wctx = pcre2_match_context_copy(sc->mctx);
	if (!sc->wctx) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
#ifdef MW_HAVE_VECTORSCAN
	if (db->hs && hs_alloc_scratch(db->hs, &sc->hs) != HS_SUCCESS) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
#endif
	*out = sc;
	return MW_OK;
}

/* Look at view v (MW_SIG_VIEW_*) of the buffer from now on. */
static void use_view(struct mw_sig_scratch *sc, int v)
{
	sc->count = sc->vcount[v];
	sc->fired = sc->vfired[v];
	sc->nfired = &sc->vnfired[v];
	sc->occ = sc->vocc[v];
	sc->state = sc->vstate[v];
	sc->buf = sc->vbuf[v];
	sc->len = sc->vlen[v];
}

/* Literal id occurs in the file, ending at byte offset end. */
static void seen(struct mw_sig_scratch *sc, unsigned id, size_t end)
{
	unsigned c = sc->count[id];

	if (c == 0)
		sc->fired[(*sc->nfired)++] = id;
	if (c < MAX_OCC)
		sc->occ[(size_t)id * MAX_OCC + c] = (uint32_t)end;
	if (c <= MAX_OCC)
		sc->count[id] = c + 1;
}

#ifdef MW_HAVE_VECTORSCAN
/* One of the two scans of prefilter(): occurrences ending in (lo, hi] of
 * the file; its buffer starts at file offset shift. */
struct hs_part {
	struct mw_sig_scratch *sc;
	size_t lo, hi, shift;
};

static int on_hs_match(unsigned id, unsigned long long from,
		       unsigned long long to, unsigned flags, void *ctx)
{
	const struct hs_part *part = ctx;
	size_t end = (size_t)to + part->shift;

	(void)from;
	(void)flags;
	if (end > part->lo && end <= part->hi)
		seen(part->sc, id, end);
	return 0;
}

static enum mw_err hs_both(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			   const char *buf, size_t len)
{
	struct hs_part part = { sc, 0, len, 0 };
	size_t from = 0;

	if (len > HS_TAIL + db->maxlit) {
		part.hi = len - HS_TAIL;
		if (hs_scan(db->hs, buf, (unsigned)len, 0, sc->hs, on_hs_match,
			    &part) != HS_SUCCESS)
			return MW_ERR_INTERNAL;
		from = len - HS_TAIL - db->maxlit;
		part.lo = len - HS_TAIL;
		part.hi = len;
	}
	part.shift = from;
	memcpy(sc->tail, buf + from, len - from);
	memset(sc->tail + (len - from), 0, HS_PAD);
	if (hs_scan(db->hs, sc->tail, (unsigned)(len - from + HS_PAD), 0, sc->hs,
		    on_hs_match, &part) != HS_SUCCESS)
		return MW_ERR_INTERNAL;
	return MW_OK;
}
#endif

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static enum mw_err prefilter(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			     const char *buf, size_t len)
{
	size_t i;

	/* only the counts the last buffer set: a memset of all of them cost
	 * more than the rest of a small file's prefilter bookkeeping */
	for (i = 0; i < *sc->nfired; i++)
		sc->count[sc->fired[i]] = 0;
	*sc->nfired = 0;
	memset(sc->memo, MEMO_UNKNOWN, db->npats);
	sc->buf = buf;
	sc->len = len;
	for (i = 0; i < db->nweak; i++)
		sc->state[db->weak_ids[i]] = WEAK_UNKNOWN;
	if (len > 0xffffffffu) {
		/* beyond 32-bit offsets: every literal "everywhere", so every
		 * pattern gets a whole-file search */
		for (i = 0; i < db->nlits; i++) {
			sc->count[i] = MAX_OCC + 1;
			sc->fired[(*sc->nfired)++] = (unsigned)i;
			sc->state[i] = WEAK_FULL;
		}
		return MW_OK;
	}
#ifdef MW_HAVE_VECTORSCAN
	if (db->hs && hs_both(db, sc, buf, len) != MW_OK)
		return MW_ERR_INTERNAL;
#else
	mw_buf_reset(&sc->lower);
	if (mw_buf_reserve(&sc->lower, len))
		return MW_ERR_NOMEM;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		sc->lower.data[i] = (char)mw_ascii_lower(c);
	}
	sc->lower.len = len;
	for (i = 0; i < db->nlits; i++) {
		const char *at = sc->lower.data, *end = at + len, *q;

		if (db->weak[i])
			continue;
		while ((q = memmem(at, (size_t)(end - at), db->lits[i], db->litlen[i]))) {
			seen(sc, (unsigned)i, (size_t)(q - sc->lower.data) + db->litlen[i]);
			if (!db->litpos[i] || sc->count[i] > MAX_OCC)
				break;
			at = q + 1;
		}
	}
#endif
	return MW_OK;
}

static const char *pcre2_limit_name(int rc)
{
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT: return "match limit";
	case PCRE2_ERROR_DEPTHLIMIT: return "depth limit";
	case PCRE2_ERROR_HEAPLIMIT: return "heap limit";
	case PCRE2_ERROR_JIT_STACKLIMIT: return "JIT stack limit";
	case PCRE2_ERROR_NOMEMORY: return "memory";
	default: return "PCRE2 error";
	}
}

/*
 * First place at or after p where lit (n >= 1 bytes, lower-cased) occurs,
 * ASCII case-insensitively, or NULL. On x86-64 it compares 16 pairs of
 * first/second bytes at a time (a letter folded with 0x20, anything else
 * exactly), then the rest of the string at each place both agree.
 */
static const char *ci_find(const char *p, const char *end, const char *lit, size_t n)
{
	const unsigned char l0 = (unsigned char)lit[0];
	size_t k;

	if ((size_t)(end - p) < n)
		return NULL;
#ifdef __SSE2__
	if (n >= 2) {
		const unsigned char l1 = (unsigned char)lit[1];
		const __m128i c0 = _mm_set1_epi8((char)l0), c1 = _mm_set1_epi8((char)l1);
		const __m128i f0 = _mm_set1_epi8(l0 >= 'a' && l0 <= 'z' ? 0x20 : 0);
		const __m128i f1 = _mm_set1_epi8(l1 >= 'a' && l1 <= 'z' ? 0x20 : 0);

		while (end - p >= 17) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
				_mm_cmpeq_epi8(_mm_or_si128(a, f0), c0),
				_mm_cmpeq_epi8(_mm_or_si128(b, f1), c1)));

			while (m) {
				const char *q = p + __builtin_ctz(m);

				m &= m - 1;
				if ((size_t)(end - q) < n)
					return NULL;
				for (k = 2; k < n && mw_ascii_lower((unsigned char)q[k]) ==
				     (unsigned char)lit[k]; k++)
					;
				if (k == n)
					return q;
			}
			p += 16;
		}
	}
#endif
	for (; (size_t)(end - p) >= n; p++) {
		for (k = 0; k < n && mw_ascii_lower((unsigned char)p[k]) == (unsigned char)lit[k]; k++)
			;
		if (k == n)
			return p;
	}
	return NULL;
}

/*
 * Occurrences of literal lit in the file (see seen()). A weak literal is
 * looked for now: to its first occurrence when only whether it occurs
 * matters, or to MAX_OCC + 1 of them when full (a window search needs the
 * offsets).
 */
static unsigned lit_count(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			  unsigned lit, int full)
{
	const char *p, *end, *q;

	if (!db->weak[lit] || sc->state[lit] == WEAK_FULL ||
	    (sc->state[lit] == WEAK_EXISTS && !full))
		return sc->count[lit];
	sc->count[lit] = 0;
	p = sc->buf;
	end = sc->buf + sc->len;
	while ((q = ci_find(p, end, db->lits[lit], db->litlen[lit])) != NULL) {
		seen(sc, lit, (size_t)(q - sc->buf) + db->litlen[lit]);
		if (!full || sc->count[lit] > MAX_OCC)
			break;
		p = q + 1;
	}
	sc->state[lit] = full || !q ? WEAK_FULL : WEAK_EXISTS;
	return sc->count[lit];
}

/* Does any of the n literals behind refs occur in this file? The ones
 * Vectorscan reported first, then the common ones. */
int mw_sig_any_fired(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
		     unsigned first, unsigned n)
{
	unsigned i, lit;

	for (i = 0; i < n; i++) {
		lit = db->refs[first + i];
		if (!db->weak[lit] && sc->count[lit])
			return 1;
	}
	for (i = 0; i < n; i++) {
		lit = db->refs[first + i];
		if (db->weak[lit] && lit_count(db, sc, lit, 0))
			return 1;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A pattern whose every match has one of its set-0 factors starting at most
 * reach bytes after the match's start: searched only in [start - reach,
 * start] of each place a factor starts, leftmost first (reach 0: one
 * anchored attempt there), so the same first match as a search of the
 * whole file for a fraction of the work. A factor seen more than MAX_OCC
 * times sends it back to the whole-file search. Returns like pcre2_match();
 * a limit hit at one place is returned only if no later place matches.
 */
static int match_at_factors(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			    const struct pat_rt *p, const char *buf, size_t len)
{
	uint32_t *starts = sc->starts;
	size_t n = 0, i;
	unsigned r, c;
	int rc, worst = PCRE2_ERROR_NOMATCH;

	for (r = 0; r < p->nrefs[0]; r++) {
		unsigned lit = db->refs[p->first_ref + r];

		if (lit_count(db, sc, lit, 1) > MAX_OCC || p->nrefs[0] > MW_SIG_MAX_FACTORS)
			return pcre2_match(p->code, (PCRE2_SPTR)buf, len, 0, 0, sc->md,
					   sc->mctx);
		for (c = 0; c < sc->count[lit]; c++)
			starts[n++] = sc->occ[(size_t)lit * MAX_OCC + c] -
				      (uint32_t)db->litlen[lit];
	}
	qsort(starts, n, sizeof(starts[0]), cmp_u32);
	for (i = 0; i < n; i++) {
		if (i > 0 && starts[i] == starts[i - 1])
			continue;
		if (p->reach == 0) {
			rc = pcre2_match(p->acode, (PCRE2_SPTR)buf, len, starts[i], 0,
					 sc->md, sc->mctx);
		} else {
			/* from the window's start, or where the previous
			 * window ended: no place is searched twice */
			uint32_t from = starts[i] > p->reach ? starts[i] - p->reach : 0;

			if (i > 0 && from <= starts[i - 1])
				from = starts[i - 1] + 1;
			pcre2_set_offset_limit(sc->wctx, starts[i]);
			rc = pcre2_match(p->acode, (PCRE2_SPTR)buf, len, from, 0, sc->md,
					 sc->wctx);
		}
		if (rc >= 0)
			return rc;
		if (rc != PCRE2_ERROR_NOMATCH)
			worst = rc;
	}
	return worst;
}

/* Pattern k of rule rt on its view with PCRE2, once per buffer (memo): 1
 * if it matches (*off = where, in that view), 0 if not or if a limit
 * stopped it (reported). */
static int pattern_matches(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			   const struct rule_rt *rt, unsigned k,
			   mw_sig_fault_fn fault, void *ud, size_t *off)
{
	const struct pat_rt *p = &db->pats[rt->first_pat + k];
	const char *buf;
	size_t len;
	int rc;

	if (p->view == MW_SIG_VIEW_NORM && !sc->have_norm)
		return 0;
	use_view(sc, p->view);
	buf = sc->buf;
	len = sc->len;
	if (sc->memo[p->same_as] == MEMO_UNKNOWN) {
		rc = p->acode ? match_at_factors(db, sc, p, buf, len) :
		     pcre2_match(p->code, (PCRE2_SPTR)buf, len, 0, 0, sc->md, sc->mctx);
		if (rc >= 0) {
			sc->memo[p->same_as] = MEMO_MATCH;
			sc->memo_off[p->same_as] = pcre2_get_ovector_pointer(sc->md)[0];
		} else if (rc == PCRE2_ERROR_NOMATCH) {
			sc->memo[p->same_as] = MEMO_NOMATCH;
		} else {
			struct mw_sig_fault f;

			f.rule = rt->r;
			f.pattern = rt->r->patterns[k].name;
			f.code = rc == PCRE2_ERROR_NOMEMORY ? MW_ERR_NOMEM : MW_ERR_LIMIT;
			f.what = pcre2_limit_name(rc);
			if (fault)
				fault(ud, &f);
			return 0;	/* undecidable: counted as not matching */
		}
	}
	*off = sc->memo_off[p->same_as];
	return sc->memo[p->same_as] == MEMO_MATCH;
}

/*
 * Confirm one rule, a candidate: one of its literals occurs. A
 * pattern none of whose factors occurs cannot match (mw_sig_factors), so it
 * is false without PCRE2. The rest are confirmed with PCRE2 until the
 * three-valued condition is decided, cheapest first (enum pat_cost); within
 * a class the required patterns (false: the condition is false) first, each
 * group in declaration order.
 */
static int confirm_rule(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			const struct rule_rt *rt, mw_sig_hit_fn hit,
			mw_sig_fault_fn fault, void *ud)
{
	const struct mw_sig_rule *r = rt->r;
	uint64_t yes = 0, maybe = 0, bit;
	struct mw_sig_hit h;
	unsigned i, k;
	size_t off;
	int v;

	for (k = 0; k < r->npatterns; k++) {
		const struct pat_rt *p = &db->pats[rt->first_pat + k];
		unsigned g, at = p->first_ref, open = 1;

		if (p->view == MW_SIG_VIEW_NORM && !sc->have_norm)
			continue;	/* no view: false */
		use_view(sc, p->view);
		for (g = 0; g < p->ngates && open; g++) {
			open = mw_sig_any_fired(db, sc, at, p->nrefs[g]);
			at += p->nrefs[g];
		}
		if (open)
			maybe |= (uint64_t)1 << k;
	}
	v = mw_cond_eval(r, yes, maybe);
	for (i = 0; v == 2 && i < (COST_ALWAYS + 1) * 2 * r->npatterns; i++) {
		k = i % r->npatterns;
		bit = (uint64_t)1 << k;
		if (!(maybe & bit) ||
		    db->pats[rt->first_pat + k].cost != (enum pat_cost)(i / (2 * r->npatterns)) ||
		    ((rt->required & bit) != 0) != ((i / r->npatterns) % 2 == 0))
			continue;
		maybe &= ~bit;
		if (pattern_matches(db, sc, rt, k, fault, ud, &off))
			yes |= bit;
		v = mw_cond_eval(r, yes, maybe);
	}
	if (v != 1)
		return 0;
	/* Where: the first match of the first pattern, in declaration order,
	 * that occurs outside a "not" and matches -- whatever order decided. */
	h.rule = r;
	h.offset = 0;
	h.view = MW_SIG_VIEW_RAW;
	for (k = 0; k < r->npatterns; k++) {
		bit = (uint64_t)1 << k;
		if (!(r->positive_mask & bit))
			continue;
		if (yes & bit) {	/* confirmed above */
			h.offset = sc->memo_off[db->pats[rt->first_pat + k].same_as];
			h.view = db->pats[rt->first_pat + k].view;
			break;
		}
		if ((maybe & bit) &&	/* not looked at yet */
		    pattern_matches(db, sc, rt, k, fault, ud, &off)) {
			h.offset = off;
			h.view = db->pats[rt->first_pat + k].view;
			break;
		}
	}
	if (h.view == MW_SIG_VIEW_NORM)
		h.offset = mw_php_norm_raw_offset(sc->norm, h.offset);
	if (h.offset > sc->vlen[0])
		h.offset = sc->vlen[0];
	h.layer = NULL;
	if (sc->layer) {
		/* a finding inside a decoded layer: at its literal in the file */
		h.layer = sc->layer->chain;
		h.offset = sc->layer->root_off;
	}
	if (h.offset > sc->root_len)
		h.offset = sc->root_len;
	h.line = mw_line_of(sc->root, h.offset);
	sc->hit_rule[rt - db->rules] = 1;
	return hit ? hit(ud, &h) : 0;
}

/* sc->cand: the rules whose gate may be open in this buffer, the rules of
 * the literals either view has plus those with a weak literal (looked for
 * only when asked); the others' gates are closed (mw_sig_any_fired() 0). */
static void mark_candidates(const struct mw_sig_db *db, struct mw_sig_scratch *sc)
{
	unsigned v, f, k, l;

	memset(sc->cand, 0, (db->nrules / 64 + 1) * sizeof(*sc->cand));
	for (k = 0; k < db->nweak_rules; k++)
		sc->cand[db->weak_rules[k] / 64] |= (uint64_t)1 << (db->weak_rules[k] % 64);
	for (v = 0; v < 1u + (unsigned)sc->have_norm; v++)
		for (f = 0; f < sc->vnfired[v]; f++) {
			l = sc->vfired[v][f];
			for (k = db->lit_rules_at[l]; k < db->lit_rules_at[l + 1]; k++)
				sc->cand[db->lit_rules[k] / 64] |=
					(uint64_t)1 << (db->lit_rules[k] % 64);
		}
}

/* The first candidate rule (sc->cand) from index i on, or db->nrules. */
static size_t next_candidate(const struct mw_sig_db *db, const struct mw_sig_scratch *sc,
			     size_t i)
{
	uint64_t m;

	while (i < db->nrules) {
		m = sc->cand[i / 64] >> (i % 64);
		if (m)
			return i + (size_t)__builtin_ctzll(m);
		i = (i / 64 + 1) * 64;
	}
	return db->nrules;
}

/* Match one buffer (the file, or a decoded layer of it) against every rule
 * not yet reported for the file. */
static enum mw_err match_buffer(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
				const char *buf, size_t len, int in_php,
				mw_sig_hit_fn hit, mw_sig_fault_fn fault, void *ud,
				double *worst, const struct mw_sig_rule **worst_rule,
				int timed, int *stop)
{
	double t0, dt;
	enum mw_err e;
	size_t i;

	sc->vbuf[0] = buf;
	sc->vlen[0] = len;
	sc->have_norm = 0;
	use_view(sc, MW_SIG_VIEW_RAW);
	e = prefilter(db, sc, buf, len);
	if (e)
		return e;
	if (mw_sig_wants_view(db, sc, buf, len, in_php)) {
		size_t used = 0, budget = sc->decoded < MW_SIG_DECODE_BUDGET ?
			      MW_SIG_DECODE_BUDGET - sc->decoded : 0;

		if ((e = mw_sig_view_state(db, sc)) != MW_OK)
			return e;
		if (mw_php_normalise(sc->norm, buf, len, in_php, budget, &used) == MW_OK) {
			sc->decoded += used;
			sc->caps |= mw_php_norm_caps(sc->norm);
			sc->vbuf[1] = mw_php_norm_text(sc->norm, &sc->vlen[1]);
			use_view(sc, MW_SIG_VIEW_NORM);
			e = prefilter(db, sc, sc->vbuf[1], sc->vlen[1]);
			if (e)
				return e;
			sc->have_norm = 1;
		}
	}
	mark_candidates(db, sc);
	for (i = next_candidate(db, sc, 0); i < db->nrules && !*stop;
	     i = next_candidate(db, sc, i + 1)) {
		const struct rule_rt *rt = &db->rules[i];
		int open;

		if (sc->hit_rule[i] || (!rt->any_raw && !sc->have_norm))
			continue;
		/* the literal gate first: timing every rule costs more than
		 * most rules take; it opens on either view */
		use_view(sc, MW_SIG_VIEW_RAW);
		open = mw_sig_any_fired(db, sc, rt->first_ref, rt->nlits);
		if (!open && sc->have_norm) {
			use_view(sc, MW_SIG_VIEW_NORM);
			open = mw_sig_any_fired(db, sc, rt->first_ref, rt->nlits);
		}
		if (!open)
			continue;
		t0 = timed ? now_ms() : 0;
		*stop = confirm_rule(db, sc, rt, hit, fault, ud);
		if (timed) {
			dt = now_ms() - t0;
			if (dt > *worst || !*worst_rule) {
				*worst = dt;
				*worst_rule = rt->r;
			}
		}
	}
	if (sc->have_norm)
		mw_sig_queue_layers(sc);
	return MW_OK;
}

enum mw_err mw_sig_match(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			 const char *buf, size_t len, mw_sig_hit_fn hit,
			 mw_sig_fault_fn fault, void *ud, double *slowest_ms,
			 const struct mw_sig_rule **slowest_rule)
{
	double worst = 0, start = now_ms();
	const struct mw_sig_rule *worst_rule = NULL;
	enum mw_err e;
	size_t q;
	int stop = 0;

	if (!buf)
		buf = "";
	sc->caps = 0;
	sc->decoded = 0;
	sc->nlq = 0;
	sc->layer = NULL;
	sc->root = buf;
	sc->root_len = len;
	mw_buf_reset(&sc->lbuf);
	memset(sc->hit_rule, 0, db->nrules);
	e = match_buffer(db, sc, buf, len, 0, hit, fault, ud, &worst, &worst_rule,
			 slowest_ms != NULL, &stop);
	for (q = 0; !e && !stop && q < sc->nlq; q++) {
		const char *lb;

		if (now_ms() - start > MW_SIG_DECODE_MS) {
			sc->caps |= MW_SIG_CAP_TIME;
			break;
		}
		sc->layer = &sc->lq[q];
		lb = sc->lbuf.data + sc->lq[q].off;
		e = match_buffer(db, sc, lb, sc->lq[q].len, mw_sig_layer_in_php(lb, sc->lq[q].len),
				 hit, fault, ud, &worst, &worst_rule, slowest_ms != NULL,
				 &stop);
	}
	sc->layer = NULL;
	/* a big file's arenas are not kept for the rest of the run: the
	 * scan's RSS budget is 64 MiB for all threads */
	if (sc->norm)
		mw_php_norm_trim(sc->norm, (size_t)1 << 20);
	if (sc->lbuf.alloc > ((size_t)1 << 20)) {
		mw_buf_free(&sc->lbuf);
		mw_buf_init(&sc->lbuf, MW_SIG_DECODE_BUDGET);
	}
	if (slowest_ms)
		*slowest_ms = worst;
	if (slowest_rule)
		*slowest_rule = worst_rule;
	return e;
}

unsigned mw_sig_scratch_caps(const struct mw_sig_scratch *sc)
{
	return sc->caps;
}

const char *mw_sig_caps_text(unsigned caps, char *buf, size_t n)
{
	static const struct { unsigned bit; const char *what; } t[] = {
		{ MW_SIG_CAP_TOKENS, "token cap" },
		{ MW_SIG_CAP_VALUES, "literal arena cap" },
		{ MW_SIG_CAP_DEPTH, "decode depth cap" },
		{ MW_SIG_CAP_DECODED, "decoded bytes cap" },
		{ MW_SIG_CAP_RATIO, "inflate ratio cap" },
		{ MW_SIG_CAP_OUTPUT, "view size cap" },
		{ MW_SIG_CAP_LAYERS, "layer count cap" },
		{ MW_SIG_CAP_TIME, "decode time budget" },
		{ MW_SIG_CAP_FLOW, "data-flow analysis bound" },
	};
	size_t i, k = 0;

	if (n)
		buf[0] = '\0';
	for (i = 0; i < sizeof(t) / sizeof(t[0]) && n; i++)
		if ((caps & t[i].bit) && k < n)
			k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? ", " : "", t[i].what);
	return buf;
}
