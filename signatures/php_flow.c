/*
 * Taint pass over the normalised view; see php_flow.h for the contract and
 * signatures/README.md ("Data-flow facts") for what rules see.
 *
 * The view is lexed once into a token array (whitespace, comments and
 * inline HTML dropped). Function definitions are summarised first: each
 * body is analysed with its parameters marked as pseudo-sources, and what
 * they reach (a sink and its argument position, or the return value) is
 * kept, for up to MW_FLOW_ROUNDS rounds so that wrappers of wrappers are
 * seen. Then the whole file is analysed once with real sources, and every
 * sink call (or call of a summarised wrapper) whose arguments carry a real
 * source becomes a fact. Every token visit is counted against a budget.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "signatures/php_flow.h"
#include "signatures/php_lex.h"
#include "signatures/wordtab.h"

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
static const struct cbfunc {
	const char *name;
	uint8_t cb, data;
} cbfuncs[] = {
	{ "call_user_func", 0, 1 }, { "call_user_func_array", 0, 1 },
	{ "forward_static_call", 0, 1 }, { "forward_static_call_array", 0, 1 },
	{ "register_shutdown_function", 0, 1 }, { "register_tick_function", 0, 1 },
	{ "array_map", 0, 1 }, { "array_filter", 1, 0 }, { "array_walk", 1, 0 },
	{ "array_walk_recursive", 1, 0 }, { "array_reduce", 1, 0 },
	{ "usort", 1, 0 }, { "uasort", 1, 0 }, { "uksort", 1, 0 },
	{ "iterator_apply", 1, 0 }, { "preg_replace_callback", 1, 2 },
	{ "ob_start", 0, 1 }, { "set_error_handler", 0, 1 },
};
#define NCBFUNCS (sizeof(cbfuncs) / sizeof(cbfuncs[0]))

struct ftok {
	uint8_t kind;		/* enum mw_php_tok */
	uint8_t flags;
	uint8_t id;		/* names: what word_id() says */
	uint32_t start, len;
};

enum sink_class { SK_CODE, SK_CMD, SK_MAIL, SK_FILE, SK_NET };

static const struct sink {
	const char *name;
	uint8_t nargs;		/* argument positions shown in the fact */
	uint8_t cls;
} sinks[] = {
	{ "eval", 1, SK_CODE }, { "assert", 1, SK_CODE },
	{ "create_function", 2, SK_CODE }, { "include", 1, SK_CODE },
	{ "include_once", 1, SK_CODE }, { "require", 1, SK_CODE },
	{ "require_once", 1, SK_CODE },
	{ "preg_replace", 2, SK_CODE }, { "preg_replace_e", 2, SK_CODE },
	{ "system", 1, SK_CMD }, { "exec", 1, SK_CMD }, { "shell_exec", 1, SK_CMD },
	{ "passthru", 1, SK_CMD }, { "popen", 1, SK_CMD }, { "proc_open", 1, SK_CMD },
	{ "pcntl_exec", 1, SK_CMD },
	{ "mail", 5, SK_MAIL }, { "mb_send_mail", 5, SK_MAIL },
	{ "file_put_contents", 2, SK_FILE }, { "fwrite", 2, SK_FILE },
	{ "fputs", 2, SK_FILE }, { "move_uploaded_file", 2, SK_FILE },
	{ "copy", 2, SK_FILE }, { "rename", 2, SK_FILE }, { "unlink", 1, SK_FILE },
	{ "rmdir", 1, SK_FILE }, { "mkdir", 1, SK_FILE }, { "chmod", 2, SK_FILE },
	{ "touch", 1, SK_FILE }, { "readfile", 1, SK_FILE }, { "fopen", 1, SK_FILE },
	{ "scandir", 1, SK_FILE }, { "opendir", 1, SK_FILE },
	{ "highlight_file", 1, SK_FILE }, { "show_source", 1, SK_FILE },
	{ "file_get_contents", 1, SK_FILE },
	{ "fsockopen", 2, SK_NET }, { "pfsockopen", 2, SK_NET },
	{ "stream_socket_client", 1, SK_NET },
};
#define NSINKS (sizeof(sinks) / sizeof(sinks[0]))


/* Calls whose result is harmless whatever their argument: numbers,
 * booleans, hashes, escaping for the shell. Their arguments carry no
 * taint. */
static const char *const sanitisers[] = {
	"intval", "floatval", "boolval", "abs", "absint", "count", "sizeof",
	"strlen", "mb_strlen", "isset", "empty", "is_numeric", "is_array",
	"is_string", "is_int", "is_file", "is_dir", "file_exists", "in_array",
	"array_key_exists", "preg_match", "preg_match_all", "md5", "sha1",
	"crc32", "hash", "password_hash", "password_verify", "escapeshellarg",
	"escapeshellcmd", "htmlspecialchars", "htmlentities", "strip_tags",
	"esc_html", "esc_attr", "esc_url", "esc_sql", "sanitize_key",
	"sanitize_file_name", "sanitize_text_field", "sanitize_email",
	"is_email", "filter_var", "ctype_digit", "ctype_alnum", "strcmp",
	"strcasecmp", "hash_equals", "json_encode", "var_export", "serialize",
	"urlencode", "rawurlencode", "settype", "gettype", "round",
};

