/*
 * The condition language of a rule: boolean expressions over the rule's
 * pattern names.
 *
 *   expr   := term { "or" term }
 *   term   := factor { "and" factor }
 *   factor := "not" factor | "(" expr ")" | NAME
 *           | N "of" "(" NAME { "," NAME } ")"
 *           | ("all" | "any") [ "of" "(" NAME { "," NAME } ")" ]
 *
 * "all"/"any" alone mean all/any of the rule's patterns. Evaluation is
 * three-valued so that the matcher can skip a rule before confirming any
 * pattern with PCRE2 (a pattern whose literal gate is absent is certainly
 * false; the others are unknown until confirmed).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/sig.h"

enum tok { T_END, T_NAME, T_NUM, T_LP, T_RP, T_COMMA, T_BAD };

struct cparser {
	const char *s;
	size_t pos;
	enum tok tok;
	const char *tstart;
	size_t tlen;
	unsigned long num;
	struct mw_sig_rule *rule;
	struct mw_cond_node *nodes;
	unsigned n;
	unsigned depth;
	char *err;
	size_t errlen;
	int failed;
};

static void cfail(struct cparser *p, const char *msg)
{
	if (!p->failed)
		snprintf(p->err, p->errlen, "condition: %s at column %zu", msg,
			 (size_t)(p->tstart - p->s) + 1);
	p->failed = 1;
}

static void next(struct cparser *p)
{
	const char *s = p->s;

	while (s[p->pos] == ' ' || s[p->pos] == '\t')
		p->pos++;
	p->tstart = s + p->pos;
	p->tlen = 1;
	switch (s[p->pos]) {
	case '\0': p->tok = T_END; p->tlen = 0; return;
	case '(': p->tok = T_LP; p->pos++; return;
	case ')': p->tok = T_RP; p->pos++; return;
	case ',': p->tok = T_COMMA; p->pos++; return;
	default: break;
	}
	if (isdigit((unsigned char)s[p->pos])) {
		p->num = 0;
		while (isdigit((unsigned char)s[p->pos])) {
			if (p->num < 100000)
				p->num = p->num * 10 + (unsigned long)(s[p->pos] - '0');
			p->pos++;
		}
		p->tok = T_NUM;
		p->tlen = (size_t)(s + p->pos - p->tstart);
		return;
	}
	if (islower((unsigned char)s[p->pos])) {
		while (islower((unsigned char)s[p->pos]) ||
		       isdigit((unsigned char)s[p->pos]) || s[p->pos] == '_')
			p->pos++;
		p->tok = T_NAME;
		p->tlen = (size_t)(s + p->pos - p->tstart);
		return;
	}
	p->tok = T_BAD;
}

static int tok_is(const struct cparser *p, const char *word)
{
	return p->tok == T_NAME && p->tlen == strlen(word) &&
	       memcmp(p->tstart, word, p->tlen) == 0;
}

static int is_keyword(const struct cparser *p)
{
	return tok_is(p, "and") || tok_is(p, "or") || tok_is(p, "not") ||
	       tok_is(p, "of") || tok_is(p, "all") || tok_is(p, "any");
}

static int add_node(struct cparser *p, enum mw_cond_op op, unsigned a,
		    unsigned b, unsigned n, uint64_t set)
{
	if (p->n >= MW_SIG_MAX_COND_NODES) {
		cfail(p, "expression too large");
		return -1;
	}
	p->nodes[p->n].op = op;
	p->nodes[p->n].a = a;
	p->nodes[p->n].b = b;
	p->nodes[p->n].n = n;
	p->nodes[p->n].set = set;
	return (int)p->n++;
}

static int lookup(struct cparser *p)
{
	unsigned i;

	for (i = 0; i < p->rule->npatterns; i++)
		if (strlen(p->rule->patterns[i].name) == p->tlen &&
		    memcmp(p->rule->patterns[i].name, p->tstart, p->tlen) == 0)
			return (int)i;
	cfail(p, "unknown pattern name");
	return -1;
}

static uint64_t all_mask(unsigned n)
{
	return n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
}

/* "( a, b, c )" after "of"; returns the set or 0 on error. */
static uint64_t name_list(struct cparser *p, unsigned *count)
{
	uint64_t set = 0;
	int i;

	*count = 0;
	if (p->tok != T_LP) {
		cfail(p, "expected '(' after 'of'");
		return 0;
	}
	do {
		next(p);
		if (p->tok != T_NAME || is_keyword(p)) {
			cfail(p, "expected a pattern name");
			return 0;
		}
		i = lookup(p);
		if (i < 0)
			return 0;
		if (set & ((uint64_t)1 << i)) {
			cfail(p, "pattern listed twice");
			return 0;
		}
		set |= (uint64_t)1 << i;
		(*count)++;
		next(p);
	} while (p->tok == T_COMMA);
	if (p->tok != T_RP) {
		cfail(p, "expected ',' or ')'");
		return 0;
	}
	next(p);
	return set;
}

