/*
 * Constant folding on the normaliser's item stack (php_norm.c pushes, this
 * reduces): the shapes are listed at mw_php_reduce(); signatures/README.md
 * says what each fold means for rules. Only the top items are looked at,
 * nothing recurses, every fold is bounded by the caps of php_norm.h.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ascii.h"
#include "signatures/php_norm_int.h"
#include "signatures/wordtab.h"

/* Operators and keywords reduce() looks at: id = index + 1, binding
 * strength (PHP 8, 0: not a binary operator), may start an operand. */
const struct optab_entry mw_php_optab[] = {
	{ "(", 0, 1 },
	{ ")", 0, 0 },
	{ "[", 0, 1 },
	{ "]", 0, 0 },
	{ "{", 0, 1 },
	{ "}", 0, 0 },
	{ ",", 0, 1 },
	{ ";", 0, 1 },
	{ "=>", 0, 1 },
	{ "->", 0, 0 },
	{ "?->", 0, 0 },
	{ "::", 0, 0 },
	{ "=", 4, 0 },
	{ "+=", 4, 0 },
	{ "-=", 4, 0 },
	{ "*=", 4, 0 },
	{ "/=", 4, 0 },
	{ ".=", 4, 0 },
	{ "%=", 4, 0 },
	{ "&=", 4, 0 },
	{ "|=", 4, 0 },
	{ "^=", 4, 0 },
	{ "<<=", 4, 0 },
	{ ">>=", 4, 0 },
	{ "**=", 4, 0 },
	{ "?\?=", 4, 0 },
	{ "or", 1, 0 },
	{ "xor", 2, 0 },
	{ "and", 3, 0 },
	{ "?", 5, 0 },
	{ ":", 5, 0 },
	{ "??", 6, 0 },
	{ "||", 7, 0 },
	{ "&&", 8, 0 },
	{ "|", 9, 0 },
	{ "^", 10, 0 },
	{ "&", 11, 0 },
	{ "==", 12, 0 },
	{ "!=", 12, 0 },
	{ "===", 12, 0 },
	{ "!==", 12, 0 },
	{ "<>", 12, 0 },
	{ "<=>", 12, 0 },
	{ "<", 13, 0 },
	{ "<=", 13, 0 },
	{ ">", 13, 0 },
	{ ">=", 13, 0 },
	{ ".", 14, 0 },
	{ "<<", 15, 0 },
	{ ">>", 15, 0 },
	{ "+", 16, 0 },
	{ "-", 16, 0 },
	{ "*", 17, 0 },
	{ "/", 17, 0 },
	{ "%", 17, 0 },
	{ "instanceof", 18, 0 },
	{ "!", 19, 0 },
	{ "~", 20, 0 },
	{ "@", 20, 0 },
	{ "++", 20, 0 },
	{ "--", 20, 0 },
	{ "**", 21, 0 },
	{ "return", 0, 1 },
	{ "echo", 0, 1 },
	{ "print", 0, 1 },
	{ "yield", 0, 1 },
	{ "case", 0, 1 },
	{ "include", 0, 1 },
	{ "include_once", 0, 1 },
	{ "require", 0, 1 },
	{ "require_once", 0, 1 },
	{ "as", 0, 0 },
	{ "const", 0, 0 },
	{ "fn", 0, 0 },
	{ "function", 0, 0 },
	{ "new", 0, 0 },
	{ "pack", 0, 0 },
	{ "chr", 0, 0 },
};

static struct mw_wordtab optab_words;
static pthread_once_t optab_once = PTHREAD_ONCE_INIT;

static void optab_init(void)
{
	size_t i;

	for (i = 0; i < sizeof(mw_php_optab) / sizeof(mw_php_optab[0]); i++)
		if (mw_wordtab_add(&optab_words, mw_php_optab[i].text, (uint8_t)(i + 1)) < 0)
			abort();	/* the table above outgrew the word table */
}

/* The optab id of an operator or keyword token (keywords ASCII
 * case-insensitive; operators hold no letters), 0 if none. */
uint8_t mw_php_op_id(const char *t, size_t len)
{
	pthread_once(&optab_once, optab_init);
	return mw_wordtab_get(&optab_words, t, len);
}

/* ---- folding ---- */

/* Binding strength of a binary operator item (PHP 8), 0 if none. */
static int prec(const struct item *it)
{
	return it->op ? mw_php_optab[it->op - 1].prec : 0;
}

static int opener(const struct item *it)
{
	if (it->kind == IT_TOK && (it->tk == MW_PT_OPEN || it->tk == MW_PT_OPEN_ECHO ||
				   it->tk == MW_PT_CLOSE || it->tk == MW_PT_HTML))
		return 1;
	return it->op && mw_php_optab[it->op - 1].opens;
}

