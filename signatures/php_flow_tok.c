/*
 * The data-flow pass's words and tokens (php_flow_int.h): which names are
 * sinks, callback callers and sanitisers, the view lexed into tokens once,
 * and whether a view names a request source at all.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "signatures/php_flow_int.h"
#include "signatures/php_lex.h"
#include "signatures/wordtab.h"

/* Functions that call a callback they are given: where the callback is
 * and where its data starts (every other argument from there on). */
const struct cbfunc mw_flow_cbfuncs[] = {
	{ "call_user_func", 0, 1 }, { "call_user_func_array", 0, 1 },
	{ "forward_static_call", 0, 1 }, { "forward_static_call_array", 0, 1 },
	{ "register_shutdown_function", 0, 1 }, { "register_tick_function", 0, 1 },
	{ "array_map", 0, 1 }, { "array_filter", 1, 0 }, { "array_walk", 1, 0 },
	{ "array_walk_recursive", 1, 0 }, { "array_reduce", 1, 0 },
	{ "usort", 1, 0 }, { "uasort", 1, 0 }, { "uksort", 1, 0 },
	{ "iterator_apply", 1, 0 }, { "preg_replace_callback", 1, 2 },
	{ "ob_start", 0, 1 }, { "set_error_handler", 0, 1 },
};

const struct sink mw_flow_sinks[] = {
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
const size_t mw_flow_nsinks = sizeof(mw_flow_sinks) / sizeof(mw_flow_sinks[0]);
const size_t mw_flow_ncbfuncs = sizeof(mw_flow_cbfuncs) / sizeof(mw_flow_cbfuncs[0]);

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

struct word {
	const char *name;
	uint8_t id;
};

/* Sinks the analysis treats specially, by index into mw_flow_sinks[]. */
unsigned mw_flow_sk_shell_exec, mw_flow_sk_fgc, mw_flow_sk_preg, mw_flow_sk_preg_e, mw_flow_sk_include_lo, mw_flow_sk_include_hi;

static unsigned sink_named(const char *name)
{
	unsigned k;

	for (k = 0; k < mw_flow_nsinks; k++)
		if (strcmp(mw_flow_sinks[k].name, name) == 0)
			return k;
	abort();	/* a name below that is not in mw_flow_sinks[] */
}

static struct mw_wordtab words;
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

/* Sinks first, then callback callers, then the rest: a name in two lists
 * keeps its first id (file_get_contents: a sink; mw_flow_expr_bits() checks its
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
		{ "getenv", W_GETENV },
		{ "file_get_contents", W_FILE_GET_CONTENTS }, { "array", W_ARRAY },
		{ "use", W_USE }, { "reflectionfunction", W_REFLECTION_FN },
		{ "createfunction", W_CREATE_FN }, { "sqlitecreatefunction", W_CREATE_FN },
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < mw_flow_nsinks; i++)
		bad |= mw_wordtab_add(&words, mw_flow_sinks[i].name, (uint8_t)(W_SINK + i));
	for (i = 0; i < mw_flow_ncbfuncs; i++)
		bad |= mw_wordtab_add(&words, mw_flow_cbfuncs[i].name, (uint8_t)(W_CALLBACK + i));
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		bad |= mw_wordtab_add(&words, kw[i].name, kw[i].id);
	for (i = 0; i < sizeof(sanitisers) / sizeof(sanitisers[0]); i++)
		bad |= mw_wordtab_add(&words, sanitisers[i], W_SANITISER);
	if (bad)
		abort();	/* the lists above outgrew the word table */
	mw_flow_sk_shell_exec = sink_named("shell_exec");
	mw_flow_sk_fgc = sink_named("file_get_contents");
	mw_flow_sk_preg = sink_named("preg_replace");
	mw_flow_sk_preg_e = sink_named("preg_replace_e");
	mw_flow_sk_include_lo = sink_named("include");		/* include .. require_once */
	mw_flow_sk_include_hi = sink_named("require_once");
}

static uint8_t word_id(const char *t, size_t l)
{
	return mw_wordtab_get(&words, t, l);
}

/* ---- tokens ---- */

/* Index of the token that closes the bracket opened at i (or ntok). */
size_t mw_flow_closing(struct mw_php_flow *f, size_t i)
{
	int depth = 0;

	for (; i < f->ntok && mw_flow_spend(f); i++) {
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

enum mw_err mw_flow_lex_view(struct mw_php_flow *f)
{
	struct mw_php_lexer lx;
	struct mw_php_token t;

	f->ntok = 0;
	pthread_once(&words_once, words_init);
	f->nkeys = 0;
	mw_php_lex_init(&lx, f->v, f->vlen, 0);
	while (mw_php_lex_next(&lx, &t)) {
		if (t.kind == MW_PT_HTML || t.kind == MW_PT_STRING || t.kind == MW_PT_ISTRING)
			mw_flow_note_form_keys(f, f->v + t.start, t.len);
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

/* Whether the view names any request source the analysis knows
 * (mw_flow_superglobal(), $_SERVER, W_HEADERS, php://input, a form field
 * for register_globals): without one no value
 * carries S_REAL and no fact can come out, so the pass is skipped. Most
 * clean files that get a view have a writer or a callback caller and no
 * request input. */
int mw_flow_has_source(const char *v, size_t len)
{
	static const char *const names[] = {
		"POST", "GET", "REQUEST", "COOKIE", "FILES", "SERVER",
	};
	static const char *const calls[] = {
		"getallheaders", "apache_request_headers", "hp://input",
	};
	const char *p = v, *end = v + len;
	size_t k;

	/* a form field: register_globals (mw_flow_note_form_keys); a request
	 * header through the CGI environment */
	if (memmem(v, len, "name=", 5) || memmem(v, len, "NAME=", 5) ||
	    memmem(v, len, "getenv('HTTP_", 13))
		return 1;
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