static int expr(struct cparser *p);

static int factor(struct cparser *p)
{
	unsigned long want;
	unsigned count;
	uint64_t set;
	int r, all;

	if (p->failed)
		return -1;
	if (++p->depth > MW_SIG_MAX_COND_DEPTH) {
		cfail(p, "nested too deeply");
		return -1;
	}
	if (tok_is(p, "not")) {
		next(p);
		r = factor(p);
		r = r < 0 ? -1 : add_node(p, MW_COND_NOT, (unsigned)r, 0, 0, 0);
	} else if (p->tok == T_LP) {
		next(p);
		r = expr(p);
		if (r >= 0 && p->tok != T_RP) {
			cfail(p, "expected ')'");
			r = -1;
		} else if (r >= 0) {
			next(p);
		}
	} else if (p->tok == T_NUM) {
		want = p->num;
		next(p);
		if (!tok_is(p, "of")) {
			cfail(p, "expected 'of' after a number");
			r = -1;
		} else {
			next(p);
			set = name_list(p, &count);
			if (!set)
				r = -1;
			else if (want == 0 || want > count) {
				cfail(p, "N of (...) needs 1 <= N <= number of names");
				r = -1;
			} else {
				r = add_node(p, MW_COND_NOF, 0, 0, (unsigned)want, set);
			}
		}
	} else if (tok_is(p, "all") || tok_is(p, "any")) {
		all = tok_is(p, "all");
		next(p);
		if (tok_is(p, "of")) {
			next(p);
			set = name_list(p, &count);
			if (!set)
				r = -1;
			else
				r = add_node(p, MW_COND_NOF, 0, 0, all ? count : 1, set);
		} else {
			count = p->rule->npatterns;
			if (count == 0) {
				cfail(p, "rule has no patterns");
				r = -1;
			} else {
				r = add_node(p, MW_COND_NOF, 0, 0, all ? count : 1,
					     all_mask(count));
			}
		}
	} else if (p->tok == T_NAME && !is_keyword(p)) {
		r = lookup(p);
		if (r >= 0) {
			r = add_node(p, MW_COND_VAR, (unsigned)r, 0, 0, 0);
			next(p);
		}
	} else {
		cfail(p, p->tok == T_END ? "unexpected end" : "unexpected token");
		r = -1;
	}
	p->depth--;
	return r;
}

static int term(struct cparser *p)
{
	int l = factor(p), r;

	while (l >= 0 && tok_is(p, "and")) {
		next(p);
		r = factor(p);
		if (r < 0)
			return -1;
		l = add_node(p, MW_COND_AND, (unsigned)l, (unsigned)r, 0, 0);
	}
	return l;
}