/* May "a OP b" (OP of strength p, text op) fold, given the item before a
 * (left, may be NULL) and the lookahead (la, NULL at the end)? */
static int may_fold(const struct item *left, const struct item *la, int p, int op)
{
	int q;

	if (left && !opener(left)) {
		q = prec(left);
		if (q == 0 || q > p || (q == p && left->op != op))
			return 0;
	}
	if (!la)
		return 1;
	if (la->kind == IT_TOK && la->tk == MW_PT_CLOSE)
		return 1;
	if (OPIS(la, OP_RPAR) || OPIS(la, OP_RBRK) || OPIS(la, OP_RBRACE) || OPIS(la, OP_COMMA) ||
	    OPIS(la, OP_SEMI) || OPIS(la, OP_DARROW))
		return 1;
	q = prec(la);
	return q != 0 && q <= p && q != 19 && q != 20;
}

/* Budget check: may a fold produce extra bytes? */
int mw_php_room_for(struct mw_php_norm *n, size_t extra)
{
	if (extra > MW_PHP_MAX_LIT || n->vals.len + extra > MW_PHP_MAX_VALUES) {
		n->caps |= MW_PHP_CAP_VALUES;
		return 0;
	}
	return 1;
}

/* A new literal from a+b (bytes of the value arena): no copy when b
 * already follows a, one copy when a ends the arena. */
static int concat(struct mw_php_norm *n, size_t ao, size_t al, size_t bo, size_t bl,
		  size_t *ro)
{
	if (!mw_php_room_for(n, al + bl))
		return 0;
	if (ao + al == bo) {
		*ro = ao;
		return 1;
	}
	if (ao + al == n->vals.len) {
		if (mw_buf_reserve(&n->vals, bl))
			return 0;
		memmove(n->vals.data + n->vals.len, n->vals.data + bo, bl);
		n->vals.len += bl;
		n->vals.data[n->vals.len] = '\0';
		*ro = ao;
		return 1;
	}
	if (mw_buf_reserve(&n->vals, al + bl))
		return 0;
	*ro = n->vals.len;
	memmove(n->vals.data + n->vals.len, n->vals.data + ao, al);
	memmove(n->vals.data + n->vals.len + al, n->vals.data + bo, bl);
	n->vals.len += al + bl;
	n->vals.data[n->vals.len] = '\0';
	return 1;
}

/* The item is the variable $GLOBALS. */
static int is_globals(struct mw_php_norm *n, const struct item *it)
{
	size_t len;
	const char *t = item_text(n, it, &len);

	return len == 8 && memcmp(t, "$GLOBALS", 8) == 0;
}

static int valid_name(const char *s, size_t len, int ns)
{
	size_t i;

	if (len == 0 || len > VAR_NAME_MAX || !(is_word((unsigned char)s[0]) ||
						 (ns && s[0] == '\\')) ||
	    (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 1; i < len; i++)
		if (!is_word((unsigned char)s[i]) && !(ns && s[i] == '\\'))
			return 0;
	return 1;
}

static int parse_int(const char *s, size_t len, long *v)
{
	size_t i = 0;
	int base = 10, neg = 0, any = 0;
	long x = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	} else if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
		base = 2;
		i += 2;
	} else if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
		base = 8;
		i += 2;
	} else if (i + 1 < len && s[i] == '0') {
		base = 8;
	}
	for (; i < len; i++) {
		int c = (unsigned char)s[i], d;

		if (c == '_')
			continue;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		x = (x * base + d) & 0xffffff;
		any = 1;
	}
	*v = neg ? -x : x;
	return any;
}


static int not_call_context(const struct item *before)
{
	return !(OPIS(before, OP_ARROW) || OPIS(before, OP_NULLSAFE) || OPIS(before, OP_DCOLON) ||
		 OPIS(before, OP_K_FUNCTION) || OPIS(before, OP_K_NEW) ||
		 OPIS(before, OP_K_CONST) || OPIS(before, OP_K_FN));
}

/* The helpers php_strfold.c folds with (php_norm_int.h). */
int mw_php_fold_int(const char *s, size_t len, long *v)
{
	return parse_int(s, len, v);
}

int mw_php_fold_callable(const struct item *before)
{
	return not_call_context(before);
}

void mw_php_fold_replace(struct mw_php_norm *n, size_t k, size_t raw_off, size_t off, size_t len)
{
	struct item r;

	make_lit(&r, raw_off, off, len);
	replace_top(n, k, &r);
}

/* Replace the top k items with the variable "$" + vals[ao..ao+al) (a name
 * held or built as a literal: ${'_PO'.'ST'}, $$v), placed at raw_off. 1 if
 * done, 0 when the value arena is full. */
