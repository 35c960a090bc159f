/*
 * Internals of the Sieve parser (mw_fwd_parse_sieve() in fwd.h is the
 * contract), shared by its two files:
 *   fwd_sieve.c      tokenizer, grammar (commands, tests, if/elsif/else,
 *                    require) and mw_fwd_parse_sieve()
 *   fwd_sieve_act.c  what the action commands mean: the facts, hides and
 *                    variables they make
 * Nothing outside those files includes this header.
 */
#ifndef MW_FWD_SIEVE_INT_H
#define MW_FWD_SIEVE_INT_H

#include <stddef.h>

#include "core/strlist.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_util.h"

enum tok_type {
	T_IDENT, T_TAG, T_NUMBER, T_STRING,
	T_LBRACKET, T_RBRACKET, T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE,
	T_COMMA, T_SEMI, T_EOF
};

struct tok {
	enum tok_type type;
	const char *s;		/* source position */
	size_t n;		/* source length */
	char *str;		/* decoded string (T_STRING), owned */
	size_t slen;
	unsigned long line;
};

struct parser {
	struct fwd_doc *d;
	const char *text;
	size_t len;
	struct tok *toks;
	size_t ntoks, atoks, pos;
	int failed;		/* first syntax error stops the parse */
	int depth;
	int stopped;		/* an unconditional stop was seen */
	int spam;		/* inside a block whose test is about spam */
	/* variables (RFC 5229): constant "set" values, last one wins; a
	 * redirect to "${x}" is judged on what x was set to */
	struct mw_strlist var_names, var_values;
};

struct arg {
	enum tok_type type;	/* T_TAG, T_NUMBER, T_STRING (also lists) */
	size_t tok;		/* first token */
	size_t nstr;		/* strings in a list */
	int is_list;
};

#define SIEVE_MAX_ARGS 32

/* Whether k is the identifier or tag word (case-insensitive). */
static inline int mw_sieve_tok_is(const struct tok *k, const char *word)
{
	return (k->type == T_IDENT || k->type == T_TAG) &&
	       mw_fwd_word_eq(k->s, k->n, word);
}

/* The i-th string of a (list) argument. */
static inline struct tok *mw_sieve_arg_str(struct parser *p,
					   const struct arg *a, size_t i)
{
	return &p->toks[a->tok + (a->is_list ? 2 * i : 0)];
}

/* Whether the script's require named the capability ext. */
static inline int mw_sieve_has_require(const struct parser *p, const char *ext)
{
	return mw_strlist_contains(&p->d->requires, ext, 0);
}

/*
 * Record a syntax error at line and fail the parse; only the first error
 * counts (what follows it is not Sieve Dovecot would run).
 */
void mw_sieve_error(struct parser *p, unsigned long line, const char *msg);

/*
 * 0 when the script required ext; else fails the parse with an error
 * naming the word k and ext, and returns -1.
 */
int mw_sieve_need_require(struct parser *p, const struct tok *k,
			  const char *ext);

/*
 * Judge one action command k with its nargs arguments (everything but
 * require and the control commands): adds its facts and hides to p->d,
 * records "set" variables, marks an unconditional stop. conditional and
 * disabled describe the block it is in. A bad argument list fails the
 * parse through mw_sieve_error(); the caller checks p->failed.
 */
void mw_sieve_action(struct parser *p, struct tok *k, struct arg *args,
		     size_t nargs, int conditional, int disabled);

#endif
