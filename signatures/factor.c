/*
 * Required literal factors of a pattern (sig.h: mw_sig_factors).
 *
 * A recursive-descent walk over the PCRE2 syntax the rules use computes, for
 * every node, two facts (the idea of the trigram-index query analysis):
 *   exact  - every string the node can match, when that set is small;
 *   req    - up to MW_SIG_MAX_GATES sets of strings, each such that every
 *            match contains one of its strings (all of them hold at once).
 *   prefix - a set of strings one of which every match starts with.
 *   maxlen - the longest match, and for each req set its reach: how far
 *            after the match's start one of its strings can start at most
 *            (so the engine can search only a window before an occurrence).
 * Concatenation multiplies exact sets and keeps the best factor of its parts;
 * alternation unites them; a repeat with a minimum of zero loses both. A
 * construct the walk does not know makes the whole pattern factor-less, so a
 * wrong answer can only cost speed, never a missed match.
 * Strings are ASCII lower-cased: the engine compares case-insensitively,
 * which is a superset of a case-sensitive match.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "signatures/sig.h"
#include "core/ascii.h"

#define FS_MAX	MW_SIG_MAX_FACTORS	/* strings per set */
#define FS_LEN	40	/* bytes per string */
#define MAX_DEPTH 16	/* group nesting (each level costs ~30 KB of stack) */
#define LEN_INF	(~0ul)	/* unbounded length or reach */

struct fset {
	unsigned n;
	unsigned char len[FS_MAX];
	char s[FS_MAX][FS_LEN];
};

struct info {
	int exact_ok, prefix_ok;
	unsigned nreq;
	struct fset exact, prefix, req[MW_SIG_MAX_GATES];	/* req: best first */
	unsigned long reach[MW_SIG_MAX_GATES];	/* of req[i] */
	unsigned long maxlen;
};

static unsigned long add_len(unsigned long a, unsigned long b)
{
	return a == LEN_INF || b == LEN_INF || a + b < a ? LEN_INF : a + b;
}

static unsigned long mul_len(unsigned long a, unsigned long n)
{
	if (a == 0 || n == 0)
		return 0;
	return a == LEN_INF || n == LEN_INF || a > LEN_INF / n ? LEN_INF : a * n;
}

struct walk {
	const char *p, *end;
	int fail, depth;
};

/* Shortest string of the set: how selective it is as a gate (0 if empty). */
static unsigned fs_score(const struct fset *f)
{
	unsigned i, m = f->n ? FS_LEN : 0;

	for (i = 0; i < f->n; i++)
		if (f->len[i] < m)
			m = f->len[i];
	return m;
}

static int fs_has(const struct fset *f, const char *s, unsigned len)
{
	unsigned i;

	for (i = 0; i < f->n; i++)
		if (f->len[i] == len && memcmp(f->s[i], s, len) == 0)
			return 1;
	return 0;
}

static int fs_add(struct fset *f, const char *s, unsigned len)
{
	if (len >= FS_LEN)
		return -1;
	if (fs_has(f, s, len))
		return 0;
	if (f->n == FS_MAX)
		return -1;
	memcpy(f->s[f->n], s, len);
	f->len[f->n++] = (unsigned char)len;
	return 0;
}

static void set_empty(struct info *r)
{
	memset(r, 0, sizeof(*r));
	r->exact_ok = 1;
	r->exact.n = 1;		/* {""} */
	r->prefix_ok = 1;
	r->prefix.n = 1;
}

/* Nothing known, not even how long a match is. */
static void set_unknown(struct info *r)
{
	memset(r, 0, sizeof(*r));
	r->maxlen = LEN_INF;
}

/* Some single byte: ".", "\w", a large class. */
static void set_any(struct info *r)
{
	set_unknown(r);
	r->maxlen = 1;
}

static void set_char(struct info *r, int c)
{
	set_empty(r);
	r->exact.s[0][0] = (char)mw_ascii_lower(c);
	r->exact.len[0] = 1;
	r->prefix = r->exact;
	r->maxlen = 1;
}