/* Words the analysis looks for, found once per token (lex_view). */
enum {
	W_NONE = 0,
	W_SINK = 1,		/* W_SINK + index into sinks[] */
	W_CALLBACK = 60,	/* W_CALLBACK + index into cbfuncs[] */
	W_SANITISER = 100,
	W_FUNCTION, W_FOREACH, W_RETURN, W_GLOBAL, W_AS, W_NEW, W_EXTRACT,
	W_PARSE_STR, W_IMPORT_REQ, W_HEADERS, W_FILE_GET_CONTENTS, W_ARRAY, W_USE,
};

struct word {
	const char *name;
	uint8_t id;
};

/* Sinks the analysis treats specially, by index into sinks[]. */
static unsigned sk_shell_exec, sk_fgc, sk_preg, sk_preg_e, sk_include_lo, sk_include_hi;

static unsigned sink_named(const char *name)
{
	unsigned k;

	for (k = 0; k < NSINKS; k++)
		if (strcmp(sinks[k].name, name) == 0)
			return k;
	abort();	/* a name below that is not in sinks[] */
}

static struct mw_wordtab words;
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

/* Sinks first, then callback callers, then the rest: a name in two lists
 * keeps its first id (file_get_contents: a sink; expr_bits() checks its
 * argument for php://input). */
static void words_init(void)
{
	static const struct word kw[] = {
		{ "function", W_FUNCTION }, { "foreach", W_FOREACH },
		{ "return", W_RETURN }, { "global", W_GLOBAL }, { "as", W_AS },
		{ "new", W_NEW }, { "extract", W_EXTRACT },
		{ "parse_str", W_PARSE_STR },
		{ "import_request_variables", W_IMPORT_REQ },
		{ "getallheaders", W_HEADERS }, { "apache_request_headers", W_HEADERS },
		{ "file_get_contents", W_FILE_GET_CONTENTS }, { "array", W_ARRAY },
		{ "use", W_USE },
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < NSINKS; i++)
		bad |= mw_wordtab_add(&words, sinks[i].name, (uint8_t)(W_SINK + i));
	for (i = 0; i < NCBFUNCS; i++)
		bad |= mw_wordtab_add(&words, cbfuncs[i].name, (uint8_t)(W_CALLBACK + i));
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		bad |= mw_wordtab_add(&words, kw[i].name, kw[i].id);
	for (i = 0; i < sizeof(sanitisers) / sizeof(sanitisers[0]); i++)
		bad |= mw_wordtab_add(&words, sanitisers[i], W_SANITISER);
	if (bad)
		abort();	/* the lists above outgrew the word table */
	sk_shell_exec = sink_named("shell_exec");
	sk_fgc = sink_named("file_get_contents");
	sk_preg = sink_named("preg_replace");
	sk_preg_e = sink_named("preg_replace_e");
	sk_include_lo = sink_named("include");		/* include .. require_once */
	sk_include_hi = sink_named("require_once");
}

static uint8_t word_id(const char *t, size_t l)
{
	return mw_wordtab_get(&words, t, l);
}

struct var_ent {
	uint32_t off, len, gen, scope;
	uint16_t bits;
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

struct mw_php_flow *mw_php_flow_new(void)
{
	return calloc(1, sizeof(struct mw_php_flow));
}

void mw_php_flow_free(struct mw_php_flow *f)
{
	if (!f)
		return;
	free(f->tok);
	free(f);
}

/* ---- tokens ---- */

static const char *txt(const struct mw_php_flow *f, size_t i, size_t *len)
{
	*len = f->tok[i].len;
	return f->v + f->tok[i].start;
}

/* Operator token i is s (1 to 3 bytes; no strlen: this is the hot path). */
static int is_op(const struct mw_php_flow *f, size_t i, const char *s)
{
	const struct ftok *k;
	const char *t;

	if (i >= f->ntok || (k = &f->tok[i])->kind != MW_PT_OP || k->len > 3)
		return 0;
	t = f->v + k->start;
	if (t[0] != s[0])
		return 0;
	return k->len == 1 ? s[1] == '\0' :
	       t[1] == s[1] && (k->len == 2 ? s[2] == '\0' : s[2] == t[2] && s[3] == '\0');
}

static int is_word(const struct mw_php_flow *f, size_t i, uint8_t id)
{
	return i < f->ntok && f->tok[i].kind == MW_PT_IDENT && f->tok[i].id == id;
}

static int spend(struct mw_php_flow *f)
{
	if (++f->work > f->budget) {
		f->capped = 1;
		return 0;
	}
	return 1;
}

/* Index of the token that closes the bracket opened at i (or ntok). */
static size_t closing(struct mw_php_flow *f, size_t i)
{
	int depth = 0;

	for (; i < f->ntok && spend(f); i++) {
		if (f->tok[i].kind != MW_PT_OP || f->tok[i].len != 1)
			continue;
		switch (f->v[f->tok[i].start]) {
		case '(': case '[': case '{':
			depth++;
			break;
		case ')': case ']': case '}':
			if (--depth <= 0)
				return i;
			break;
		}
	}
	return f->ntok;
}

static enum mw_err lex_view(struct mw_php_flow *f)
{
	struct mw_php_lexer lx;
	struct mw_php_token t;