static int var_item(struct mw_php_norm *n, size_t ao, size_t al, size_t raw_off,
		    size_t k)
{
	struct item r;

	if (!mw_php_room_for(n, al + 1) || mw_buf_reserve(&n->vals, al + 1))
		return 0;
	memset(&r, 0, sizeof(r));
	r.kind = IT_TOK;
	r.tk = MW_PT_VAR;
	r.src = SRC_VAL;
	r.raw_off = raw_off;
	r.off = n->vals.len;
	r.len = al + 1;
	n->vals.data[n->vals.len] = '$';
	memmove(n->vals.data + n->vals.len + 1, n->vals.data + ao, al);
	n->vals.len += al + 1;
	n->vals.data[n->vals.len] = '\0';
	replace_top(n, k, &r);
	return 1;
}

/* Does the literal (a preg_replace() pattern) carry the e modifier? The
 * delimiter is its first byte; brackets close with their pair. */
static int pattern_has_e(const char *p, size_t len)
{
	char open, close;
	size_t i, end;

	while (len && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
		p++;
		len--;
	}
	if (len < 3)
		return 0;
	open = p[0];
	if (is_word((unsigned char)open) || open == '\\')
		return 0;
	close = open == '(' ? ')' : open == '[' ? ']' : open == '{' ? '}' :
		open == '<' ? '>' : open;
	for (end = 0, i = len - 1; i > 0; i--)
		if (p[i] == close) {
			end = i;
			break;
		}
	if (end == 0)
		return 0;
	for (i = end + 1; i < len; i++)
		if (p[i] == 'e')
			return 1;
	return 0;
}

/* The call name two items below an argument list opened at item lp, if the
 * list is a plain call's. */
static int call_named(struct mw_php_norm *n, const struct item *name,
		      const struct item *before, const char *want)
{
	size_t len, wl = strlen(want);
	const char *t;

	if (!name || name->kind != IT_TOK || name->tk != MW_PT_IDENT ||
	    (before && !not_call_context(before)))
		return 0;
	t = item_text(n, name, &len);
	if (len && t[0] == '\\') {
		t++;
		len--;
	}
	return len == wl && strncasecmp(t, want, wl) == 0;
}

/* The subscript of x[N] / x{N}: a number, or a literal (or a variable
 * holding one) that is one. */
static int index_of(struct mw_php_norm *n, const struct item *it, long *ix)
{
	size_t len, o, l;
	unsigned d;
	const uint8_t *c;
	const char *t;

	if (it->kind == IT_TOK && it->tk == MW_PT_NUMBER) {
		t = item_text(n, it, &len);
		return parse_int(t, len, ix);
	}
	return mw_php_value_of(n, it, &o, &l, &d, &c) && parse_int(n->vals.data + o, l, ix);
}

/* A subscript of the item after before, not of a property, a static
 * member or $$x. */
static int plain_subscript(const struct item *before)
{
	return !before || !(OPIS(before, OP_ARROW) || OPIS(before, OP_NULLSAFE) ||
			    OPIS(before, OP_DCOLON) ||
			    (before->kind == IT_TOK && before->tk == MW_PT_DOLLAR));
}

/* The lookahead writes what is before it (=, .=, ++ ...). */
static int writes(const struct item *la)
{
	return la && (mw_php_assign_op(la) || OPIS(la, OP_INC) || OPIS(la, OP_DEC));
}


/* A call whose first argument is a callback it calls: name is the item
 * before "(", before the one before name. */
static int callback_taker(struct mw_php_norm *n, const struct item *name,
			  const struct item *before)
{
	static const char *const takers[] = {
		"call_user_func", "call_user_func_array", "forward_static_call",
		"forward_static_call_array", "register_shutdown_function",
		"register_tick_function", "array_map", "ob_start", "set_error_handler",
		"set_exception_handler", "iterator_apply", "spl_autoload_register",
	};
	size_t i;

	for (i = 0; i < sizeof(takers) / sizeof(takers[0]); i++)
		if (call_named(n, name, before, takers[i]))
			return 1;
	return 0;
}

/* Item it (an argument that is run as code) as a literal layer made by fn:
 * a literal is marked, a variable holding one is replaced by it. 1 if the
 * stack changed. */
static int code_arg(struct mw_php_norm *n, struct item *it, enum mw_php_fn fn)
{
	size_t ao, al;
	unsigned ad;
	const uint8_t *ac;
	struct item r;

	if (it->kind == IT_LIT) {
		if (it->depth == 0) {
			it->depth = 1;
			it->chain[0] = (uint8_t)fn;
		}
		return 0;
	}
	if (!mw_php_value_of(n, it, &ao, &al, &ad, &ac))
		return 0;
	make_lit(&r, it->raw_off, ao, al);
	r.depth = 1;
	r.chain[0] = (uint8_t)fn;
	*it = r;
	return 1;
}