/* out = every a + b (a from x, b from y); -1 if it does not fit. */
static int cross(struct fset *out, const struct fset *x, const struct fset *y)
{
	unsigned i, j;

	out->n = 0;
	if (x->n * y->n > FS_MAX)
		return -1;
	for (i = 0; i < x->n; i++)
		for (j = 0; j < y->n; j++) {
			char s[2 * FS_LEN];

			memcpy(s, x->s[i], x->len[i]);
			memcpy(s + x->len[i], y->s[j], y->len[j]);
			if (fs_add(out, s, x->len[i] + y->len[j]))
				return -1;
		}
	return 0;
}

/* out = x united with y; -1 if it does not fit. */
static int unite(struct fset *out, const struct fset *x, const struct fset *y)
{
	unsigned i;

	*out = *x;
	for (i = 0; i < y->n; i++)
		if (fs_add(out, y->s[i], y->len[i]))
			return -1;
	return 0;
}

static int fs_equal(const struct fset *a, const struct fset *b)
{
	unsigned i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (!fs_has(b, a->s[i], a->len[i]))
			return 0;
	return 1;
}

/* f is a more selective requirement than g: longer shortest string, then
 * fewer strings. */
static int better(const struct fset *f, const struct fset *g)
{
	return fs_score(f) > fs_score(g) || (fs_score(f) == fs_score(g) && f->n < g->n);
}

/* The best single requirement of a node: its first req or its exact set
 * (whose strings start where the node does: reach 0). */
static const struct fset *best(const struct info *a, unsigned long *reach)
{
	const struct fset *f = a->nreq ? &a->req[0] : NULL;

	*reach = a->nreq ? a->reach[0] : 0;
	if (a->exact_ok && fs_score(&a->exact) > 0 && (!f || better(&a->exact, f))) {
		f = &a->exact;
		*reach = 0;
	}
	return f && fs_score(f) > 0 ? f : NULL;
}

/* Add requirement f with its reach to r, keeping the MW_SIG_MAX_GATES best
 * (of equal sets, the nearer reach). */
static void pick(struct info *r, const struct fset *f, unsigned long reach)
{
	unsigned i, j;

	if (!f || fs_score(f) == 0)
		return;
	for (i = 0; i < r->nreq; i++)
		if (fs_equal(&r->req[i], f)) {
			if (reach < r->reach[i])
				r->reach[i] = reach;
			return;
		}
	for (i = 0; i < r->nreq && !better(f, &r->req[i]); i++)
		;
	if (i == MW_SIG_MAX_GATES)
		return;
	if (r->nreq < MW_SIG_MAX_GATES)
		r->nreq++;
	for (j = r->nreq - 1; j > i; j--) {
		r->req[j] = r->req[j - 1];
		r->reach[j] = r->reach[j - 1];
	}
	r->req[i] = *f;
	r->reach[i] = reach;
}

static void concat(struct info *r, const struct info *b)
{
	struct info a = *r;
	unsigned i;

	set_unknown(r);
	r->maxlen = add_len(a.maxlen, b->maxlen);
	r->exact_ok = a.exact_ok && b->exact_ok && !cross(&r->exact, &a.exact, &b->exact);
	if (!r->exact_ok)
		r->exact.n = 0;
	/* a match starts with a's exact string, then b's prefix if known */
	if (a.exact_ok) {
		r->prefix_ok = 1;
		if (!b->prefix_ok || cross(&r->prefix, &a.exact, &b->prefix))
			r->prefix = a.exact;
	} else if (a.prefix_ok) {
		r->prefix_ok = 1;
		r->prefix = a.prefix;
	}
	/* the joined exact set implies everything its parts required */
	if (r->exact_ok) {
		pick(r, &r->exact, 0);
		return;
	}
	/* b's strings start after a's match: at most a.maxlen later */
	for (i = 0; i < a.nreq; i++)
		pick(r, &a.req[i], a.reach[i]);
	for (i = 0; i < b->nreq; i++)
		pick(r, &b->req[i], add_len(a.maxlen, b->reach[i]));
	if (a.exact_ok)
		pick(r, &a.exact, 0);
	if (b->exact_ok)
		pick(r, &b->exact, a.maxlen);
}

