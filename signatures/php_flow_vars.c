/*
 * The data-flow pass's variables, scopes, request sources and function
 * summaries (php_flow_int.h).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "signatures/php_flow_int.h"
#include "signatures/php_lex.h"

/* ---- variables ---- */

static struct var_ent *var_find(struct mw_php_flow *f, const char *name,
				size_t len, int create)
{
	uint32_t h = (mw_fnv1a(name, len) ^ f->scope) * 16777619u, k;

	for (k = 0; k < VAR_SLOTS; k++) {
		struct var_ent *e = &f->vars[(h + k) % VAR_SLOTS];

		if (e->gen != f->gen) {
			if (!create)
				return NULL;
			if (f->nvars == MW_FLOW_MAX_VARS) {
				f->bounded = 1;
				return NULL;
			}
			f->nvars++;
			e->gen = f->gen;
			e->off = (uint32_t)(name - f->v);
			e->len = (uint32_t)len;
			e->scope = f->scope;
			e->bits = 0;
			e->read = 0;
			return e;
		}
		if (e->scope == f->scope && e->len == len &&
		    memcmp(f->v + e->off, name, len) == 0)
			return e;
	}
	return NULL;
}

/* The filter of names read before they had an entry in their scope
 * (php_flow_int.h). */
static void note_read_miss(struct mw_php_flow *f, const char *name, size_t len)
{
	uint32_t h = ((mw_fnv1a(name, len) ^ f->scope) * 16777619u) % 1024u;

	f->read_miss[h / 64] |= 1ull << (h % 64);
}

static int read_missed(const struct mw_php_flow *f, const char *name, size_t len)
{
	uint32_t h = ((mw_fnv1a(name, len) ^ f->scope) * 16777619u) % 1024u;

	return (f->read_miss[h / 64] >> (h % 64)) & 1u;
}

void mw_flow_vars_reset(struct mw_php_flow *f)
{
	if (++f->gen == 0) {
		memset(f->vars, 0, sizeof(f->vars));
		f->gen = 1;
	}
	f->nvars = 0;
	memset(f->read_miss, 0, sizeof(f->read_miss));
	f->late = 0;
	f->extracted = 0;
	f->scope = 0;
	f->nscopes = 0;
	f->nscope_stack = 0;
}

/* A named function's body starts after token i ("function"): its
 * variables are its own until the mw_flow_closing brace. Closures keep the
 * enclosing scope (they see it through "use"). */
void mw_flow_scope_enter(struct mw_php_flow *f, size_t i)
{
	size_t name = i + 1, k;

	if (mw_flow_is_op(f, name, "&"))
		name++;
	if (name >= f->ntok || f->tok[name].kind != MW_PT_IDENT || !mw_flow_is_op(f, name + 1, "(") ||
	    f->nscope_stack == 8)
		return;
	k = mw_flow_closing(f, name + 1);
	for (k++; k < f->ntok && k < name + 40 && !mw_flow_is_op(f, k, "{") && !mw_flow_is_op(f, k, ";"); k++)
		;
	if (!mw_flow_is_op(f, k, "{"))
		return;
	f->scope_prev[f->nscope_stack] = f->scope;
	f->scope_end[f->nscope_stack] = (uint32_t)mw_flow_closing(f, k);
	f->nscope_stack++;
	f->scope = ++f->nscopes;
}

void mw_flow_scope_leave(struct mw_php_flow *f, size_t i)
{
	while (f->nscope_stack && i >= f->scope_end[f->nscope_stack - 1])
		f->scope = f->scope_prev[--f->nscope_stack];
}

uint16_t mw_flow_superglobal(const char *t, size_t l)
{
#define SG(s, b) { s, sizeof(s) - 1, b }
	static const struct { const char *n; size_t len; uint16_t b; } sg[] = {
		SG("$_POST", S_POST), SG("$_GET", S_GET), SG("$_REQUEST", S_REQUEST),
		SG("$_COOKIE", S_COOKIE), SG("$_FILES", S_FILES),
		SG("$HTTP_POST_VARS", S_POST), SG("$HTTP_GET_VARS", S_GET),
		SG("$HTTP_COOKIE_VARS", S_COOKIE), SG("$HTTP_POST_FILES", S_FILES),
	};
#undef SG
	size_t i;

	if (l < 5 || (t[1] != '_' && t[1] != 'H'))
		return 0;
	for (i = 0; i < sizeof(sg) / sizeof(sg[0]); i++)
		if (sg[i].len == l && memcmp(sg[i].n, t, l) == 0)
			return sg[i].b;
	return 0;
}

/* register_globals: at file level, $cmd read before any assignment in a
 * file that reads $_GET['cmd'] is that request value. */
static uint16_t register_global(const struct mw_php_flow *f, const char *name, size_t len)
{
	unsigned k;

	for (k = 0; k < f->nkeys; k++)
		if (f->keys[k].len == len && memcmp(f->v + f->keys[k].off, name, len) == 0)
			return f->keys[k].bits;
	return 0;
}