/* An operand of a string operator: a literal (or a variable holding one),
 * or a bare word with a lower-case letter (PHP < 8 reads an undefined
 * constant as its name; packers write 'ab'^CdE). The bare word's name is
 * copied to the value arena. before: the item before it (NULL: none). */
static int operand_of(struct mw_php_norm *n, const struct item *it, const struct item *before,
		      const struct item *op, size_t *off, size_t *len, unsigned *depth,
		      const uint8_t **chain)
{
	static const uint8_t none[MW_PHP_MAX_DEPTH];
	const char *t;
	size_t l, i;
	int lower = 0;

	if (mw_php_value_of(n, it, off, len, depth, chain))
		return 1;
	if (!it || it->kind != IT_TOK || it->tk != MW_PT_IDENT || it->op ||
	    (before && !not_call_context(before)) || OPIS(before, OP_K_INSTANCEOF))
		return 0;
	t = item_text(n, it, &l);
	if (l == 0 || l > VAR_NAME_MAX || !valid_name(t, l, 0))
		return 0;
	for (i = 0; i < l; i++)
		lower |= t[i] >= 'a' && t[i] <= 'z';
	/* an upper-case word may be a real constant (PHP_EOL), but not next
	 * to a string bit operator, and not in a file that already used one
	 * so ('AB'|CD, then EF.'g'): the packers' alphabet */
	if (!lower && (OPIS(op, OP_XOR) || OPIS(op, OP_OR) || OPIS(op, OP_AMP) || n->bitwords))
		lower = 1;
	if (!lower || (l == 4 && (strncasecmp(t, "true", 4) == 0 || strncasecmp(t, "null", 4) == 0)) ||
	    (l == 5 && strncasecmp(t, "false", 5) == 0) || !mw_php_room_for(n, l) ||
	    mw_buf_append(&n->vals, t, l))
		return 0;
	*off = n->vals.len - l;
	*len = l;
	*depth = 0;
	*chain = none;
	return 1;
}

/* A function name held in the value arena (vals[off..off+len)), as the
 * identifier of a call placed at raw_off. */
static void name_item(struct item *r, size_t raw_off, size_t off, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->kind = IT_TOK;
	r->tk = MW_PT_IDENT;
	r->src = SRC_VAL;
	r->lower = 1;
	r->raw_off = raw_off;
	r->off = off;
	r->len = len;
}

/* function name() { return L; } remembered as name -> L: the key is
 * "name(" lower-cased (function names ignore case) in the variable
 * table, where no variable name can collide with it. */
static struct var *fn_value(struct mw_php_norm *n, const struct item *name, int create)
{
	char key[VAR_NAME_MAX];
	size_t len, i;
	const char *t = item_text(n, name, &len);

	if (!len || len + 1 > VAR_NAME_MAX || !valid_name(t, len, 0))
		return NULL;
	for (i = 0; i < len; i++)
		key[i] = (char)mw_ascii_lower((unsigned char)t[i]);
	key[len] = '(';
	return mw_php_var_slot(n, key, len + 1, create);
}

/*
 * One reduction at the top of the stack with lookahead la (NULL: end).
 * Shapes (L: a literal, or a variable known to hold one):
 *   dec ( L )            decoder of a literal (php_decode.h), chr(N)
 *   pack ( 'H*' , L )    hex2bin
 *   ( L )                grouping, when not a call's argument list
 *   L [ N ]   L { N }    one byte of a literal
 *   substr(L, N, N) substr_replace(L, L, N, N) trim(L) str_repeat(L, N) ...
 *   L . L    L ^ L  L | L  L & L  ~L   when precedence allows (may_fold);
 *                        a bare word next to a literal is its name, two
 *                        bare words next to ^ | & are theirs
 *   $ { L }   $ $v  ${name}   variable variables with a name known
 *   preg_replace('/../e', L,   create_function(L, L)   L is code: a layer
 *   preg_replace($p,     $p holding an /e pattern: the pattern
 *   $v (  /  'name' (    call through a variable or string
 *   call_user_func('f' ,  f(   (the comma is dropped when it comes)
 *   function f ( ) { return L ; }   remembered; f ( ) is then L
 *   $v = L ;   $v .= L ; remember what $v holds
 * Returns 1 if something changed.
 */