static void alternate(struct info *r, const struct info *b)
{
	struct info a = *r;
	const struct fset *fa, *fb;
	unsigned long ra, rb;

	set_unknown(r);
	r->maxlen = a.maxlen > b->maxlen ? a.maxlen : b->maxlen;
	r->exact_ok = a.exact_ok && b->exact_ok && !unite(&r->exact, &a.exact, &b->exact);
	if (!r->exact_ok)
		r->exact.n = 0;
	r->prefix_ok = a.prefix_ok && b->prefix_ok && !unite(&r->prefix, &a.prefix, &b->prefix);
	if (!r->prefix_ok)
		r->prefix.n = 0;
	fa = best(&a, &ra);
	fb = best(b, &rb);
	if (fa && fb && !unite(&r->req[0], fa, fb)) {
		r->nreq = 1;
		r->reach[0] = ra > rb ? ra : rb;
	}
}

static void repeat(struct info *r, unsigned long min, unsigned long max)
{
	struct info a = *r;

	set_unknown(r);
	a.maxlen = mul_len(a.maxlen, max);
	if (min == 0) {
		struct info e;

		/* x? and x* are x | "" as far as exact (x? only) and prefix go */
		set_empty(&e);
		*r = a;
		r->nreq = 0;
		if (max != 1)
			r->exact_ok = 0;
		alternate(r, &e);
		return;
	}
	if (min == 1 && max == 1) {
		*r = a;
		return;
	}
	/* the first repetition's requirements, at the same reach */
	*r = a;
	r->exact_ok = 0;
	if (a.exact_ok)
		pick(r, &a.exact, 0);
}

static int peek(const struct walk *w, size_t k)
{
	return w->p + k < w->end ? (unsigned char)w->p[k] : -1;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = mw_ascii_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * After a backslash (w->p on the letter): \xhh or \x{hh}. Returns the byte,
 * or -1 (w->fail set) for a value that is not a non-NUL byte.
 */
static int hex_escape(struct walk *w)
{
	unsigned v = 0, k = 0;

	w->p++;				/* 'x' */
	if (peek(w, 0) == '{') {
		w->p++;
		while (hexval(peek(w, 0)) >= 0 && k < 8) {
			v = v * 16 + (unsigned)hexval(peek(w, 0));
			w->p++;
			k++;
		}
		if (peek(w, 0) != '}' || k == 0) {
			w->fail = 1;
			return -1;
		}
		w->p++;
	} else {
		while (hexval(peek(w, 0)) >= 0 && k < 2) {
			v = v * 16 + (unsigned)hexval(peek(w, 0));
			w->p++;
			k++;
		}
	}
	if (v == 0 || v > 0xff) {
		w->fail = 1;
		return -1;
	}
	return (int)v;
}

/* The byte a simple escape stands for, or -1 if e is not one. */
static int simple_escape(int e)
{
	switch (e) {
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'f': return '\f';
	case 'e': return 0x1b;
	case 'a': return 0x07;
	default: return -1;
	}
}

/*
 * A character class, w->p after '['. Small classes (up to 4 characters after
 * case folding, not negated) become an exact set of one-character strings;
 * the rest are "any one character".
 */
static void parse_class(struct walk *w, struct info *r)
{
	unsigned char in[256];
	int neg = 0, big = 0, c, e, first = 1;
	unsigned i, n;

	memset(in, 0, sizeof(in));
	if (peek(w, 0) == '^') {
		neg = 1;
		w->p++;
	}
	for (;;) {
		c = peek(w, 0);
		if (c < 0) {
			w->fail = 1;
			return;
		}
		if (c == ']' && !first)
			break;
		first = 0;
		if (c == '[' && (peek(w, 1) == ':' || peek(w, 1) == '.' || peek(w, 1) == '=')) {
			const char *q = w->p + 2;

			while (q + 1 < w->end && !(q[0] == peek(w, 1) && q[1] == ']'))
				q++;
			if (q + 1 >= w->end) {
				w->fail = 1;
				return;
			}
			w->p = q + 2;
			big = 1;
			continue;
		}
		if (c == '\\') {
			w->p++;
			e = peek(w, 0);
			if (e < 0) {
				w->fail = 1;
				return;
			}
			if (e == 'x') {
				c = hex_escape(w);
				if (c < 0)
					return;
			} else if (simple_escape(e) >= 0) {
				c = simple_escape(e);
				w->p++;
			} else if (e == 'b') {
				c = 0x08;
				w->p++;
			} else if (strchr("dDsSwWhHvVN", e)) {
				big = 1;
				w->p++;
				continue;
			} else if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
				   (e >= '0' && e <= '9')) {
				w->fail = 1;	/* \p, \Q, octal ...: not worth it */
				return;
			} else {
				c = e;
				w->p++;
			}
		} else {
			w->p++;
		}
		/* a range "x-y" (a '-' before ']' is a literal) */
		if (peek(w, 0) == '-' && peek(w, 1) != ']' && peek(w, 1) >= 0) {
			int hi = peek(w, 1);

			if (hi == '\\' || hi == '[') {
				w->fail = 1;
				return;
			}
			w->p += 2;
			if (hi < c) {
				w->fail = 1;
				return;
			}
			for (i = (unsigned)c; i <= (unsigned)hi; i++)
				in[i] = 1;
			continue;
		}
		in[c] = 1;
	}
	w->p++;				/* ']' */
	set_any(r);
	if (neg || big)
		return;
	for (i = 'A'; i <= 'Z'; i++)
		if (in[i]) {
			in[i] = 0;
			in[i + 32] = 1;
		}
	for (i = 1, n = 0; i < 256; i++)
		n += in[i];
	if (in[0] || n == 0 || n > 4)
		return;
	r->exact_ok = 1;
	for (i = 1; i < 256; i++)
		if (in[i]) {
			char ch = (char)i;

			(void)fs_add(&r->exact, &ch, 1);
		}
	r->prefix_ok = 1;
	r->prefix = r->exact;
}