	f->ntok = 0;
	pthread_once(&words_once, words_init);
	f->nkeys = 0;
	mw_php_lex_init(&lx, f->v, f->vlen, 0);
	while (mw_php_lex_next(&lx, &t)) {
		if (t.kind == MW_PT_WS || t.kind == MW_PT_COMMENT || t.kind == MW_PT_HTML ||
		    t.kind == MW_PT_OPEN || t.kind == MW_PT_OPEN_ECHO)
			continue;
		if (t.start > UINT32_MAX || t.len > UINT32_MAX)
			break;
		if (f->ntok == MW_FLOW_MAX_TOKENS) {
			f->bounded = 1;
			break;
		}
		if (f->ntok == f->atok) {
			size_t n = f->atok ? f->atok * 2 : 4096;
			struct ftok *p = realloc(f->tok, n * sizeof(*p));

			if (!p)
				return MW_ERR_NOMEM;
			f->tok = p;
			f->atok = n;
		}
		f->tok[f->ntok].kind = (uint8_t)t.kind;
		f->tok[f->ntok].flags = (uint8_t)t.flags;
		f->tok[f->ntok].id = t.kind == MW_PT_IDENT ? word_id(f->v + t.start, t.len) : W_NONE;
		f->tok[f->ntok].start = (uint32_t)t.start;
		f->tok[f->ntok].len = (uint32_t)t.len;
		f->ntok++;
	}
	if (lx.capped)
		f->bounded = 1;
	return MW_OK;
}

/* ---- variables ---- */

static uint32_t hash_bytes(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

static struct var_ent *var_find(struct mw_php_flow *f, const char *name,
				size_t len, int create)
{
	uint32_t h = (hash_bytes(name, len) ^ f->scope) * 16777619u, k;

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
			return e;
		}
		if (e->scope == f->scope && e->len == len &&
		    memcmp(f->v + e->off, name, len) == 0)
			return e;
	}
	return NULL;
}

static void vars_reset(struct mw_php_flow *f)
{
	if (++f->gen == 0) {
		memset(f->vars, 0, sizeof(f->vars));
		f->gen = 1;
	}
	f->nvars = 0;
	f->extracted = 0;
	f->scope = 0;
	f->nscopes = 0;
	f->nscope_stack = 0;
}

/* A named function's body starts after token i ("function"): its
 * variables are its own until the closing brace. Closures keep the
 * enclosing scope (they see it through "use"). */
static void scope_enter(struct mw_php_flow *f, size_t i)
{
	size_t name = i + 1, k;

	if (is_op(f, name, "&"))
		name++;
	if (name >= f->ntok || f->tok[name].kind != MW_PT_IDENT || !is_op(f, name + 1, "(") ||
	    f->nscope_stack == 8)
		return;
	k = closing(f, name + 1);
	for (k++; k < f->ntok && k < name + 40 && !is_op(f, k, "{") && !is_op(f, k, ";"); k++)
		;
	if (!is_op(f, k, "{"))
		return;
	f->scope_prev[f->nscope_stack] = f->scope;
	f->scope_end[f->nscope_stack] = (uint32_t)closing(f, k);
	f->nscope_stack++;
	f->scope = ++f->nscopes;
}

static void scope_leave(struct mw_php_flow *f, size_t i)
{
	while (f->nscope_stack && i >= f->scope_end[f->nscope_stack - 1])
		f->scope = f->scope_prev[--f->nscope_stack];
}

static uint16_t superglobal(const char *t, size_t l)
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
static void note_key(struct mw_php_flow *f, size_t i)
{
	size_t l, kl;
	const char *t = txt(f, i, &l), *k;
	uint16_t b = superglobal(t, l);

	if (!b || b == S_FILES || !is_op(f, i + 1, "[") || i + 2 >= f->ntok ||
	    f->tok[i + 2].kind != MW_PT_STRING || f->nkeys == 64)
		return;
	k = txt(f, i + 2, &kl);
	if (kl < 3 || kl > 66)
		return;
	f->keys[f->nkeys].off = (uint32_t)(k + 1 - f->v);
	f->keys[f->nkeys].len = (uint32_t)(kl - 2);
	f->keys[f->nkeys].bits = b;
	f->nkeys++;
}

/* Taint of the variable token at i ($_SERVER only for the request's own
 * headers, URI and query string). */
static uint16_t var_bits(struct mw_php_flow *f, size_t i)
{
	size_t l, sl;
	const char *t = txt(f, i, &l), *s;
	uint16_t b = superglobal(t, l);
	struct var_ent *e;

	if (b)
		return b;
	if (l == 8 && memcmp(t, "$_SERVER", 8) == 0) {
		if (is_op(f, i + 1, "[") && i + 2 < f->ntok && f->tok[i + 2].kind == MW_PT_STRING) {
			s = txt(f, i + 2, &sl);
			if ((sl > 6 && memcmp(s + 1, "HTTP_", 5) == 0) ||
			    (sl > 12 && memcmp(s + 1, "QUERY_STRING", 12) == 0) ||
			    (sl > 11 && memcmp(s + 1, "REQUEST_URI", 11) == 0))
				return S_HEADER;
			return 0;
		}
		return S_HEADER;	/* the whole array holds the headers */
	}
	e = var_find(f, t, l, 0);
	if (e)
		return e->bits;
	return f->extracted | (f->scope ? 0 : register_global(f, t + 1, l - 1));
}

static void var_taint(struct mw_php_flow *f, size_t i, uint16_t bits)
{
	size_t l;
	const char *t = txt(f, i, &l);
	struct var_ent *e;

	if (superglobal(t, l))
		return;
	e = var_find(f, t, l, 1);	/* also untainted: it is assigned */
	if (e)
		e->bits |= bits;
}

