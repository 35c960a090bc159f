/*
 * Internals of the data-flow pass (php_flow.h has the contract), shared by
 * its three files:
 *   php_flow_tok.c    the sink and callback tables, the word table, the
 *                     view's tokens and the request-source precheck
 *   php_flow_vars.c   variables, scopes, request sources, function summaries
 *   php_flow.c        expressions, facts, the analysis and mw_php_flow_run()
 * Nothing outside those files includes this header.
 */
#ifndef MW_SIGNATURES_PHP_FLOW_INT_H
#define MW_SIGNATURES_PHP_FLOW_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "signatures/php_flow.h"
#include "signatures/php_lex.h"

/* Sources: bits 0-6 real, 8-15 the parameters of the function analysed. */
#define S_POST		0x01u
#define S_GET		0x02u
#define S_REQUEST	0x04u
#define S_COOKIE	0x08u
#define S_FILES		0x10u
#define S_HEADER	0x20u
#define S_INPUT		0x40u
#define S_REAL		0x7fu
#define S_INDIRECT	0x80u	/* came through an array element written or a
				 * foreach: for callbacks, not the request's
				 * own choice of function */
#define S_PARAM(i)	(0x100u << (i))
#define S_PARAMS	0xff00u

#define VAR_SLOTS	(2 * MW_FLOW_MAX_VARS)
#define FUNC_SLOTS	(2 * MW_FLOW_MAX_FUNCS)
#define FACT_SLOTS	(2 * MW_FLOW_MAX_FACTS)
#define MAX_ARGS	5	/* argument positions a fact shows */
#define MAX_REACH	16	/* (parameter, sink, position) per function */
#define SINK_DYNAMIC	0xfe	/* $tainted(...) */
#define SINK_VARCALL	0xfd	/* $f(tainted): a function held in a variable */
#define SINK_CALLBACK	0xfc	/* callback(function, data) of the table below */

/* Functions that call a callback they are given: where the callback is
 * and where its data starts (every other argument from there on). */
struct cbfunc {
	const char *name;
	uint8_t cb, data;
};
extern const struct cbfunc mw_flow_cbfuncs[];
extern const size_t mw_flow_ncbfuncs;

struct ftok {
	uint8_t kind;		/* enum mw_php_tok */
	uint8_t flags;
	uint8_t id;		/* names: what word_id() says */
	uint32_t start, len;
};

enum sink_class { SK_CODE, SK_CMD, SK_MAIL, SK_FILE, SK_NET };

struct sink {
	const char *name;
	uint8_t nargs;		/* argument positions shown in the fact */
	uint8_t cls;
};
extern const struct sink mw_flow_sinks[];
extern const size_t mw_flow_nsinks;

/* Words the analysis looks for, found once per token (mw_flow_lex_view). */
enum {
	W_NONE = 0,
	W_SINK = 1,		/* W_SINK + index into mw_flow_sinks[] */
	W_CALLBACK = 60,	/* W_CALLBACK + index into mw_flow_cbfuncs[] */
	W_SANITISER = 100,
	W_FUNCTION, W_FOREACH, W_RETURN, W_GLOBAL, W_AS, W_NEW, W_EXTRACT,
	W_PARSE_STR, W_IMPORT_REQ, W_HEADERS, W_GETENV, W_FILE_GET_CONTENTS, W_ARRAY, W_USE,
	W_REFLECTION_FN,	/* new ReflectionFunction(f) */
	W_CREATE_FN,		/* $db->createFunction(name, f): SQLite */
};

/* Sinks the analysis treats specially, by index into mw_flow_sinks[]
 * (set once with the word table). */
extern unsigned mw_flow_sk_shell_exec, mw_flow_sk_fgc, mw_flow_sk_preg,
	mw_flow_sk_preg_e, mw_flow_sk_include_lo, mw_flow_sk_include_hi;

struct var_ent {
	uint32_t off, len, gen, scope;
	uint16_t bits;
	uint8_t read;		/* read before its taint last grew */
};

struct reach {
	uint8_t param, sink, pos;
};

struct func {
	uint32_t name_off, name_len;
	uint32_t param[MW_FLOW_MAX_PARAMS];	/* token index of each $param */
	uint32_t nparams;
	uint32_t body, end;		/* tokens (body, end) exclusive */
	uint16_t ret;			/* real sources returned */
	struct reach reach[MAX_REACH];
	uint32_t nreach;
	int slot_used;
};