static void parse_alt(struct walk *w, struct info *r);

/* "(?...)" and "(...)", w->p after '('. */
static void parse_group(struct walk *w, struct info *r)
{
	int zero_width = 0;

	if (++w->depth > MAX_DEPTH) {
		w->fail = 1;
		return;
	}
	if (peek(w, 0) == '*') {		/* (*VERB) */
		w->fail = 1;
		return;
	}
	if (peek(w, 0) == '?') {
		int c = peek(w, 1);

		if (c == '#') {		/* a comment is transparent to a quantifier
					 * after it: not modelled */
			w->fail = 1;
			return;
		}
		if (c == ':' || c == '>' || c == '|') {
			w->p += 2;
		} else if (c == '=' || c == '!') {
			w->p += 2;
			zero_width = 1;
		} else if (c == '<' && (peek(w, 2) == '=' || peek(w, 2) == '!')) {
			w->p += 3;
			zero_width = 1;
		} else if (c == '<' || c == '\'' || (c == 'P' && peek(w, 2) == '<')) {
			int close = c == '\'' ? '\'' : '>';

			w->p += c == 'P' ? 3 : 2;
			while (w->p < w->end && (*w->p == '_' ||
			       (*w->p >= 'a' && *w->p <= 'z') || (*w->p >= 'A' && *w->p <= 'Z') ||
			       (*w->p >= '0' && *w->p <= '9')))
				w->p++;
			if (peek(w, 0) != close) {
				w->fail = 1;
				return;
			}
			w->p++;
		} else {
			/* option letters: (?i) (?-s) (?i:...); x changes the syntax */
			const char *q = w->p + 1;

			while (q < w->end && strchr("imnsJU-^", *q))
				q++;
			if (q >= w->end || q == w->p + 1 || (*q != ')' && *q != ':')) {
				w->fail = 1;	/* (?R) (?1) (?&n) (?(...) (?C) (?x) ... */
				return;
			}
			w->p = q + 1;
			if (*q == ')') {
				int nx = peek(w, 0);

				if (nx == '*' || nx == '+' || nx == '?' || nx == '{') {
					w->fail = 1;	/* quantified option setting */
					return;
				}
				w->depth--;
				set_empty(r);
				return;
			}
		}
	}
	parse_alt(w, r);
	if (w->fail)
		return;
	if (peek(w, 0) != ')') {
		w->fail = 1;
		return;
	}
	w->p++;
	w->depth--;
	if (zero_width)
		set_empty(r);
}