static int expr(struct cparser *p)
{
	int l, r;

	if (++p->depth > MW_SIG_MAX_COND_DEPTH) {
		cfail(p, "nested too deeply");
		return -1;
	}
	l = term(p);
	while (l >= 0 && tok_is(p, "or")) {
		next(p);
		r = term(p);
		if (r < 0) {
			l = -1;
			break;
		}
		l = add_node(p, MW_COND_OR, (unsigned)l, (unsigned)r, 0, 0);
	}
	p->depth--;
	return l;
}

/* Patterns that can make the condition true by matching (even polarity). */
static uint64_t positive_mask(const struct mw_cond_node *nodes, unsigned i,
			      int negated)
{
	const struct mw_cond_node *nd = &nodes[i];

	switch (nd->op) {
	case MW_COND_VAR:
		return negated ? 0 : (uint64_t)1 << nd->a;
	case MW_COND_NOT:
		return positive_mask(nodes, nd->a, !negated);
	case MW_COND_AND:
	case MW_COND_OR:
		return positive_mask(nodes, nd->a, negated) |
		       positive_mask(nodes, nd->b, negated);
	case MW_COND_NOF:
		return negated ? 0 : nd->set;
	}
	return 0;
}

enum mw_err mw_cond_compile(struct mw_sig_rule *rule, const char *text,
			    char *err, size_t errlen)
{
	struct cparser p;
	int root;

	memset(&p, 0, sizeof(p));
	p.s = text ? text : "all";
	p.rule = rule;
	p.err = err;
	p.errlen = errlen;
	p.nodes = calloc(MW_SIG_MAX_COND_NODES, sizeof(*p.nodes));
	if (!p.nodes) {
		snprintf(err, errlen, "out of memory");
		return MW_ERR_NOMEM;
	}
	next(&p);
	root = expr(&p);
	if (root >= 0 && p.tok != T_END) {
		cfail(&p, "unexpected text after the expression");
		root = -1;
	}
	if (root < 0) {
		if (!p.failed)
			cfail(&p, "invalid expression");
		free(p.nodes);
		return MW_ERR_PARSE;
	}
	free(rule->cond);
	rule->cond = p.nodes;
	rule->ncond = p.n;
	rule->cond_root = (unsigned)root;
	rule->positive_mask = positive_mask(p.nodes, (unsigned)root, 0);
	return MW_OK;
}

static int eval_node(const struct mw_cond_node *nodes, unsigned i,
		     uint64_t yes, uint64_t maybe)
{
	const struct mw_cond_node *nd = &nodes[i];
	uint64_t bit;
	int a, b, t, u;

	switch (nd->op) {
	case MW_COND_VAR:
		bit = (uint64_t)1 << nd->a;
		return (yes & bit) ? 1 : (maybe & bit) ? 2 : 0;
	case MW_COND_NOT:
		a = eval_node(nodes, nd->a, yes, maybe);
		return a == 2 ? 2 : !a;
	case MW_COND_AND:
		a = eval_node(nodes, nd->a, yes, maybe);
		if (a == 0)
			return 0;
		b = eval_node(nodes, nd->b, yes, maybe);
		if (b == 0)
			return 0;
		return a == 1 && b == 1 ? 1 : 2;
	case MW_COND_OR:
		a = eval_node(nodes, nd->a, yes, maybe);
		if (a == 1)
			return 1;
		b = eval_node(nodes, nd->b, yes, maybe);
		if (b == 1)
			return 1;
		return a == 0 && b == 0 ? 0 : 2;
	case MW_COND_NOF:
		t = __builtin_popcountll(nd->set & yes);
		u = __builtin_popcountll(nd->set & maybe & ~yes);
		if ((unsigned)t >= nd->n)
			return 1;
		if ((unsigned)(t + u) < nd->n)
			return 0;
		return 2;
	}
	return 0;
}

int mw_cond_eval(const struct mw_sig_rule *rule, uint64_t yes, uint64_t maybe)
{
	if (!rule->cond || rule->ncond == 0)
		return 0;
	return eval_node(rule->cond, rule->cond_root, yes, maybe);
}
