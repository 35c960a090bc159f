/*
 * Internals shared by php_norm.c (tokens in, view out) and the constant
 * folding on the item stack (php_fold.c, php_fold_vars.c,
 * php_strfold.c): not an interface for anyone else.
 */
#ifndef MW_PHP_NORM_INT_H
#define MW_PHP_NORM_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "signatures/php_decode.h"
#include "signatures/php_lex.h"
#include "signatures/php_flow.h"
#include "signatures/php_norm.h"

#define STACK_MAX	256	/* items; the bottom FLUSH_AT are emitted when full */
#define STACK_KEEP	32
#define VAR_SLOTS	4096	/* hash slots, at most MW_PHP_MAX_VARS used */
#define VAR_NAME_MAX	64
#define MAX_NORM_INPUT	((size_t)1 << 30)	/* bytes: offsets fit in 32 bits */
/* Bytes the decoders may be handed per buffer, failures included: a
 * million hex2bin($v) of a megabyte of junk produce nothing but would
 * copy a terabyte. */
#define MAX_WORK	((size_t)64 << 20)

enum { IT_LIT, IT_TOK };
enum { SRC_RAW, SRC_VAL, SRC_STATIC };

struct optab_entry {
	const char *text;
	uint8_t prec, opens;
};
/* Operators and keywords the folds look at (php_fold.c): id = index + 1,
 * binding strength (PHP 8, 0: not a binary operator), may start an
 * operand. */
extern const struct optab_entry mw_php_optab[];

enum {
	OP_NONE = 0,
	OP_LPAR = 1,
	OP_RPAR = 2,
	OP_LBRK = 3,
	OP_RBRK = 4,
	OP_LBRACE = 5,
	OP_RBRACE = 6,
	OP_COMMA = 7,
	OP_SEMI = 8,
	OP_DARROW = 9,
	OP_ARROW = 10,
	OP_NULLSAFE = 11,
	OP_DCOLON = 12,
	OP_ASSIGN = 13,
	OP_CATASSIGN = 18,
	OP_K_OR = 27,
	OP_K_XOR = 28,
	OP_K_AND = 29,
	OP_OR = 35,
	OP_XOR = 36,
	OP_AMP = 37,
	OP_DOT = 48,
	OP_K_INSTANCEOF = 56,
	OP_TILDE = 58,
	OP_AT = 59,
	OP_INC = 60,
	OP_DEC = 61,
	OP_K_RETURN = 63,
	OP_K_ECHO = 64,
	OP_K_PRINT = 65,
	OP_K_YIELD = 66,
	OP_K_CASE = 67,
	OP_K_INCLUDE = 68,
	OP_K_INCLUDE_ONCE = 69,
	OP_K_REQUIRE = 70,
	OP_K_REQUIRE_ONCE = 71,
	OP_K_AS = 72,
	OP_K_CONST = 73,
	OP_K_FN = 74,
	OP_K_FUNCTION = 75,
	OP_K_NEW = 76,
	OP_K_PACK = 77,
	OP_K_CHR = 78,
};

struct item {
	uint8_t kind;		/* IT_* */
	uint8_t op;		/* OP_* / index + 1 into optab, 0 if none */
	uint8_t tk;		/* enum mw_php_tok, IT_TOK */
	uint8_t src;		/* SRC_*, IT_TOK */
	uint8_t lower;		/* emit lower-cased (a name before "(") */
	uint8_t depth;		/* decoders applied, IT_LIT */
	uint8_t chain[MW_PHP_MAX_DEPTH];
	size_t raw_off;		/* where the item starts in the buffer */
	size_t off, len;	/* SRC_RAW: buffer; SRC_VAL/IT_LIT: n->vals */
	const char *stat;	/* SRC_STATIC */
};

struct var {
	char name[VAR_NAME_MAX];
	size_t nlen;
	int used, known;
	size_t off, len;	/* value in n->vals */
	int pending;		/* ".=" seen: off/len hold the old value */
	int forget;		/* "=" seen: known until the statement ends */
	unsigned arr;		/* 1 + index in n->arrays: holds an array of
				 * literals ($v = array('a', 'b'); $v[1]) */
};

/* Arrays of literals a variable holds: names picked by index
 * ($GLOBALS['_1_'] = Array(base64_decode('...'), ...); $GLOBALS['_1_'][0](...)). */
#define ARR_SLOTS	8
#define ARR_MAX		128	/* elements; a longer list is not remembered */
struct arr {
	uint32_t n;
	uint32_t off[ARR_MAX], len[ARR_MAX];	/* values in n->vals */
};

#define FN_SHADOW_MAX 8

struct layer_rec {
	size_t off, len, raw_off;
	unsigned depth;
	uint8_t chain[MW_PHP_MAX_DEPTH];
};