/* An escape outside a class, w->p after the backslash. */
static void parse_escape(struct walk *w, struct info *r)
{
	int e = peek(w, 0), c;

	if (e < 0) {
		w->fail = 1;
		return;
	}
	if (e == 'x') {
		c = hex_escape(w);
		if (c >= 0)
			set_char(r, c);
		return;
	}
	w->p++;
	if (simple_escape(e) >= 0) {
		set_char(r, simple_escape(e));
	} else if (strchr("bBAzZG", e)) {
		set_empty(r);
	} else if (strchr("dDsSwWhHvVC", e)) {
		set_any(r);
	} else if (e == 'R') {
		set_any(r);
		r->maxlen = 2;			/* \r\n */
	} else if (e == 'X') {
		set_unknown(r);			/* a grapheme cluster */
	} else if (e >= '1' && e <= '9' && !is_digit(peek(w, 0))) {
		set_unknown(r);			/* back reference */
	} else if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
		   (e >= '0' && e <= '9')) {
		w->fail = 1;			/* \p \Q \K \g \N{} octal ... */
	} else {
		set_char(r, e);
	}
}

/*
 * A quantifier at w->p: 1 with min and max set (max ~0 = unbounded),
 * 0 if there is none. "{" that is not a well-formed {n}, {n,}, {n,m} is a
 * literal in PCRE2 10.42 -- unless it looks like a newer form ({,m},
 * spaces), which makes the walk give up rather than guess.
 */
static int quantifier(struct walk *w, unsigned long *min, unsigned long *max)
{
	const char *q;
	unsigned long lo = 0, hi;

	switch (peek(w, 0)) {
	case '*': *min = 0; *max = ~0ul; w->p++; break;
	case '+': *min = 1; *max = ~0ul; w->p++; break;
	case '?': *min = 0; *max = 1; w->p++; break;
	case '{':
		q = w->p + 1;
		if (q < w->end && (*q == ',' || *q == ' ')) {
			w->fail = 1;
			return 0;
		}
		if (q >= w->end || !is_digit((unsigned char)*q))
			return 0;
		while (q < w->end && is_digit((unsigned char)*q) && lo < 100000)
			lo = lo * 10 + (unsigned long)(*q++ - '0');
		hi = lo;
		if (q < w->end && *q == ',') {
			q++;
			hi = ~0ul;
			if (q < w->end && is_digit((unsigned char)*q)) {
				hi = 0;
				while (q < w->end && is_digit((unsigned char)*q) && hi < 100000)
					hi = hi * 10 + (unsigned long)(*q++ - '0');
			}
		}
		if (q >= w->end || *q != '}') {
			w->fail = 1;
			return 0;
		}
		w->p = q + 1;
		*min = lo;
		*max = hi;
		break;
	default:
		return 0;
	}
	if (peek(w, 0) == '?' || peek(w, 0) == '+')	/* lazy, possessive */
		w->p++;
	return 1;
}

/*
 * A sequence. Atoms with exact sets are joined in "run" first, so that
 * "mail" after "\s*" still becomes one string; the run joins r when an atom
 * without an exact set comes or the product would grow too large.
 */
static void parse_concat(struct walk *w, struct info *r)
{
	struct info atom, run, joined;
	unsigned long min, max;
	int c;

	set_empty(r);
	set_empty(&run);
	while (!w->fail && (c = peek(w, 0)) >= 0 && c != '|' && c != ')') {
		w->p++;
		switch (c) {
		case '(':
			parse_group(w, &atom);
			break;
		case '[':
			parse_class(w, &atom);
			break;
		case '\\':
			parse_escape(w, &atom);
			break;
		case '.':
			set_any(&atom);
			break;
		case '^':
		case '$':
			set_empty(&atom);
			break;
		case '*':
		case '+':
		case '?':
			w->fail = 1;
			return;
		case '{':
			w->p--;
			if (quantifier(w, &min, &max) || w->fail) {
				w->fail = 1;	/* a quantifier with nothing before */
				return;
			}
			w->p++;
			set_char(&atom, '{');
			break;
		default:
			set_char(&atom, c);
			break;
		}
		if (w->fail)
			return;
		while (quantifier(w, &min, &max))
			repeat(&atom, min, max);
		if (w->fail)
			return;
		if (atom.exact_ok) {
			joined = run;
			concat(&joined, &atom);
			if (joined.exact_ok) {
				run = joined;
				continue;
			}
		}
		concat(r, &run);
		if (atom.exact_ok) {
			run = atom;
		} else {
			concat(r, &atom);
			set_empty(&run);
		}
	}
	concat(r, &run);
}