int mw_php_reduce(struct mw_php_norm *n, const struct item *la)
{
	struct item *t1 = top(n, 1), *t2 = top(n, 2), *t3 = top(n, 3), *t4 = top(n, 4),
		    *t5 = top(n, 5), *t6 = top(n, 6);
	size_t ao, al, bo, bl, ro, len;
	unsigned ad, bd;
	const uint8_t *ac, *bc;
	const char *t;
	struct item r;
	struct var *v;

	if (!t1)
		return 0;
	/* code in an argument: preg_replace('/../e', L, ...) and
	 * create_function(L, L) are layers, like eval(L) */
	if (t5 && OPIS(la, OP_COMMA) && OPIS(t2, OP_COMMA) && OPIS(t4, OP_LPAR) &&
	    call_named(n, t5, t6, "preg_replace") &&
	    mw_php_value_of(n, t3, &ao, &al, &ad, &ac) && pattern_has_e(n->vals.data + ao, al))
		return code_arg(n, t1, MW_FN_PREG_E);
	if (t5 && OPIS(la, OP_RPAR) && OPIS(t2, OP_COMMA) && t3->kind == IT_LIT &&
	    OPIS(t4, OP_LPAR) && call_named(n, t5, t6, "create_function"))
		return code_arg(n, t1, MW_FN_LAMBDA);
	/* function f() { return L; } is remembered; f() is then L */
	if (t6 && OPIS(la, OP_RBRACE) && n->nst >= 8 && OPIS(t1, OP_SEMI) && t2->kind == IT_LIT &&
	    OPIS(t3, OP_K_RETURN) && OPIS(t4, OP_LBRACE) && OPIS(t5, OP_RPAR) &&
	    OPIS(t6, OP_LPAR) && top(n, 7)->kind == IT_TOK && top(n, 7)->tk == MW_PT_IDENT &&
	    !top(n, 7)->op && OPIS(top(n, 8), OP_K_FUNCTION) &&
	    (v = fn_value(n, top(n, 7), 1)) != NULL) {
		v->known = 1;
		v->forget = v->pending = 0;
		v->off = t2->off;
		v->len = t2->len;
		return 0;	/* nothing on the stack changed */
	}
	if (t2 && OPIS(la, OP_RPAR) && OPIS(t1, OP_LPAR) && t2->kind == IT_TOK &&
	    t2->tk == MW_PT_IDENT && !t2->op && (!t3 || not_call_context(t3)) &&
	    (v = fn_value(n, t2, 0)) != NULL && v->known) {
		make_lit(&r, t2->raw_off, v->off, v->len);
		replace_top(n, 2, &r);
		n->drop = OP_RPAR;
		return 1;
	}
	/* call_user_func('name', a, b) is name(a, b): the call is rewritten
	 * and the comma that follows the name is dropped when it arrives */
	if (t3 && (OPIS(la, OP_RPAR) || OPIS(la, OP_COMMA)) && OPIS(t2, OP_LPAR) &&
	    t1->kind == IT_LIT && t1->depth == 0 &&
	    (call_named(n, t3, t4, "call_user_func") ||
	     call_named(n, t3, t4, "forward_static_call")) &&
	    valid_name(n->vals.data + t1->off, t1->len, 1)) {
		struct item paren = *t2;

		name_item(&r, t1->raw_off, t1->off, t1->len);
		replace_top(n, 3, &r);
		n->st[n->nst++] = paren;	/* three items became two */
		n->drop = OPIS(la, OP_COMMA) ? OP_COMMA : 0;
		return 1;
	}
	/* a callback argument held by a variable ($cb = 'system'; ob_start($cb))
	 * is the function it names */
	if (t3 && (OPIS(la, OP_RPAR) || OPIS(la, OP_COMMA)) && OPIS(t2, OP_LPAR) &&
	    t1->kind == IT_TOK && t1->tk == MW_PT_VAR && callback_taker(n, t3, t4) &&
	    mw_php_value_of(n, t1, &ao, &al, &ad, &ac) && valid_name(n->vals.data + ao, al, 1)) {
		make_lit(&r, t1->raw_off, ao, al);
		replace_top(n, 1, &r);
		return 1;
	}
	/* preg_replace($p, ...) with $p holding an /e pattern: the pattern,
	 * so the replacement is seen as code */
	if (t3 && OPIS(la, OP_COMMA) && OPIS(t2, OP_LPAR) && t1->kind == IT_TOK &&
	    t1->tk == MW_PT_VAR && call_named(n, t3, t4, "preg_replace") &&
	    mw_php_value_of(n, t1, &ao, &al, &ad, &ac) && pattern_has_e(n->vals.data + ao, al)) {
		make_lit(&r, t1->raw_off, ao, al);
		replace_top(n, 1, &r);
		return 1;
	}
	/* getenv($v) with $v holding a literal: the variable the request
	 * header it names comes from (getenv('HTTP_X') is header X) */
	if (t3 && OPIS(la, OP_RPAR) && OPIS(t2, OP_LPAR) && t1->kind == IT_TOK &&
	    t1->tk == MW_PT_VAR && call_named(n, t3, t4, "getenv") &&
	    mw_php_value_of(n, t1, &ao, &al, &ad, &ac)) {
		make_lit(&r, t1->raw_off, ao, al);
		replace_top(n, 1, &r);
		return 1;
	}
	/* calls and groups closed by ")" */
	if (t4 && OPIS(t1, OP_RPAR) && OPIS(t3, OP_LPAR) && t4->kind == IT_TOK &&
	    t4->tk == MW_PT_IDENT && (!t5 || not_call_context(t5))) {
		t = item_text(n, t4, &len);
		if (len == 3 && mw_ascii_lower((unsigned char)t[0]) == 'c' &&
		    mw_ascii_lower((unsigned char)t[1]) == 'h' &&
		    mw_ascii_lower((unsigned char)t[2]) == 'r')
			return mw_php_fold_chr(n, t4, t2);
		/* eval('...') of a literal is code: a layer of its own (its
		 * bytes may be folded from pieces or escaped, or hold a packed
		 * call behind escaped quotes) */
		if ((len == 4 && strncasecmp(t, "eval", 4) == 0) ||
		    (len == 6 && strncasecmp(t, "assert", 6) == 0))
			return code_arg(n, t2, MW_FN_EVAL);
		{
			enum mw_php_fn fn = mw_php_fn_lookup(t, len);

			if (fn != MW_FN_NONE && fn != MW_FN_PACK_H && fn != MW_FN_STR_REPLACE &&
			    fn != MW_FN_STRTR)
				return mw_php_fold_decoder(n, fn, t4, t2, 4);
		}
	}
	if (OPIS(t1, OP_RPAR) && mw_php_fold_strfn(n))
		return 1;
	if (n->nst >= 8 && OPIS(t1, OP_RPAR) && OPIS(t3, OP_COMMA) && OPIS(t5, OP_COMMA) &&
	    OPIS(top(n, 7), OP_LPAR) && top(n, 8)->kind == IT_TOK &&
	    top(n, 8)->tk == MW_PT_IDENT && (!top(n, 9) || not_call_context(top(n, 9)))) {
		enum mw_php_fn fn;

		t = item_text(n, top(n, 8), &len);
		fn = mw_php_fn_lookup(t, len);
		if ((fn == MW_FN_STR_REPLACE || fn == MW_FN_STRTR) &&
		    n->decoded < n->budget &&
		    mw_php_fold_call3(n, fn, top(n, 8), top(n, 6), t4, t2))
			return 1;
	}
	if (t6 && OPIS(t1, OP_RPAR) && OPIS(t3, OP_COMMA) && OPIS(t5, OP_LPAR) &&
	    OPIS(t6, OP_K_PACK) && t4->kind == IT_LIT && t4->len == 2 &&
	    memcmp(n->vals.data + t4->off, "H*", 2) == 0 &&
	    (!top(n, 7) || not_call_context(top(n, 7))))
		return mw_php_fold_decoder(n, MW_FN_PACK_H, t6, t2, 6);
	if (t3 && OPIS(t1, OP_RPAR) && t2->kind == IT_LIT && OPIS(t3, OP_LPAR) &&
	    (!t4 || (t4->kind == IT_TOK && t4->tk != MW_PT_IDENT && t4->tk != MW_PT_VAR &&
		     t4->tk != MW_PT_DOLLAR && !OPIS(t4, OP_RPAR) && !OPIS(t4, OP_RBRK) &&
		     !OPIS(t4, OP_RBRACE)))) {
		r = *t2;
		r.raw_off = t3->raw_off;
		replace_top(n, 3, &r);
		return 1;
	}
	/* $a[N] of an array of literals: that element; a write forgets it */
	if (t4 && OPIS(t1, OP_RBRK) && OPIS(t3, OP_LBRK) && (v = mw_php_var_of(n, t4, 0)) != NULL &&
	    v->arr && !v->known && plain_subscript(t5)) {
		const struct arr *a = &n->arrays[v->arr - 1];
		long ix;

		if (writes(la)) {
			v->arr = 0;
			return 0;
		}
		if (!index_of(n, t2, &ix) || ix < 0 || (size_t)ix >= a->n)
			return 0;
		make_lit(&r, t4->raw_off, a->off[ix], a->len[ix]);
		replace_top(n, 4, &r);
		return 1;
	}
	/* L[N] and L{N}: one byte of a literal (names picked from a
	 * scrambled alphabet); a write to it forgets what $v held */
	if (t4 && ((OPIS(t1, OP_RBRK) && OPIS(t3, OP_LBRK)) ||
		   (OPIS(t1, OP_RBRACE) && OPIS(t3, OP_LBRACE))) &&
	    plain_subscript(t5) && mw_php_value_of(n, t4, &ao, &al, &ad, &ac)) {
		long ix;

		if (writes(la)) {
			if ((v = mw_php_var_of(n, t4, 0)) != NULL)
				v->known = v->pending = 0;
			return 0;
		}
		if (!index_of(n, t2, &ix) || ix < 0 || (size_t)ix >= al || !mw_php_room_for(n, 1) ||
		    mw_buf_reserve(&n->vals, 1))
			return 0;
		n->vals.data[n->vals.len] = n->vals.data[ao + (size_t)ix];
		make_lit(&r, t4->raw_off, n->vals.len, 1);
		n->vals.len++;
		n->vals.data[n->vals.len] = '\0';
		replace_top(n, 4, &r);
		return 1;
	}
	/* ~L: every byte inverted (~word too: its name) */
	if (t2 && OPIS(t2, OP_TILDE) && (!t3 || opener(t3) || prec(t3)) &&
	    !(la && (OPIS(la, OP_LBRK) || OPIS(la, OP_LBRACE) || OPIS(la, OP_LPAR) ||
		     OPIS(la, OP_DCOLON))) &&
	    (t1->kind == IT_LIT || operand_of(n, t1, t2, t2, &ao, &al, &ad, &ac))) {
		size_t i;

		if (t1->kind == IT_LIT) {
			ao = t1->off;
			al = t1->len;
		}
		if (!mw_php_room_for(n, al) || mw_buf_reserve(&n->vals, al))
			return 0;
		for (i = 0; i < al; i++)
			n->vals.data[n->vals.len + i] = (char)~n->vals.data[ao + i];
		n->bitwords = 1;
		make_lit(&r, t2->raw_off, n->vals.len, al);
		n->vals.len += al;
		n->vals.data[n->vals.len] = '\0';
		replace_top(n, 2, &r);
		return 1;
	}
	/* L . L, and L ^ L, L | L, L & L byte by byte; a bare word may stand
	 * for its name next to a literal */
	if (t3 && (OPIS(t2, OP_DOT) || OPIS(t2, OP_XOR) || OPIS(t2, OP_OR) || OPIS(t2, OP_AMP)) &&
	    may_fold(t4, la, prec(t2), t2->op) &&
	    ((mw_php_value_of(n, t3, &ao, &al, &ad, &ac) &&
	      operand_of(n, t1, t2, t2, &bo, &bl, &bd, &bc)) ||
	     (t1->kind == IT_LIT && operand_of(n, t3, t4, t2, &ao, &al, &ad, &ac) &&
	      mw_php_value_of(n, t1, &bo, &bl, &bd, &bc)) ||
	     /* two bare words (g4&cu, H|i): only next to a bit operator,
	      * where two constants would make a number nobody prints */
	     (!OPIS(t2, OP_DOT) && t1->kind == IT_TOK && t3->kind == IT_TOK &&
	      operand_of(n, t3, t4, t2, &ao, &al, &ad, &ac) &&
	      operand_of(n, t1, t2, t2, &bo, &bl, &bd, &bc)))) {
		if (OPIS(t2, OP_DOT)) {
			if (!concat(n, ao, al, bo, bl, &ro))
				return 0;
			make_lit(&r, t3->raw_off, ro, al + bl);
		} else {
			size_t m = al < bl ? al : bl, big = al > bl ? al : bl, i;
			size_t out = OPIS(t2, OP_OR) ? big : m;

			if (!mw_php_room_for(n, out) || mw_buf_reserve(&n->vals, out))
				return 0;
			for (i = 0; i < m; i++) {
				unsigned char x = (unsigned char)n->vals.data[ao + i],
					      y = (unsigned char)n->vals.data[bo + i];

				n->vals.data[n->vals.len + i] = (char)(OPIS(t2, OP_XOR) ? x ^ y :
								       OPIS(t2, OP_OR) ? x | y : x & y);
			}
			for (; i < out; i++)	/* |: the longer one's tail */
				n->vals.data[n->vals.len + i] = n->vals.data[(al > bl ? ao : bo) + i];
			n->bitwords = 1;
			make_lit(&r, t3->raw_off, n->vals.len, out);
			n->vals.len += out;
			n->vals.data[n->vals.len] = '\0';
		}
		r.depth = (uint8_t)(ad > bd ? ad : bd);
		memcpy(r.chain, ad > bd ? ac : bc, sizeof(r.chain));
		replace_top(n, 3, &r);
		return 1;
	}
	/* $GLOBALS['x'] is the global $x ($GLOBALS['_POST'] is $_POST) */
	if (t4 && OPIS(t1, OP_RBRK) && OPIS(t3, OP_LBRK) && t4->kind == IT_TOK &&
	    t4->tk == MW_PT_VAR && is_globals(n, t4) &&
	    mw_php_value_of(n, t2, &ao, &al, &ad, &ac) && valid_name(n->vals.data + ao, al, 0) &&
	    plain_subscript(t5)) {
		bo = t4->raw_off;
		goto make_var;
	}
	/* ${L} and $$v */
	if (t4 && OPIS(t1, OP_RBRACE) && OPIS(t3, OP_LBRACE) &&
	    t4->kind == IT_TOK && t4->tk == MW_PT_DOLLAR &&
	    mw_php_value_of(n, t2, &ao, &al, &ad, &ac) && valid_name(n->vals.data + ao, al, 0)) {
		bo = t4->raw_off;
		goto make_var;
	}
	/* ${name}: a bare word in the braces is the variable's name */
	if (t4 && OPIS(t1, OP_RBRACE) && OPIS(t3, OP_LBRACE) &&
	    t4->kind == IT_TOK && t4->tk == MW_PT_DOLLAR && t2->kind == IT_TOK &&
	    t2->tk == MW_PT_IDENT && !t2->op) {
		const char *w = item_text(n, t2, &len);

		if (len && len <= VAR_NAME_MAX && valid_name(w, len, 0) &&
		    mw_php_room_for(n, len) && !mw_buf_append(&n->vals, w, len)) {
			ao = n->vals.len - len;
			al = len;
			bo = t4->raw_off;
			goto make_var;
		}
	}
	if (t2 && t2->kind == IT_TOK && t2->tk == MW_PT_DOLLAR && t1->tk == MW_PT_VAR &&
	    t1->kind == IT_TOK && (v = mw_php_var_of(n, t1, 0)) && v->known &&
	    valid_name(n->vals.data + v->off, v->len, 0)) {
		return var_item(n, v->off, v->len, t2->raw_off, 2);
	}
	/* a call through a variable or a string holding a function name */
	if (la && OPIS(la, OP_LPAR) && (!t2 || not_call_context(t2)) &&
	    ((t1->kind == IT_TOK && t1->tk == MW_PT_VAR && (!t2 || !(t2->kind == IT_TOK &&
							       t2->tk == MW_PT_DOLLAR))) ||
	     (t1->kind == IT_LIT && (!t2 || opener(t2) || prec(t2) || OPIS(t2, OP_SEMI) ||
				     OPIS(t2, OP_LBRACE) || OPIS(t2, OP_RBRACE)))) &&
	    mw_php_value_of(n, t1, &ao, &al, &ad, &ac) &&
	    valid_name(n->vals.data + ao, al, 1)) {
		name_item(&r, t1->raw_off, ao, al);
		replace_top(n, 1, &r);
		return 1;
	}
	/* remember $v = array(L, L, ...); and $v = [L, ...]; */
	if (la && (OPIS(la, OP_SEMI) || (la->kind == IT_TOK && la->tk == MW_PT_CLOSE)) &&
	    (OPIS(t1, OP_RPAR) || OPIS(t1, OP_RBRK)))
		return mw_php_remember_array(n);
	/* remember $v = L; and $v .= L; */
	if (t3 && la && (OPIS(la, OP_SEMI) || (la->kind == IT_TOK && la->tk == MW_PT_CLOSE)) &&
	    t1->kind == IT_LIT && (OPIS(t2, OP_ASSIGN) || OPIS(t2, OP_CATASSIGN)) &&
	    (!t4 || OPIS(t4, OP_SEMI) || OPIS(t4, OP_LBRACE) || OPIS(t4, OP_RBRACE) ||
	     OPIS(t4, OP_AT) ||
	     (t4->kind == IT_TOK && (t4->tk == MW_PT_OPEN || t4->tk == MW_PT_CLOSE ||
				     t4->tk == MW_PT_HTML))) &&
	    (v = mw_php_var_of(n, t3, 1)) != NULL) {
		if (OPIS(t2, OP_ASSIGN)) {
			v->known = 1;
			v->forget = 0;
			v->off = t1->off;
			v->len = t1->len;
		} else if (v->pending && concat(n, v->off, v->len, t1->off, t1->len, &ro)) {
			v->len += t1->len;
			v->off = ro;
			v->known = 1;
		}
		v->pending = 0;
		return 0;	/* nothing on the stack changed */
	}
	return 0;
make_var:
	return var_item(n, ao, al, bo, 4);
}