/* Remember the key of $_GET['key'] (tokens at i, i+1, i+2). */
void mw_flow_note_key(struct mw_php_flow *f, size_t i)
{
	size_t l, kl;
	const char *t = mw_flow_txt(f, i, &l), *k;
	uint16_t b = mw_flow_superglobal(t, l);

	if (!b || b == S_FILES || !mw_flow_is_op(f, i + 1, "[") || i + 2 >= f->ntok ||
	    f->tok[i + 2].kind != MW_PT_STRING || f->nkeys == 64)
		return;
	k = mw_flow_txt(f, i + 2, &kl);
	if (kl < 3 || kl > 66)
		return;
	f->keys[f->nkeys].off = (uint32_t)(k + 1 - f->v);
	f->keys[f->nkeys].len = (uint32_t)(kl - 2);
	f->keys[f->nkeys].bits = b;
	f->nkeys++;
}

/* register_globals through a form: the file asks the browser for the
 * field (<input name="cmd">) in the bytes [p, p+len) of inline HTML or a
 * string; at file level $cmd read before any assignment is then that
 * request value. */
void mw_flow_note_form_keys(struct mw_php_flow *f, const char *p, size_t len)
{
	const char *end = p + len, *q = p;

	while (f->nkeys < 64 && q + 6 < end) {
		const char *n = NULL, *s;
		size_t kl;
		unsigned k;

		if ((q[0] | 0x20) == 'n' && (q[1] | 0x20) == 'a' && (q[2] | 0x20) == 'm' &&
		    (q[3] | 0x20) == 'e' && q[4] == '=' && q > p &&
		    (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n')) {
			n = q + 5;	/* name="cmd" name=\'cmd\' name=cmd */
			while (n < end && (*n == '"' || *n == '\'' || *n == '\\'))
				n++;
		}
		q++;
		if (!n)
			continue;
		for (s = n; s < end && s - n <= 64 && mw_flow_name_byte((unsigned char)*s); s++)
			;
		kl = (size_t)(s - n);
		if (kl < 2 || kl > 64)
			continue;
		for (k = 0; k < f->nkeys; k++)
			if (f->keys[k].len == kl && memcmp(f->v + f->keys[k].off, n, kl) == 0)
				break;
		if (k < f->nkeys)
			continue;
		f->keys[f->nkeys].off = (uint32_t)(n - f->v);
		f->keys[f->nkeys].len = (uint32_t)kl;
		f->keys[f->nkeys].bits = S_REQUEST;
		f->nkeys++;
	}
}

/* Taint of the variable token at i ($_SERVER only for the request's own
 * headers, URI and query string). */
uint16_t mw_flow_var_bits(struct mw_php_flow *f, size_t i)
{
	size_t l, sl;
	const char *t = mw_flow_txt(f, i, &l), *s;
	uint16_t b = mw_flow_superglobal(t, l);
	struct var_ent *e;

	if (b)
		return b;
	if (l == 8 && memcmp(t, "$_SERVER", 8) == 0) {
		if (mw_flow_is_op(f, i + 1, "[") && i + 2 < f->ntok && f->tok[i + 2].kind == MW_PT_STRING) {
			s = mw_flow_txt(f, i + 2, &sl);
			if ((sl > 6 && memcmp(s + 1, "HTTP_", 5) == 0) ||
			    (sl > 12 && memcmp(s + 1, "QUERY_STRING", 12) == 0) ||
			    (sl > 11 && memcmp(s + 1, "REQUEST_URI", 11) == 0))
				return S_HEADER;
			return 0;
		}
		return S_HEADER;	/* the whole array holds the headers */
	}
	e = var_find(f, t, l, 0);
	if (e) {
		e->read = 1;
		return e->bits;
	}
	note_read_miss(f, t, l);
	return f->extracted | (f->scope ? 0 : register_global(f, t + 1, l - 1));
}

/* Whether the variable at i was read (see struct var_ent), and set it:
 * the right-hand side of "$out .= ..." reads $out itself, which is no
 * use above the assignment. */
int mw_flow_var_read_swap(struct mw_php_flow *f, size_t i, int read)
{
	size_t l;
	const char *t = mw_flow_txt(f, i, &l);
	struct var_ent *e = var_find(f, t, l, 0);
	int was;

	if (!e)
		return 0;
	was = e->read;
	e->read = (uint8_t)read;
	return was;
}

void mw_flow_var_taint(struct mw_php_flow *f, size_t i, uint16_t bits)
{
	size_t l;
	const char *t = mw_flow_txt(f, i, &l);
	struct var_ent *e;

	if (mw_flow_superglobal(t, l))
		return;
	e = var_find(f, t, l, 1);	/* also untainted: it is assigned */
	if (!e)
		return;
	/* new taint for a name read before: a use above this assignment
	 * (a loop, a session slot) may see it on a second walk */
	if ((bits & S_REAL & (uint16_t)~e->bits) && (e->read || read_missed(f, t, l)))
		f->late = 1;
	e->bits |= bits;
	e->read = 0;
}

int mw_flow_name_byte(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* $name and {$name inside an interpolated string. */
uint16_t mw_flow_string_bits(struct mw_php_flow *f, size_t i)
{
	size_t l, k = 0, n;
	const char *t = mw_flow_txt(f, i, &l);
	uint16_t b = 0;
	struct var_ent *e;

	while (k < l && mw_flow_spend(f)) {
		if (t[k] != '$' || (k && t[k - 1] == '\\')) {
			k++;
			continue;
		}
		for (n = 1; k + n < l && mw_flow_name_byte((unsigned char)t[k + n]); n++)
			;
		if (n > 1) {
			b |= mw_flow_superglobal(t + k, n);
			if (n == 8 && memcmp(t + k, "$_SERVER", 8) == 0 && k + n + 6 < l &&
			    memmem(t + k + n, l - k - n < 24 ? l - k - n : 24, "HTTP_", 5))
				b |= S_HEADER;
			/* the string's bytes are in the view: a table key */
			if ((e = var_find(f, t + k, n, 0)) != NULL) {
				b |= e->bits;
				e->read = 1;
			} else {
				note_read_miss(f, t + k, n);
				if (!mw_flow_superglobal(t + k, n))
					b |= f->extracted |
					     (f->scope ? 0 : register_global(f, t + k + 1, n - 1));
			}
		}
		k += n;
	}
	return b;
}

/* ---- functions ---- */

/* PHP function names are caseless. */
static uint32_t hash_name(const char *p, size_t n)
{
	return mw_fnv1a_lower(p, n);
}

static int name_eq(const char *a, const char *b, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++)
		if (mw_ascii_lower((unsigned char)a[j]) != mw_ascii_lower((unsigned char)b[j]))
			return 0;
	return 1;
}

/* The summarised function called name, or NULL; *slot receives the free
 * slot where it would go (-1: table full). */
static struct func *func_lookup(struct mw_php_flow *f, const char *name, size_t len,
				long *slot)
{
	uint32_t h = hash_name(name, len), k;

	*slot = -1;
	for (k = 0; k < FUNC_SLOTS; k++) {
		uint32_t at = (h + k) % FUNC_SLOTS;
		int32_t x = f->fslot[at];

		if (x < 0) {
			*slot = (long)at;
			return NULL;
		}
		if (f->funcs[x].name_len == len && name_eq(f->v + f->funcs[x].name_off, name, len))
			return &f->funcs[x];
	}
	return NULL;
}

void mw_flow_func_add(struct mw_php_flow *f, size_t i)
{
	size_t name = i + 1, k, close, body;
	struct func *fn;
	long slot;

	if (mw_flow_is_op(f, name, "&"))
		name++;
	if (name >= f->ntok || f->tok[name].kind != MW_PT_IDENT || !mw_flow_is_op(f, name + 1, "("))
		return;		/* a closure: analysed in place */
	if (f->nfuncs == MW_FLOW_MAX_FUNCS) {
		f->bounded = 1;
		return;
	}
	fn = &f->funcs[f->nfuncs];
	memset(fn, 0, sizeof(*fn));
	fn->name_off = f->tok[name].start;
	fn->name_len = f->tok[name].len;
	close = mw_flow_closing(f, name + 1);
	for (k = name + 2; k < close; k++)
		if (f->tok[k].kind == MW_PT_VAR && (mw_flow_is_op(f, k - 1, "(") || mw_flow_is_op(f, k - 1, ",") ||
		    mw_flow_is_op(f, k - 1, "&") || mw_flow_is_op(f, k - 1, "...") || f->tok[k - 1].kind == MW_PT_IDENT)) {
			if (fn->nparams < MW_FLOW_MAX_PARAMS)
				fn->param[fn->nparams++] = (uint32_t)k;
		}
	for (body = close + 1; body < f->ntok && !mw_flow_is_op(f, body, "{") && !mw_flow_is_op(f, body, ";") &&
	     body < close + 16; body++)
		;
	if (!mw_flow_is_op(f, body, "{"))
		return;		/* abstract or interface method */
	fn->body = (uint32_t)body;
	fn->end = (uint32_t)mw_flow_closing(f, body);
	/* methods of the same name in several classes: the first one */
	if (!func_lookup(f, f->v + fn->name_off, fn->name_len, &slot) && slot >= 0)
		f->fslot[slot] = (int32_t)f->nfuncs++;
}

struct func *mw_flow_func_at(struct mw_php_flow *f, size_t i)
{
	size_t l;
	const char *t = mw_flow_txt(f, i, &l);
	long slot;

	return func_lookup(f, t, l, &slot);
}