static int name_byte(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* $name and {$name inside an interpolated string. */
static uint16_t string_bits(struct mw_php_flow *f, size_t i)
{
	size_t l, k = 0, n;
	const char *t = txt(f, i, &l);
	uint16_t b = 0;
	struct var_ent *e;

	while (k < l && spend(f)) {
		if (t[k] != '$' || (k && t[k - 1] == '\\')) {
			k++;
			continue;
		}
		for (n = 1; k + n < l && name_byte((unsigned char)t[k + n]); n++)
			;
		if (n > 1) {
			b |= superglobal(t + k, n);
			if (n == 8 && memcmp(t + k, "$_SERVER", 8) == 0 && k + n + 6 < l &&
			    memmem(t + k + n, l - k - n < 24 ? l - k - n : 24, "HTTP_", 5))
				b |= S_HEADER;
			/* the string's bytes are in the view: a table key */
			if ((e = var_find(f, t + k, n, 0)) != NULL)
				b |= e->bits;
		}
		k += n;
	}
	return b;
}

/* ---- functions ---- */

/* FNV-1a of the ASCII-lower-cased name: PHP function names are caseless. */
static uint32_t hash_name(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (uint32_t)mw_ascii_lower((unsigned char)*p++)) * 16777619u;
	return h;
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

static void func_add(struct mw_php_flow *f, size_t i)
{
	size_t name = i + 1, k, close, body;
	struct func *fn;
	long slot;

	if (is_op(f, name, "&"))
		name++;
	if (name >= f->ntok || f->tok[name].kind != MW_PT_IDENT || !is_op(f, name + 1, "("))
		return;		/* a closure: analysed in place */
	if (f->nfuncs == MW_FLOW_MAX_FUNCS) {
		f->bounded = 1;
		return;
	}
	fn = &f->funcs[f->nfuncs];
	memset(fn, 0, sizeof(*fn));
	fn->name_off = f->tok[name].start;
	fn->name_len = f->tok[name].len;
	close = closing(f, name + 1);
	for (k = name + 2; k < close; k++)
		if (f->tok[k].kind == MW_PT_VAR && (is_op(f, k - 1, "(") || is_op(f, k - 1, ",") ||
		    is_op(f, k - 1, "&") || is_op(f, k - 1, "...") || f->tok[k - 1].kind == MW_PT_IDENT)) {
			if (fn->nparams < MW_FLOW_MAX_PARAMS)
				fn->param[fn->nparams++] = (uint32_t)k;
		}
	for (body = close + 1; body < f->ntok && !is_op(f, body, "{") && !is_op(f, body, ";") &&
	     body < close + 16; body++)
		;
	if (!is_op(f, body, "{"))
		return;		/* abstract or interface method */
	fn->body = (uint32_t)body;
	fn->end = (uint32_t)closing(f, body);
	/* methods of the same name in several classes: the first one */
	if (!func_lookup(f, f->v + fn->name_off, fn->name_len, &slot) && slot >= 0)
		f->fslot[slot] = (int32_t)f->nfuncs++;
}

static struct func *func_at(struct mw_php_flow *f, size_t i)
{
	size_t l;
	const char *t = txt(f, i, &l);
	long slot;

	return func_lookup(f, t, l, &slot);
}

/* ---- expressions ---- */

static int sink_of(const struct mw_php_flow *f, size_t i)
{
	uint8_t id = i < f->ntok && f->tok[i].kind == MW_PT_IDENT ? f->tok[i].id : W_NONE;

	return id >= W_SINK && id < W_SINK + NSINKS ? id - W_SINK : -1;
}

enum stop { STOP_STMT, STOP_ARG, STOP_AS };

/* The 11 bytes at t name the request body: PHP looks stream wrappers and
 * php:// targets up without regard to case. */
static int is_php_input(const char *t)
{
	static const char w[] = "php://input";
	size_t k;

	for (k = 0; k < sizeof(w) - 1; k++)
		if (mw_ascii_lower((unsigned char)t[k]) != (unsigned char)w[k])
			return 0;
	return 1;
}

/*
 * Taint of the expression starting at token i, up to (not including) the
 * token where it stops: ";" (STOP_STMT), "," (STOP_ARG), "as" (STOP_AS) at
 * its own depth, or a bracket it did not open. *end receives that index.
 */
static uint16_t expr_bits(struct mw_php_flow *f, size_t i, enum stop mode, size_t *end)
{
	uint16_t b = 0;
	int depth = 0;
	size_t l;
	const char *t;

	for (; i < f->ntok && spend(f); i++) {
		const struct ftok *k = &f->tok[i];

		switch (k->kind) {
		case MW_PT_CLOSE:	/* ends a statement like ";" */
			if (depth == 0)
				goto done;
			break;
		case MW_PT_OP:
			t = txt(f, i, &l);
			if (l == 1 && (*t == '(' || *t == '[' || *t == '{')) {
				depth++;
			} else if (l == 1 && (*t == ')' || *t == ']' || *t == '}')) {
				if (--depth < 0)
					goto done;
			} else if (depth == 0 && l == 1 && *t == ';') {
				goto done;
			} else if (depth == 0 && mode == STOP_ARG && l == 1 && *t == ',') {
				goto done;
			}
			break;
		case MW_PT_VAR: {
			uint16_t vb = var_bits(f, i);
			size_t vl;
			const char *vt = txt(f, i, &vl);

			/* an element of a tainted array of ours ($hooks['cb']) is
			 * data, but not the request choosing it */
			if (vb && is_op(f, i + 1, "[") && !superglobal(vt, vl))
				vb |= S_INDIRECT;
			b |= vb;
			/* $list[$key]: the key selects an element of the
			 * variable, it is not data of its own */
			while (is_op(f, i + 1, "[") && i + 1 < f->ntok) {
				i = closing(f, i + 1);
				if (i >= f->ntok)
					goto done;
			}
			break;
		}
		case MW_PT_ISTRING:
			b |= string_bits(f, i);
			break;
		case MW_PT_STRING:
			/* include('php://input'), fopen('php://input') */
			t = txt(f, i, &l);
			if (l == 13 && is_php_input(t + 1))
				b |= S_INPUT;
			break;
		case MW_PT_CAST:
			t = txt(f, i, &l);
			if (l > 2 && (t[1] == 'i' || t[1] == 'f' || t[1] == 'b' || t[1] == 'd'))
				i++;	/* (int)$x: the next operand carries nothing */
			break;
		case MW_PT_IDENT:
			if (mode == STOP_AS && depth == 0 && is_word(f, i, W_AS))
				goto done;
			if (k->id == W_FUNCTION) {
				/* a closure's value is code, not its body's data:
				 * the body is analysed where it stands */
				size_t body = closing(f, i + 1);

				if (is_word(f, body + 1, W_USE))
					body = closing(f, body + 2);
				while (body + 1 < f->ntok && !is_op(f, body + 1, "{") && body < i + 64)
					body++;
				if (is_op(f, body + 1, "{"))
					i = closing(f, body + 1);
				if (i >= f->ntok)
					goto done;
				break;
			}
			if (!is_op(f, i + 1, "("))
				break;
			if (k->id == W_SANITISER) {
				i = closing(f, i + 1);
				if (i >= f->ntok)
					goto done;
				break;
			}
			if (k->id == W_HEADERS) {
				b |= S_HEADER;
			} else if (k->id == W_SINK + sk_fgc && i + 2 < f->ntok &&
				   f->tok[i + 2].kind == MW_PT_STRING) {
				t = txt(f, i + 2, &l);
				if (l >= 13 && is_php_input(t + 1))
					b |= S_INPUT;
			} else if (!(i && (is_op(f, i - 1, "->") || is_op(f, i - 1, "::") ||
					   is_word(f, i - 1, W_FUNCTION)))) {
				struct func *fn = func_at(f, i);

				if (fn)
					b |= fn->ret;
			}
			break;
		default:
			break;
		}
	}
done:
	*end = i;
	return b;
}

/* ---- facts and summaries ---- */

/* Argument columns a fact of this sink shows. */
static size_t sink_cols(unsigned sink)
{
	if (sink == SINK_CALLBACK || sink == SINK_DYNAMIC)
		return 2;
	return sink >= SINK_CALLBACK ? 1 : sinks[sink].nargs;
}

static void put_source(struct mw_buf *o, uint16_t b)
{
	const char *s = "0";

	if (b & S_POST)
		s = "$_POST";
	else if (b & S_GET)
		s = "$_GET";
	else if (b & S_REQUEST)
		s = "$_REQUEST";
	else if (b & S_COOKIE)
		s = "$_COOKIE";
	else if (b & S_HEADER)
		s = "$_SERVER['HTTP_']";
	else if (b & S_INPUT)
		s = "$_REQUEST";
	else if (b & S_FILES)
		s = "$_FILES";
	mw_buf_puts(o, s);
}

static void emit_fact(struct mw_php_flow *f, unsigned sink, const uint16_t *args,
		      size_t nargs, size_t view_off)
{
	struct fact_key key;
	uint32_t h, k;
	size_t a, start;

	memset(&key, 0, sizeof(key));
	key.sink = (uint8_t)sink;
	key.used = 1;
	for (a = 0; a < nargs && a < MAX_ARGS; a++)
		key.args[a] = args[a] & S_REAL;
	h = hash_bytes((const char *)&key, sizeof(key));
	for (k = 0; k < FACT_SLOTS; k++) {
		struct fact_key *e = &f->facts[(h + k) % FACT_SLOTS];

		if (!e->used) {
			if (f->nfacts == MW_FLOW_MAX_FACTS) {
				f->bounded = 1;
				return;
			}
			*e = key;
			f->nfacts++;
			break;
		}
		if (memcmp(e, &key, sizeof(key)) == 0)
			return;		/* said already */
	}
	if (k == FACT_SLOTS)
		return;
	start = f->out->len;
	if (sink == SINK_DYNAMIC) {
		put_source(f->out, args[0]);
		mw_buf_putc(f->out, '(');
		put_source(f->out, args[1]);
	} else if (sink == SINK_VARCALL) {
		mw_buf_puts(f->out, "$f(");
		put_source(f->out, args[0]);
	} else if (sink == SINK_CALLBACK) {
		mw_buf_puts(f->out, "callback(");
		put_source(f->out, args[0]);
		mw_buf_putc(f->out, ',');
		put_source(f->out, args[1]);
	} else {
		mw_buf_puts(f->out, sinks[sink].name);
		mw_buf_putc(f->out, '(');
		for (a = 0; a < nargs; a++) {
			if (a)
				mw_buf_putc(f->out, ',');
			put_source(f->out, args[a]);
		}
	}
	if (mw_buf_puts(f->out, ");\n")) {
		f->err = MW_ERR_TOOBIG;
		f->out->len = start;
		return;
	}
	if (f->fact)
		f->fact(f->ud, start, view_off);
}

static void add_reach(struct mw_php_flow *f, uint16_t bits, unsigned sink, unsigned pos)
{
	struct func *fn = f->cur;
	unsigned p, r;

	for (p = 0; p < MW_FLOW_MAX_PARAMS; p++) {
		if (!(bits & S_PARAM(p)))
			continue;
		for (r = 0; r < fn->nreach; r++)
			if (fn->reach[r].param == p && fn->reach[r].sink == sink &&
			    fn->reach[r].pos == pos)
				break;
		if (r < fn->nreach)
			continue;
		if (fn->nreach == MAX_REACH)
			return;
		fn->reach[fn->nreach++] = (struct reach){ (uint8_t)p, (uint8_t)sink, (uint8_t)pos };
		f->changed = 1;
	}
}

/* A sink (or SINK_DYNAMIC) called at token at with argument taints args. */
static void sink_call(struct mw_php_flow *f, unsigned sink, const uint16_t *args,
		      size_t nargs, size_t at)
{
	size_t a, shown = sink_cols(sink);
	uint16_t any = 0, row[MAX_ARGS] = { 0 };

	for (a = 0; a < nargs && a < shown && a < MAX_ARGS; a++) {
		row[a] = args[a];
		/* fopen('php://input'): reading the body, not a path the
		 * request chose (include('php://input') runs it: kept) */
		if (a == 0 && sink < NSINKS && sinks[sink].cls == SK_FILE)
			row[a] &= (uint16_t)~S_INPUT;
		any |= row[a];
	}
	if (f->cur) {
		for (a = 0; a < shown && a < MAX_ARGS; a++)
			if (row[a] & S_PARAMS)
				add_reach(f, row[a], sink, (unsigned)a);
		return;
	}
	if (any & S_REAL)
		emit_fact(f, sink, row, shown, f->tok[at].start);
}

/* The call at token at of a summarised function: one fact per sink it
 * reaches, its columns filled from every parameter that reaches them. */
static void wrapper_call(struct mw_php_flow *f, const struct func *fn,
			 const uint16_t *args, size_t nargs, size_t at)
{
	uint32_t r, q;
	uint16_t row[MAX_ARGS];

	for (r = 0; r < fn->nreach; r++) {
		const struct reach *x = &fn->reach[r];
		int first = 1, any = 0;

		for (q = 0; q < r; q++)
			if (fn->reach[q].sink == x->sink)
				first = 0;
		if (!first)
			continue;	/* this sink's row was made already */
		memset(row, 0, sizeof(row));
		for (q = r; q < fn->nreach; q++) {
			const struct reach *y = &fn->reach[q];

			if (y->sink != x->sink || y->param >= nargs || y->pos >= MAX_ARGS ||
			    !args[y->param])
				continue;
			row[y->pos] |= args[y->param];
			any = 1;
		}
		if (any)
			sink_call(f, x->sink, row, sink_cols(x->sink), at);
	}
}

/* Arguments of the call whose "(" is at open: taint per position. */
static size_t call_args(struct mw_php_flow *f, size_t open, uint16_t *args, size_t max)
{
	size_t k = open + 1, end, n = 0;

	if (is_op(f, k, ")"))
		return 0;
	while (k < f->ntok && !f->capped) {
		uint16_t b = expr_bits(f, k, STOP_ARG, &end);

		if (n < max)
			args[n] = b;
		n++;
		if (!is_op(f, end, ","))
			break;
		k = end + 1;
	}
	return n < max ? n : max;
}

/* A literal regex with the e modifier (PHP < 7 evaluates the
 * replacement): '/x/e', '#x#ie' ... */
static int e_modifier(const struct mw_php_flow *f, size_t i)
{
	size_t l, k;
	const char *t;
	char close;
	int e = 0;

	if (i >= f->ntok || f->tok[i].kind != MW_PT_STRING || !is_op(f, i + 1, ","))
		return 0;
	t = txt(f, i, &l);
	if (l < 5)
		return 0;
	close = t[1] == '(' ? ')' : t[1] == '{' ? '}' : t[1] == '[' ? ']' :
		t[1] == '<' ? '>' : t[1];
	for (k = l - 2; k > 2 && ((t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z')); k--)
		if (t[k] == 'e')
			e = 1;
	return e && t[k] == close && !name_byte((unsigned char)t[1]);
}

/*
 * Is argument k of the call whose "(" is at open an element of a
 * variable's array ($control['callback'], $hooks[$name])? Frameworks call
 * callbacks registered on their side, picked by request data; that is not
 * the request choosing a function. A superglobal's element is the request.
 */
static int registered_callback(struct mw_php_flow *f, size_t open, unsigned k)
{
	size_t i = open + 1, l;
	unsigned arg = 0;
	int depth = 0;
	const char *t;

	for (; i < f->ntok && arg < k && spend(f); i++) {
		if (f->tok[i].kind != MW_PT_OP || f->tok[i].len != 1)
			continue;
		t = f->v + f->tok[i].start;
		if (*t == '(' || *t == '[' || *t == '{')
			depth++;
		else if (*t == ')' || *t == ']' || *t == '}') {
			if (--depth < 0)
				return 0;
		} else if (*t == ',' && depth == 0)
			arg++;
	}
	if (i + 1 >= f->ntok || f->tok[i].kind != MW_PT_VAR || !is_op(f, i + 1, "["))
		return 0;
	t = txt(f, i, &l);
	return superglobal(t, l) == 0 && !(l == 8 && memcmp(t, "$_SERVER", 8) == 0);
}

/* Is the operator at i an assignment (=, .=, +=, ??= ...)? */
static int assign_op(const struct mw_php_flow *f, size_t i)
{
	size_t l;
	const char *t;

	if (i >= f->ntok || f->tok[i].kind != MW_PT_OP)
		return 0;
	t = txt(f, i, &l);
	if (!l || t[l - 1] != '=')
		return 0;
	if (l == 1)
		return 1;
	return !(t[0] == '=' || t[0] == '!' || t[0] == '<' || t[0] == '>');
}

static void analyse(struct mw_php_flow *f, size_t from, size_t to)
{
	uint16_t args[MW_FLOW_MAX_PARAMS];
	size_t i, j, end, n;

	for (i = from; i < to && !f->capped && spend(f); i++) {
		const struct ftok *t = &f->tok[i];

		scope_leave(f, i);
		switch (t->kind) {
		case MW_PT_VAR:
			j = i + 1;
			while (is_op(f, j, "[") && j < to)
				j = closing(f, j) + 1;
			if (assign_op(f, j)) {
				uint16_t b = expr_bits(f, j + 1, STOP_STMT, &end);

				var_taint(f, i, b && j > i + 1 ? b | S_INDIRECT : b);
			} else if (is_op(f, i + 1, "(") && !(i && (is_op(f, i - 1, "->") ||
								     is_op(f, i - 1, "::") ||
								     is_word(f, i - 1, W_NEW)))) {
				uint16_t b = var_bits(f, i), a = 0;

				if (b && !(b & S_INDIRECT)) {
					uint16_t row[2];

					/* the name, then the arguments' sources */
					row[0] = b;
					row[1] = 0;
					n = is_op(f, i + 2, "[") || is_word(f, i + 2, W_ARRAY) ? 0 :
					    call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
					for (j = 0; j < n; j++)
						row[1] |= args[j];
					sink_call(f, SINK_DYNAMIC, row, 2, i);
				} else if (!is_op(f, i + 2, "[") && !is_word(f, i + 2, W_ARRAY) &&
					   (n = call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS))) {
					/* $f($_POST['x']), not $handler(['key' => $_GET...]):
					 * invokable objects take option arrays */
					for (j = 0; j < n; j++)
						a |= args[j];
					args[0] = a;
					if (a)
						sink_call(f, SINK_VARCALL, args, 1, i);
				}
			}
			break;
		case MW_PT_ISTRING:
			if (t->flags & MW_PT_F_BACKTICK) {
				args[0] = string_bits(f, i);
				if (args[0])
					sink_call(f, sk_shell_exec, args, 1, i);
			}
			break;
		case MW_PT_IDENT: {
			int s;

			if (is_word(f, i, W_FUNCTION)) {
				scope_enter(f, i);
				break;
			}
			if (is_word(f, i, W_GLOBAL) && f->scope) {
				/* global $a, $b: their taint in the file's scope */
				for (j = i + 1; j < to && f->tok[j].kind == MW_PT_VAR && spend(f); j += 2) {
					uint32_t here = f->scope;
					uint16_t b;

					f->scope = 0;
					b = var_bits(f, j);
					f->scope = here;
					var_taint(f, j, b);
					if (!is_op(f, j + 1, ","))
						break;
				}
				break;
			}
			if (is_word(f, i, W_FOREACH) && is_op(f, i + 1, "(")) {
				uint16_t b = expr_bits(f, i + 2, STOP_AS, &end);

				for (j = end + 1; j < to && !is_op(f, j, ")") && spend(f); j++)
					if (f->tok[j].kind == MW_PT_VAR)
						var_taint(f, j, b ? b | S_INDIRECT : 0);
				break;
			}
			if (is_word(f, i, W_RETURN) && f->cur) {
				f->cur->ret |= expr_bits(f, i + 1, STOP_STMT, &end) & S_REAL;
				break;
			}
			if ((s = sink_of(f, i)) >= (int)sk_include_lo && s <= (int)sk_include_hi) {
				args[0] = expr_bits(f, i + 1, STOP_STMT, &end);
				sink_call(f, (unsigned)sink_of(f, i), args, 1, i);
				break;
			}
			if (!is_op(f, i + 1, "(") || (i && is_word(f, i - 1, W_FUNCTION)) ||
			    (i && is_word(f, i - 1, W_NEW)))
				break;
			if (i && (is_op(f, i - 1, "->") || is_op(f, i - 1, "::") ||
				  is_op(f, i - 1, "?->"))) {
				struct func *fn = func_at(f, i);

				if (fn) {
					n = call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
					wrapper_call(f, fn, args, n, i);
				}
				break;
			}
			if (is_word(f, i, W_EXTRACT) || is_word(f, i, W_PARSE_STR) ||
			    is_word(f, i, W_IMPORT_REQ)) {
				n = call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
				f->extracted |= n ? args[0] : (uint16_t)S_REQUEST;
				if (is_word(f, i, W_IMPORT_REQ))
					f->extracted |= S_REQUEST;
				break;
			}
			if (t->id >= W_CALLBACK && t->id < W_CALLBACK + NCBFUNCS) {
				const struct cbfunc *cf = &cbfuncs[t->id - W_CALLBACK];
				uint16_t row[2] = { 0, 0 };

				n = call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
				for (j = 0; j < n; j++) {
					if (j == cf->cb)
						row[0] |= args[j];
					else if (j >= cf->data)
						row[1] |= args[j];
				}
				if ((row[0] & (S_REAL | S_PARAMS)) && !(row[0] & S_INDIRECT) &&
				    !registered_callback(f, i + 1, cf->cb))
					sink_call(f, SINK_CALLBACK, row, 2, i);
				break;
			}
			s = sink_of(f, i);
			if (s >= 0) {
				n = call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
				if ((unsigned)s == sk_preg && e_modifier(f, i + 2))
					s = (int)sk_preg_e;
				sink_call(f, (unsigned)s, args, n, i);
			} else {
				struct func *fn = func_at(f, i);

				if (fn) {
					n = call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
					wrapper_call(f, fn, args, n, i);
				}
			}
			break;
		}
		default:
			break;
		}
	}
}

/* Whether the view names any request source the analysis knows
 * (superglobal(), $_SERVER, W_HEADERS, php://input): without one no value
 * carries S_REAL and no fact can come out, so the pass is skipped. Most
 * clean files that get a view have a writer or a callback caller and no
 * request input. */
static int has_source(const char *v, size_t len)
{
	static const char *const names[] = {
		"POST", "GET", "REQUEST", "COOKIE", "FILES", "SERVER",
	};
	static const char *const calls[] = {
		"getallheaders", "apache_request_headers", "hp://input",
	};
	const char *p = v, *end = v + len;
	size_t k;

	while ((p = memmem(p, (size_t)(end - p), "$", 1)) != NULL) {
		p++;
		if (end - p >= 5 && memcmp(p, "HTTP_", 5) == 0)
			return 1;	/* $HTTP_POST_VARS ... */
		if (p == end || *p != '_')
			continue;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			size_t n = strlen(names[k]);

			if ((size_t)(end - p) > n && memcmp(p + 1, names[k], n) == 0)
				return 1;
		}
	}
	for (p = v; p < end; p++) {
		int c = mw_ascii_lower((unsigned char)*p);

		if (c != 'g' && c != 'a' && c != 'h')
			continue;
		for (k = 0; k < sizeof(calls) / sizeof(calls[0]); k++) {
			size_t n = strlen(calls[k]), j;

			if (c != calls[k][0] || (size_t)(end - p) < n)
				continue;
			for (j = 1; j < n && mw_ascii_lower((unsigned char)p[j]) ==
					     (unsigned char)calls[k][j]; j++)
				;
			if (j == n)
				return 1;
		}
	}
	return 0;
}

enum mw_err mw_php_flow_run(struct mw_php_flow *f, const char *view, size_t len,
			    struct mw_buf *out, mw_flow_fact_fn fact, void *ud,
			    int *capped)
{
	enum mw_err e;
	size_t i, round;
	uint32_t k;
	int summaries_capped;

	if (capped)
		*capped = 0;
	if (!has_source(view, len))
		return MW_OK;

	f->v = view;
	f->vlen = len;
	f->capped = 0;
	f->bounded = 0;
	f->work = 0;
	f->out = out;
	f->fact = fact;
	f->ud = ud;
	f->err = MW_OK;
	f->nfuncs = 0;
	f->nfacts = 0;
	f->cur = NULL;
	memset(f->fslot, 0xff, sizeof(f->fslot));
	memset(f->facts, 0, sizeof(f->facts));
	if ((e = lex_view(f)) != MW_OK)
		return e;
	f->budget = (size_t)MW_FLOW_WORK * (f->ntok + 16);
	for (i = 0; i + 2 < f->ntok; i++)
		if (f->tok[i].kind == MW_PT_VAR)
			note_key(f, i);

	for (i = 0; i + 1 < f->ntok && !f->capped; i++)
		if (is_word(f, i, W_FUNCTION))
			func_add(f, i);
	for (round = 0; round < MW_FLOW_ROUNDS && !f->capped; round++) {
		f->changed = 0;
		for (k = 0; k < f->nfuncs && !f->capped; k++) {
			struct func *fn = &f->funcs[k];
			uint32_t p;

			if (!fn->end)
				continue;
			vars_reset(f);
			f->scope = ++f->nscopes;
			for (p = 0; p < fn->nparams; p++)
				var_taint(f, fn->param[p], (uint16_t)S_PARAM(p));
			f->cur = fn;
			{
				uint16_t before = fn->ret;

				analyse(f, fn->body + 1, fn->end);
				if (fn->ret != before)
					f->changed = 1;
			}
		}
		f->cur = NULL;
		if (!f->changed)
			break;
	}
	/* The file itself gets a budget of its own: summaries that ran out
	 * only make the facts fewer. */
	summaries_capped = f->capped;
	f->capped = 0;
	f->work = 0;
	f->cur = NULL;
	vars_reset(f);
	analyse(f, 0, f->ntok);
	if (capped)
		*capped = f->capped || summaries_capped || f->bounded;
	return f->err;
}
