/*
 * What the normaliser knows about variables (php_fold.c folds with it):
 * the literal a variable holds ($v = L;), the literals of an array
 * ($v = array(L, ...)), and a function's parameters hiding the file's
 * literals of the same name while its body lasts. Every table is bounded
 * (VAR_SLOTS, ARR_SLOTS, FN_SHADOW_MAX in php_norm_int.h).
 */
#include <string.h>
#include <strings.h>

#include "core/ascii.h"
#include "signatures/php_norm_int.h"

struct var *mw_php_var_slot(struct mw_php_norm *n, const char *name, size_t len,
			    int create)
{
	uint32_t h;
	size_t k;

	if (len == 0 || len > VAR_NAME_MAX)
		return NULL;
	h = mw_fnv1a(name, len);
	for (k = 0; k < VAR_SLOTS; k++) {
		struct var *v = &n->vars[(h + k) % VAR_SLOTS];

		if (!v->used) {
			if (!create || n->nvars >= MW_PHP_MAX_VARS)
				return NULL;
			v->used = 1;
			memcpy(v->name, name, len);
			v->nlen = len;
			n->used_slot[n->nvars++] = (uint16_t)((h + k) % VAR_SLOTS);
			return v;
		}
		if (v->nlen == len && memcmp(v->name, name, len) == 0)
			return v;
	}
	return NULL;
}

struct var *mw_php_var_of(struct mw_php_norm *n, const struct item *it, int create)
{
	size_t len;
	const char *t;

	if (!it || it->kind != IT_TOK || it->tk != MW_PT_VAR)
		return NULL;
	t = item_text(n, it, &len);
	return mw_php_var_slot(n, t, len, create);
}

/* The literal value behind an item: a literal, or a variable known to hold
 * one. */
int mw_php_value_of(struct mw_php_norm *n, const struct item *it, size_t *off,
		    size_t *len, unsigned *depth, const uint8_t **chain)
{
	struct var *v;
	static const uint8_t none[MW_PHP_MAX_DEPTH];

	if (!it)
		return 0;
	if (it->kind == IT_LIT) {
		*off = it->off;
		*len = it->len;
		*depth = it->depth;
		*chain = it->chain;
		return 1;
	}
	v = mw_php_var_of(n, it, 0);
	if (!v || !v->known)
		return 0;
	*off = v->off;
	*len = v->len;
	*depth = 0;
	*chain = none;
	return 1;
}

int mw_php_var_literal(struct mw_php_norm *n, const char *name, size_t len,
		       size_t *off, size_t *vlen)
{
	struct var *v = mw_php_var_slot(n, name, len, 0);

	if (!v || !v->known)
		return 0;
	*off = v->off;
	*vlen = v->len;
	return 1;
}


/* The literal behind an item, without its layer chain (php_strfold.c). */
int mw_php_fold_value(struct mw_php_norm *n, const struct item *it, size_t *off, size_t *len)
{
	unsigned d;
	const uint8_t *c;

	return mw_php_value_of(n, it, off, len, &d, &c);
}

/* At the end of a statement "$v = array(L, ...)" or "$v = [L, ...]" on
 * top of the stack: v holds those literals (in n->arrays). Always 0: the
 * stack is left as it is. */
int mw_php_remember_array(struct mw_php_norm *n)
{
	const struct item *t1 = top(n, 1), *it, *name, *eq, *var, *before;
	int brk = OPIS(t1, OP_RBRK);
	size_t k = 2, cnt = 0, open, i, len;
	struct var *v;
	struct arr *a;
	const char *t;

	for (;;) {	/* L , L , ... down to the opener */
		it = top(n, k);
		if (!it || it->kind != IT_LIT || ++cnt > ARR_MAX)
			return 0;
		it = top(n, ++k);
		if (OPIS(it, OP_COMMA)) {
			k++;
			continue;
		}
		if (!(brk ? OPIS(it, OP_LBRK) : OPIS(it, OP_LPAR)))
			return 0;
		break;
	}
	open = k;
	if (!brk) {
		name = top(n, ++k);
		if (!name || name->kind != IT_TOK || name->tk != MW_PT_IDENT)
			return 0;
		t = item_text(n, name, &len);
		if (len != 5 || strncasecmp(t, "array", 5) != 0)
			return 0;
	}
	eq = top(n, k + 1);
	var = top(n, k + 2);
	before = top(n, k + 3);
	if (!OPIS(eq, OP_ASSIGN) || !var || var->kind != IT_TOK || var->tk != MW_PT_VAR ||
	    (before && !(OPIS(before, OP_SEMI) || OPIS(before, OP_LBRACE) ||
			 OPIS(before, OP_RBRACE) || OPIS(before, OP_AT) ||
			 (before->kind == IT_TOK && (before->tk == MW_PT_OPEN ||
						     before->tk == MW_PT_CLOSE ||
						     before->tk == MW_PT_HTML)))) ||
	    (v = mw_php_var_of(n, var, 1)) == NULL)
		return 0;
	if (!v->arr) {
		if (n->narrays == ARR_SLOTS)
			return 0;
		v->arr = (unsigned)++n->narrays;
	}
	a = &n->arrays[v->arr - 1];
	a->n = (uint32_t)cnt;
	for (i = 0; i < cnt; i++) {	/* element i sits just above the opener */
		it = top(n, open - 1 - 2 * i);
		a->off[i] = (uint32_t)it->off;
		a->len[i] = (uint32_t)it->len;
	}
	return 0;
}

static void track_params(struct mw_php_norm *n, const struct item *it);

/* Does it end an operand, so that a "&" after it is a bit AND ($a & $b)
 * and not a reference (= &$b, as &$v, f(&$x))? */