static void parse_alt(struct walk *w, struct info *r)
{
	struct info b;

	parse_concat(w, r);
	while (!w->fail && peek(w, 0) == '|') {
		w->p++;
		parse_concat(w, &b);
		if (w->fail)
			return;
		alternate(r, &b);
	}
}

/* Add set f to g as one more gate; a string containing another of the set
 * (for a prefix set: starting with another) adds nothing. */
static int add_gate(struct mw_sig_gate *g, const struct fset *f, int prefix)
{
	struct mw_strlist *out = &g->sets[g->nsets];
	unsigned i, j;

	for (i = 0; i < f->n; i++) {
		int redundant = 0;

		for (j = 0; j < f->n && !redundant; j++)
			if (j != i && f->len[j] < f->len[i] &&
			    (prefix ? memcmp(f->s[i], f->s[j], f->len[j]) == 0 :
			     memmem(f->s[i], f->len[i], f->s[j], f->len[j]) != NULL))
				redundant = 1;
		if (!redundant && mw_strlist_addn(out, f->s[i], f->len[i]) != MW_OK) {
			mw_strlist_clear(out);
			return -1;	/* a set cut short would claim too much */
		}
	}
	g->nsets++;
	return 0;
}

void mw_sig_gate_clear(struct mw_sig_gate *g)
{
	unsigned i;

	for (i = 0; i < MW_SIG_MAX_GATES; i++)
		mw_strlist_clear(&g->sets[i]);
	g->nsets = 0;
	g->anchored = 0;
	g->reach = 0;
}

unsigned mw_sig_factors(const char *regex, unsigned flags, struct mw_sig_gate *g)
{
	struct walk w;
	struct info *r;
	unsigned i, first = MW_SIG_MAX_GATES;

	memset(g, 0, sizeof(*g));
	if (flags & MW_SIG_F_EXTENDED)
		return 0;
	r = malloc(sizeof(*r));
	if (!r)
		return 0;
	w.p = regex;
	w.end = regex + strlen(regex);
	w.fail = 0;
	w.depth = 0;
	parse_alt(&w, r);
	if (w.fail || w.p != w.end) {
		free(r);
		return 0;
	}
	/* a prefix set also says where a match can start: first */
	if (r->prefix_ok && fs_score(&r->prefix) >= MW_SIG_MIN_FACTOR &&
	    add_gate(g, &r->prefix, 1) == 0)
		g->anchored = 1;
	if (r->exact_ok)
		pick(r, &r->exact, 0);
	/* else the best set within MW_SIG_MAX_REACH of the start: it goes
	 * first and bounds where a match can start */
	for (i = 0; i < r->nreq && !g->anchored; i++)
		/* only a string that starts with another is redundant here: one
		 * that merely contains it ("@print(" and "print(") would move
		 * the place the reach is counted from */
		if (fs_score(&r->req[i]) >= MW_SIG_MIN_FACTOR &&
		    r->reach[i] <= MW_SIG_MAX_REACH && add_gate(g, &r->req[i], 1) == 0) {
			g->anchored = 1;
			g->reach = (unsigned)r->reach[i];
			first = i;
		}
	for (i = 0; i < r->nreq && g->nsets < MW_SIG_MAX_GATES; i++)
		if (fs_score(&r->req[i]) >= MW_SIG_MIN_FACTOR && i != first &&
		    !(g->anchored && g->reach == 0 && fs_equal(&r->req[i], &r->prefix)))
			(void)add_gate(g, &r->req[i], 0);
	free(r);
	return g->nsets;
}