struct mw_php_norm {
	const char *buf;
	size_t len;
	struct mw_buf out, vals, tmp, facts;
	struct mw_php_flow *flow;	/* data-flow facts (php_flow.h) */
	size_t fact_at[MW_FLOW_MAX_FACTS][2];	/* facts offset, view offset */
	size_t nfacts;
	uint32_t *map;		/* pairs: view offset, raw offset */
	size_t nmap, amap;
	struct item st[STACK_MAX];
	size_t nst;
	struct var vars[VAR_SLOTS];
	size_t nvars;
	uint16_t used_slot[MW_PHP_MAX_VARS];	/* which vars[] to clear */
	struct arr arrays[ARR_SLOTS];
	size_t narrays;
	struct var *forget;	/* assigned in this statement: its old value
				 * still counts on the right-hand side */
	struct layer_rec lrec[MW_PHP_MAX_LAYERS];
	struct mw_php_layer layers[MW_PHP_MAX_LAYERS];
	size_t nlayers;
	unsigned caps;
	size_t budget, decoded, out_cap;
	size_t work;		/* bytes decoders were given: MAX_WORK */
	int last_word;		/* last emitted byte is a word byte */
	/* a function's parameters hide the file's literals of the same
	 * name until its body ends (php_fold_vars.c, track_params) */
	int drop;		/* an OP_* to skip when it comes next: the ","
				 * of call_user_func('f', made f(, the ")" of
				 * a call folded to its literal */
	int bitwords;		/* a string bit operator folded: bare upper-case
				 * words are names too (php_fold.c operand_of) */
	int fn_state;		/* 1 "function", 2 parameters, 3 before body, 4 body */
	unsigned fn_depth;	/* ( or { open in the part fn_state names */
	struct {
		struct var *v;
		struct var saved;
	} shadow[FN_SHADOW_MAX];
	size_t nshadow;
};

static inline int is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static inline const char *item_text(const struct mw_php_norm *n,
				     const struct item *it, size_t *len)
{
	*len = it->len;
	if (it->kind == IT_TOK && it->src == SRC_RAW)
		return n->buf + it->off;
	if (it->kind == IT_TOK && it->src == SRC_STATIC)
		return it->stat;
	return n->vals.data ? n->vals.data + it->off : "";
}

#define OPIS(it, o) ((it) != NULL && (it)->op == (o))

static inline struct item *top(struct mw_php_norm *n, size_t k)
{
	return n->nst >= k ? &n->st[n->nst - k] : NULL;
}

/* An assignment operator (=, .=, +=, ...). */
static inline int mw_php_assign_op(const struct item *it)
{
	return it->op && mw_php_optab[it->op - 1].prec == 4;
}

/* it := the literal vals[off..off+len) placed at raw_off. */
static inline void make_lit(struct item *it, size_t raw_off, size_t off, size_t len)
{
	memset(it, 0, sizeof(*it));
	it->kind = IT_LIT;
	it->raw_off = raw_off;
	it->off = off;
	it->len = len;
}

/* Replace the top k items by one. */
static inline void replace_top(struct mw_php_norm *n, size_t k, const struct item *it)
{
	n->nst -= k;
	n->st[n->nst++] = *it;
}

/* php_fold.c: the reductions */
/* The optab id of an operator or keyword token, 0 if none. */
uint8_t mw_php_op_id(const char *t, size_t len);
/* May a fold add extra bytes of literal values? Sets a cap if not. */
int mw_php_room_for(struct mw_php_norm *n, size_t extra);
/* One reduction at the top of the stack with lookahead la (NULL: the
 * end): 1 if the stack changed. */
int mw_php_reduce(struct mw_php_norm *n, const struct item *la);
/* A PHP integer literal (decimal, 0x, 0o/0, 0b, signed) in 24 bits: 1 if
 * it is one. */
int mw_php_fold_int(const char *s, size_t len, long *v);
/* May the item before a name make it a call (not ->name, function name,
 * new name ...)? */
int mw_php_fold_callable(const struct item *before);
/* Replace the top k items by the literal vals[off..off+len). */
void mw_php_fold_replace(struct mw_php_norm *n, size_t k, size_t raw_off, size_t off, size_t len);

/* php_fold_vars.c: variables, arrays and parameters */
/* The slot of variable name (with its "$"; or a "name(" function key),
 * created when create is set and there is room; NULL otherwise. */
struct var *mw_php_var_slot(struct mw_php_norm *n, const char *name, size_t len,
			    int create);
/* The slot of a variable item, NULL if it is none. */
struct var *mw_php_var_of(struct mw_php_norm *n, const struct item *it, int create);
/* The literal behind an item (a literal, or a variable known to hold
 * one): its place in n->vals, its layer depth and chain; 0 if none. */
int mw_php_value_of(struct mw_php_norm *n, const struct item *it, size_t *off,
		    size_t *len, unsigned *depth, const uint8_t **chain);
/* mw_php_value_of without depth and chain. */
int mw_php_fold_value(struct mw_php_norm *n, const struct item *it, size_t *off, size_t *len);
/* The literal the variable $name (name with its "$", len bytes) holds:
 * 1 and its place in n->vals, or 0 if none is known. */
int mw_php_var_literal(struct mw_php_norm *n, const char *name, size_t len,
		       size_t *off, size_t *vlen);
/* At a statement's end, "$v = array(L, ...)" on the stack: remember the
 * elements. Always 0 (the stack is unchanged). */
int mw_php_remember_array(struct mw_php_norm *n);
/* Bookkeeping before it is pushed (variables assigned, names called). */
void mw_php_before_push(struct mw_php_norm *n, struct item *it);

/* php_strfold.c: calls over literal arguments, at the ")" on top */
/* dec(L) with fn a decoder (php_decode.h): the top k items become the
 * decoded literal, one layer deeper. 1 if folded. */
int mw_php_fold_decoder(struct mw_php_norm *n, enum mw_php_fn fn, const struct item *first,
			const struct item *arg, size_t k);
/* chr(N): the top four items become one byte. */
int mw_php_fold_chr(struct mw_php_norm *n, const struct item *first, const struct item *arg);
/* str_replace(L, L, L) / strtr(L, L, L): the top eight items. */
int mw_php_fold_call3(struct mw_php_norm *n, enum mw_php_fn fn, const struct item *first,
		      const struct item *a, const struct item *b, const struct item *c);
/* substr()/trim()/str_repeat()... of literals; 1 if folded. */
int mw_php_fold_strfn(struct mw_php_norm *n);

#endif