static int ends_operand(const struct item *it)
{
	if (!it)
		return 0;
	if (it->kind == IT_LIT)
		return 1;
	if (it->op)
		return OPIS(it, OP_RPAR) || OPIS(it, OP_RBRK);
	return it->tk == MW_PT_VAR || it->tk == MW_PT_NUMBER || it->tk == MW_PT_STRING ||
	       it->tk == MW_PT_ISTRING || it->tk == MW_PT_IDENT;
}

/* Before pushing it: forget what a variable held when it is assigned
 * anything (a literal assignment is remembered again at its ";"). */
void mw_php_before_push(struct mw_php_norm *n, struct item *it)
{
	struct item *t1 = top(n, 1);
	struct var *v;

	track_params(n, it);
	/* the statement ends: a variable assigned in it no longer holds its
	 * old literal (a new one was remembered at this ";" already) */
	if (n->forget && (OPIS(it, OP_SEMI) || OPIS(it, OP_LBRACE) || OPIS(it, OP_RBRACE) ||
			  (it->kind == IT_TOK && it->tk == MW_PT_CLOSE))) {
		if (n->forget->forget)
			n->forget->known = 0;
		n->forget->forget = 0;
		n->forget = NULL;
	}
	if (!t1)
		return;
	if (t1->kind == IT_TOK && t1->tk == MW_PT_VAR && OPIS(it, OP_ASSIGN) &&
	    (v = mw_php_var_of(n, t1, 0)) != NULL && v->known) {
		/* $f = $f('', $x): the right-hand side still sees the old
		 * value; it is forgotten at the end of the statement */
		if (n->forget && n->forget != v) {
			if (n->forget->forget)
				n->forget->known = 0;
			n->forget->forget = 0;
		}
		v->forget = 1;
		v->pending = 0;
		n->forget = v;
	} else if (t1->kind == IT_TOK && t1->tk == MW_PT_VAR &&
	    (mw_php_assign_op(it) || OPIS(it, OP_INC) || OPIS(it, OP_DEC)) &&
	    (v = mw_php_var_of(n, t1, 0)) != NULL) {
		v->pending = OPIS(it, OP_CATASSIGN) && v->known;
		v->known = 0;
		v->forget = 0;
	}
	/* any assignment to a variable: no longer the array it held (a new
	 * one is remembered at this statement's end) */
	if (t1->kind == IT_TOK && t1->tk == MW_PT_VAR && mw_php_assign_op(it) &&
	    (v = mw_php_var_of(n, t1, 0)) != NULL)
		v->arr = 0;
	if (it->kind == IT_TOK && it->tk == MW_PT_VAR &&
	    (OPIS(t1, OP_K_AS) || OPIS(t1, OP_DARROW) ||
	     (OPIS(t1, OP_AMP) && !ends_operand(top(n, 2)))) &&
	    (v = mw_php_var_of(n, it, 0)) != NULL)
		v->known = v->pending = v->forget = 0, v->arr = 0;
	if (OPIS(it, OP_LPAR) && t1->kind == IT_TOK && t1->tk == MW_PT_IDENT)
		t1->lower = 1;
}

/* The end of the function whose parameters were hidden: the file's
 * literals are back. */
static void unshadow(struct mw_php_norm *n)
{
	while (n->nshadow) {
		n->nshadow--;
		*n->shadow[n->nshadow].v = n->shadow[n->nshadow].saved;
	}
	n->fn_state = 0;
}

/* A function's parameters are its own variables: a literal the file's
 * scope gave the same name does not reach its body (function f($a) {
 * eval($a); } after $a = 'x'; must stay eval($a)), and comes back after
 * it (f(base64_decode($a)) below still folds). Followed from the tokens
 * pushed, not the stack, which folds may have cut; a function inside the
 * body is not followed (its parameters may keep a file literal). */
static void track_params(struct mw_php_norm *n, const struct item *it)
{
	struct var *v;
	size_t i;

	switch (n->fn_state) {
	case 0:
		if (OPIS(it, OP_K_FUNCTION))
			n->fn_state = 1;
		return;
	case 1:		/* name, "&" */
		if (OPIS(it, OP_LPAR)) {
			n->fn_state = 2;
			n->fn_depth = 1;
		} else if (!(it->kind == IT_TOK && it->tk == MW_PT_IDENT) && !OPIS(it, OP_AMP)) {
			n->fn_state = 0;
		}
		return;
	case 2:		/* parameters */
		if (OPIS(it, OP_LPAR)) {
			n->fn_depth++;
		} else if (OPIS(it, OP_RPAR)) {
			if (--n->fn_depth == 0)
				n->fn_state = 3;
		} else if (it->kind == IT_TOK && it->tk == MW_PT_VAR &&
			   (v = mw_php_var_of(n, it, 0)) != NULL && (v->known || v->arr)) {
			for (i = 0; i < n->nshadow && n->shadow[i].v != v; i++)
				;
			if (i == n->nshadow && n->nshadow < FN_SHADOW_MAX) {
				n->shadow[n->nshadow].v = v;
				n->shadow[n->nshadow++].saved = *v;
			}
			v->known = v->pending = v->forget = 0;
			v->arr = 0;
			if (n->forget == v)
				n->forget = NULL;
		}
		return;
	case 3:		/* return type, "use (...)": until the body or ";" */
		if (OPIS(it, OP_LBRACE)) {
			n->fn_state = 4;
			n->fn_depth = 1;
		} else if (OPIS(it, OP_SEMI) || (it->kind == IT_TOK && it->tk == MW_PT_CLOSE)) {
			unshadow(n);
		}
		return;
	default:	/* body */
		if (OPIS(it, OP_LBRACE))
			n->fn_depth++;
		else if (OPIS(it, OP_RBRACE) && --n->fn_depth == 0)
			unshadow(n);
		return;
	}
}