struct fact_key {
	uint8_t sink, used;
	uint16_t args[MAX_ARGS];
};

struct mw_php_flow {
	const char *v;
	size_t vlen;
	struct ftok *tok;
	size_t ntok, atok;
	struct var_ent vars[VAR_SLOTS];
	uint32_t gen, nvars;
	uint32_t scope, nscopes;	/* variables are per function body */
	uint16_t extracted;		/* extract() of request data: every
					 * variable not assigned may hold it */
	struct { uint32_t off, len; uint16_t bits; } keys[64];
	unsigned nkeys;			/* $_GET['cmd'] ... keys read */
	uint64_t read_miss[16];		/* names read while unknown: a 1024-bit
					 * filter of their hashes */
	int late;			/* a variable read earlier gained taint
					 * later: the file is walked again */
	uint32_t scope_end[8], scope_prev[8];
	unsigned nscope_stack;
	struct func funcs[MW_FLOW_MAX_FUNCS];
	uint32_t nfuncs;
	int32_t fslot[FUNC_SLOTS];	/* index into funcs, -1 free */
	struct fact_key facts[FACT_SLOTS];
	uint32_t nfacts;
	/* per run */
	size_t work, budget;
	int capped;		/* the work budget ran out: stop */
	int bounded;		/* a table or the token cap was full */
	int changed;
	struct func *cur;		/* summary being built, NULL: facts */
	struct mw_buf *out;
	mw_flow_fact_fn fact;
	void *ud;
	enum mw_err err;
};

enum stop { STOP_STMT, STOP_ARG, STOP_AS };

/* Token tests the analysis makes at every step: here to be inlined. */

static inline const char *mw_flow_txt(const struct mw_php_flow *f, size_t i, size_t *len)
{
	*len = f->tok[i].len;
	return f->v + f->tok[i].start;
}

/* Operator token i is s (1 to 3 bytes; no strlen: this is the hot path). */
static inline int mw_flow_is_op(const struct mw_php_flow *f, size_t i, const char *s)
{
	const struct ftok *k;
	const char *t;

	if (i >= f->ntok || (k = &f->tok[i])->kind != MW_PT_OP || k->len > 3)
		return 0;
	t = f->v + k->start;
	if (t[0] != s[0])
		return 0;
	if (k->len == 1)
		return s[1] == '\0';
	/* s is read only up to its NUL: s[n + 1] after s[n] matched */
	if (s[1] == '\0' || t[1] != s[1])
		return 0;
	if (k->len == 2)
		return s[2] == '\0';
	return s[2] != '\0' && t[2] == s[2] && s[3] == '\0';
}

static inline int mw_flow_is_word(const struct mw_php_flow *f, size_t i, uint8_t id)
{
	return i < f->ntok && f->tok[i].kind == MW_PT_IDENT && f->tok[i].id == id;
}

static inline int mw_flow_spend(struct mw_php_flow *f)
{
	if (++f->work > f->budget) {
		f->capped = 1;
		return 0;
	}
	return 1;
}

/* php_flow_tok.c */
size_t mw_flow_closing(struct mw_php_flow *f, size_t i);
int mw_flow_has_source(const char *v, size_t len);
enum mw_err mw_flow_lex_view(struct mw_php_flow *f);

/* php_flow_vars.c */
void mw_flow_func_add(struct mw_php_flow *f, size_t i);
struct func *mw_flow_func_at(struct mw_php_flow *f, size_t i);
int mw_flow_name_byte(int c);
void mw_flow_note_key(struct mw_php_flow *f, size_t i);
void mw_flow_note_form_keys(struct mw_php_flow *f, const char *p, size_t len);
void mw_flow_scope_enter(struct mw_php_flow *f, size_t i);
void mw_flow_scope_leave(struct mw_php_flow *f, size_t i);
uint16_t mw_flow_string_bits(struct mw_php_flow *f, size_t i);
uint16_t mw_flow_superglobal(const char *t, size_t l);
uint16_t mw_flow_var_bits(struct mw_php_flow *f, size_t i);
void mw_flow_var_taint(struct mw_php_flow *f, size_t i, uint16_t bits);
int mw_flow_var_read_swap(struct mw_php_flow *f, size_t i, int read);
void mw_flow_vars_reset(struct mw_php_flow *f);

/* php_flow.c */
uint16_t mw_flow_expr_bits(struct mw_php_flow *f, size_t i, enum stop mode, size_t *end);

#endif
