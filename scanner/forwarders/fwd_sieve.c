/*
 * Sieve (RFC 5228) tokenizer and parser, with the extensions that decide
 * where mail goes: copy (RFC 3894), fileinto, vacation (RFC 5230), enotify
 * (RFC 5435) and the older notify draft, include (RFC 6609). The script is
 * parsed completely (grammar of RFC 5228 section 8) and then walked; nothing
 * is evaluated except constant tests (true, false, not, allof, anyof), so
 * that a Roundcube-disabled rule ("if false # rule:[...]") is recognised as
 * such and code after an unconditional stop as unreachable.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/limits.h"
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

enum tconst { TC_COND = 0, TC_TRUE, TC_FALSE };

struct arg {
	enum tok_type type;	/* T_TAG, T_NUMBER, T_STRING (also lists) */
	size_t tok;		/* first token */
	size_t nstr;		/* strings in a list */
	int is_list;
};

#define SIEVE_MAX_ARGS 32

static void perr(struct parser *p, unsigned long line, const char *msg)
{
	if (p->failed)
		return;
	p->failed = 1;
	fwd_add_error(p->d, line, "%s", msg);
}

/* ---- tokenizer ---- */

static struct tok *push_tok(struct parser *p, enum tok_type t, const char *s,
			    size_t n, unsigned long line)
{
	struct tok *k;

	if (p->ntoks >= FWD_MAX_TOKENS) {
		perr(p, line, "script has too many tokens");
		return NULL;
	}
	if (p->ntoks == p->atoks) {
		size_t na = p->atoks ? p->atoks * 2 : 64;
		struct tok *nt = realloc(p->toks, na * sizeof(*nt));

		if (!nt) {
			perr(p, line, "out of memory");
			return NULL;
		}
		p->toks = nt;
		p->atoks = na;
	}
	k = &p->toks[p->ntoks++];
	memset(k, 0, sizeof(*k));
	k->type = t;
	k->s = s;
	k->n = n;
	k->line = line;
	return k;
}

static int is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Quoted string: \" and \\ are escapes, any other \x is x (RFC 5228 2.4.2). */
static int lex_quoted(struct parser *p, size_t *i, unsigned long *line)
{
	const char *t = p->text;
	size_t start = *i, j = *i + 1;
	unsigned long sline = *line;
	struct mw_buf b;
	struct tok *k;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	while (j < p->len && t[j] != '"') {
		if (t[j] == '\\' && j + 1 < p->len)
			j++;
		if (t[j] == '\n')
			(*line)++;
		if (mw_buf_putc(&b, t[j])) {
			mw_buf_free(&b);
			perr(p, sline, "out of memory");
			return -1;
		}
		j++;
	}
	if (j >= p->len) {
		mw_buf_free(&b);
		perr(p, sline, "unterminated quoted string");
		return -1;
	}
	k = push_tok(p, T_STRING, t + start, j + 1 - start, sline);
	if (!k) {
		mw_buf_free(&b);
		return -1;
	}
	k->slen = b.len;
	k->str = b.len ? mw_buf_steal(&b) : strdup("");
	mw_buf_free(&b);
	if (!k->str) {
		p->ntoks--;
		perr(p, sline, "out of memory");
		return -1;
	}
	*i = j + 1;
	return 0;
}

/*
 * "text:" *(SP / HTAB) (hash-comment / CRLF), then lines up to a line
 * holding only "."; a leading ".." stands for "." (dot-stuffing).
 */
static int lex_multiline(struct parser *p, size_t *i, unsigned long *line)
{
	const char *t = p->text;
	size_t j = *i + 5, start = *i;
	unsigned long sline = *line;
	struct mw_buf b;
	struct tok *k;

	while (j < p->len && (t[j] == ' ' || t[j] == '\t'))
		j++;
	if (j < p->len && t[j] == '#') {
		while (j < p->len && t[j] != '\n')
			j++;
	} else if (j < p->len && t[j] == '\r') {
		j++;
	}
	if (j >= p->len || t[j] != '\n') {
		perr(p, sline, "text: must be followed by a line break");
		return -1;
	}
	j++;
	(*line)++;
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	for (;;) {
		size_t ls = j, le;

		if (j >= p->len) {
			mw_buf_free(&b);
			perr(p, sline, "unterminated text: block (no '.' line)");
			return -1;
		}
		while (j < p->len && t[j] != '\n')
			j++;
		le = j;
		if (le > ls && t[le - 1] == '\r')
			le--;
		if (le - ls == 1 && t[ls] == '.') {
			if (j < p->len)
				j++;
			break;
		}
		if (le > ls && t[ls] == '.')
			ls++;
		if (mw_buf_append(&b, t + ls, le - ls) || mw_buf_putc(&b, '\n')) {
			mw_buf_free(&b);
			perr(p, sline, "text: block too long");
			return -1;
		}
		if (j < p->len) {
			j++;
			(*line)++;
		}
	}
	k = push_tok(p, T_STRING, t + start, j - start, sline);
	if (!k) {
		mw_buf_free(&b);
		return -1;
	}
	k->slen = b.len;
	k->str = b.len ? mw_buf_steal(&b) : strdup("");
	mw_buf_free(&b);
	if (!k->str) {
		p->ntoks--;
		perr(p, sline, "out of memory");
		return -1;
	}
	*i = j;
	(*line)++;
	return 0;
}

static int tokenize(struct parser *p)
{
	const char *t = p->text;
	size_t i = 0;
	unsigned long line = 1;
	const char *nul = memchr(t, '\0', p->len);

	/* Dovecot refuses a script with a NUL byte anywhere (strings and
	 * comments included), so such a script never runs. */
	if (nul) {
		for (const char *c = t; c < nul; c++)
			if (*c == '\n')
				line++;
		perr(p, line, "NUL byte in script");
		return -1;
	}

	while (i < p->len && !p->failed) {
		char c = t[i];
		enum tok_type tt;

		if (c == '\n') {
			line++;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (c == '#') {
			while (i < p->len && t[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < p->len && t[i + 1] == '*') {
			unsigned long sline = line;
			size_t j = i + 2;

			while (j + 1 < p->len && !(t[j] == '*' && t[j + 1] == '/')) {
				if (t[j] == '\n')
					line++;
				j++;
			}
			if (j + 1 >= p->len) {
				perr(p, sline, "unterminated bracket comment");
				return -1;
			}
			i = j + 2;
			continue;
		}
		if (c == '"') {
			if (lex_quoted(p, &i, &line))
				return -1;
			continue;
		}
		if (is_ident_start(c)) {
			size_t j = i;

			while (j < p->len && is_ident_char(t[j]))
				j++;
			if (j - i == 4 && !strncasecmp(t + i, "text", 4) &&
			    j < p->len && t[j] == ':') {
				if (lex_multiline(p, &i, &line))
					return -1;
				continue;
			}
			if (!push_tok(p, T_IDENT, t + i, j - i, line))
				return -1;
			i = j;
			continue;
		}
		if (c == ':') {
			size_t j = i + 1;

			if (j >= p->len || !is_ident_start(t[j])) {
				perr(p, line, "':' not followed by a tag name");
				return -1;
			}
			while (j < p->len && is_ident_char(t[j]))
				j++;
			if (!push_tok(p, T_TAG, t + i, j - i, line))
				return -1;
			i = j;
			continue;
		}
		if (c >= '0' && c <= '9') {
			size_t j = i;

			while (j < p->len && t[j] >= '0' && t[j] <= '9')
				j++;
			if (j < p->len && strchr("KMGkmg", t[j]) && t[j])
				j++;
			if (j < p->len && is_ident_char(t[j])) {
				perr(p, line, "bad number");
				return -1;
			}
			if (!push_tok(p, T_NUMBER, t + i, j - i, line))
				return -1;
			i = j;
			continue;
		}
		switch (c) {
		case '[': tt = T_LBRACKET; break;
		case ']': tt = T_RBRACKET; break;
		case '(': tt = T_LPAREN; break;
		case ')': tt = T_RPAREN; break;
		case '{': tt = T_LBRACE; break;
		case '}': tt = T_RBRACE; break;
		case ',': tt = T_COMMA; break;
		case ';': tt = T_SEMI; break;
		default:
			perr(p, line, "unexpected character");
			return -1;
		}
		if (!push_tok(p, tt, t + i, 1, line))
			return -1;
		i++;
	}
	if (p->failed)
		return -1;
	return push_tok(p, T_EOF, t + p->len, 0, line) ? 0 : -1;
}

/* ---- parser ---- */

static struct tok *peek(struct parser *p)
{
	return &p->toks[p->pos];
}

static struct tok *next(struct parser *p)
{
	struct tok *k = &p->toks[p->pos];

	if (k->type != T_EOF)
		p->pos++;
	return k;
}

static int tok_is(const struct tok *k, const char *word)
{
	return (k->type == T_IDENT || k->type == T_TAG) &&
	       fwd_word_eq(k->s, k->n, word);
}

/* The source line a token starts on, for the report excerpt. */
static void line_of(const struct parser *p, const struct tok *k,
		    const char **s, size_t *n)
{
	const char *b = k->s, *e = k->s;

	while (b > p->text && b[-1] != '\n')
		b--;
	while (e < p->text + p->len && *e != '\n')
		e++;
	*s = b;
	*n = (size_t)(e - b);
	fwd_trim(s, n);
}

/* Parse arguments: string-list / number / tag. Stops at a test or ; { ( */
static int parse_args(struct parser *p, struct arg *args, size_t *nargs)
{
	*nargs = 0;
	for (;;) {
		struct tok *k = peek(p);
		struct arg a;

		memset(&a, 0, sizeof(a));
		if (k->type == T_TAG || k->type == T_NUMBER ||
		    k->type == T_STRING) {
			a.type = k->type;
			a.tok = p->pos;
			a.nstr = 1;
			next(p);
		} else if (k->type == T_LBRACKET) {
			next(p);
			a.type = T_STRING;
			a.is_list = 1;
			a.tok = p->pos;
			for (;;) {
				k = next(p);
				if (k->type != T_STRING) {
					perr(p, k->line, "expected a string in a string list");
					return -1;
				}
				a.nstr++;
				k = next(p);
				if (k->type == T_RBRACKET)
					break;
				if (k->type != T_COMMA) {
					perr(p, k->line, "expected ',' or ']' in a string list");
					return -1;
				}
			}
		} else {
			return 0;
		}
		if (*nargs >= SIEVE_MAX_ARGS) {
			perr(p, k->line, "too many arguments");
			return -1;
		}
		args[(*nargs)++] = a;
	}
}

/* The i-th string of a (list) argument. */
static struct tok *arg_str(struct parser *p, const struct arg *a, size_t i)
{
	return &p->toks[a->tok + (a->is_list ? 2 * i : 0)];
}

/* Commands of RFC 5228 and the extensions Dovecot Pigeonhole implements;
 * sievec refuses any other command, so the script would never run. */
static const char *const known_commands[] = {
	"require", "if", "elsif", "else", "stop", "keep", "discard",
	"redirect", "fileinto", "reject", "ereject", "vacation", "notify",
	"denotify", "set", "include", "return", "global", "addflag",
	"setflag", "removeflag", "addheader", "deleteheader", "error",
	"break", "foreverypart", "extracttext", "replace", "enclose",
	"convert", "debug_log", "pipe", "filter", "execute", "report",
	NULL
};

/* Capabilities Pigeonhole knows (plus any "vnd." and "comparator-"). */
static const char *const known_capabilities[] = {
	"fileinto", "reject", "ereject", "envelope", "encoded-character",
	"vacation", "vacation-seconds", "subaddress", "relational", "regex",
	"imap4flags", "imapflags", "copy", "include", "body", "variables",
	"enotify", "notify", "environment", "mailbox", "mboxmetadata",
	"servermetadata", "date", "index", "ihave", "duplicate", "mime",
	"foreverypart", "extracttext", "editheader", "spamtest",
	"spamtestplus", "virustest", "imapsieve", "special-use", "extlists",
	"x-dovecot-exitcode", NULL
};

static int in_list(const char *const *list, const char *s, size_t n)
{
	for (; *list; list++)
		if (fwd_word_eq(s, n, *list))
			return 1;
	return 0;
}

static int has_require(const struct parser *p, const char *ext)
{
	return mw_strlist_contains(&p->d->requires, ext, 0);
}

static int need_require(struct parser *p, const struct tok *k, const char *ext)
{
	if (has_require(p, ext))
		return 0;
	if (!p->failed) {
		p->failed = 1;
		fwd_add_error(p->d, k->line,
			      "%.*s used without require \"%s\"",
			      (int)(k->n > 32 ? 32 : k->n), k->s, ext);
	}
	return -1;
}

static enum tconst parse_test(struct parser *p);

/* "(" test *("," test) ")"; combine as allof (all=1) or anyof. */
static enum tconst parse_test_list(struct parser *p, int all)
{
	struct tok *k = next(p);
	int any_true = 0, any_false = 0, any_cond = 0;

	if (k->type != T_LPAREN) {
		perr(p, k->line, "expected '(' and a test list");
		return TC_COND;
	}
	if (++p->depth > FWD_MAX_NEST) {
		perr(p, k->line, "tests nested too deep");
		return TC_COND;
	}
	for (;;) {
		enum tconst c = parse_test(p);

		if (p->failed)
			return TC_COND;
		if (c == TC_TRUE)
			any_true = 1;
		else if (c == TC_FALSE)
			any_false = 1;
		else
			any_cond = 1;
		k = next(p);
		if (k->type == T_RPAREN)
			break;
		if (k->type != T_COMMA) {
			perr(p, k->line, "expected ',' or ')' in a test list");
			return TC_COND;
		}
	}
	p->depth--;
	if (all)
		return any_false ? TC_FALSE : (any_cond ? TC_COND : TC_TRUE);
	return any_true ? TC_TRUE : (any_cond ? TC_COND : TC_FALSE);
}

static enum tconst parse_test(struct parser *p)
{
	struct tok *k = next(p);
	struct arg args[SIEVE_MAX_ARGS];
	size_t nargs;

	if (k->type != T_IDENT) {
		perr(p, k->line, "expected a test");
		return TC_COND;
	}
	if (tok_is(k, "allof") || tok_is(k, "anyof"))
		return parse_test_list(p, tok_is(k, "allof"));
	if (tok_is(k, "not")) {
		enum tconst c;

		if (++p->depth > FWD_MAX_NEST) {
			perr(p, k->line, "tests nested too deep");
			return TC_COND;
		}
		c = parse_test(p);
		p->depth--;
		return c == TC_TRUE ? TC_FALSE : c == TC_FALSE ? TC_TRUE : TC_COND;
	}
	if (parse_args(p, args, &nargs))
		return TC_COND;
	if (tok_is(k, "true") || tok_is(k, "false")) {
		if (nargs)
			perr(p, k->line, "true/false take no arguments");
		return tok_is(k, "true") ? TC_TRUE : TC_FALSE;
	}
	if (tok_is(k, "header") || tok_is(k, "address") ||
	    tok_is(k, "envelope")) {
		size_t strs = 0;

		for (size_t i = 0; i < nargs; i++)
			if (args[i].type == T_STRING)
				strs++;
		if (strs < 2)
			perr(p, k->line, "test needs a header list and a key list");
		if (tok_is(k, "envelope"))
			need_require(p, k, "envelope");
	} else if (tok_is(k, "exists")) {
		if (nargs < 1 || args[nargs - 1].type != T_STRING)
			perr(p, k->line, "exists needs a header list");
	} else if (tok_is(k, "size")) {
		if (nargs != 2 || args[0].type != T_TAG ||
		    args[1].type != T_NUMBER)
			perr(p, k->line, "size needs :over or :under and a number");
	}
	/* Other tests (body, date, spamtest, ...) are extensions whose
	 * outcome does not change where mail goes: syntax only. */
	return TC_COND;
}

/*
 * Expand ${name} from constant "set" commands into out (capped). Unknown
 * names stay as written, so that the judging sees a variable.
 */
static void expand_vars(const struct parser *p, const char *s, size_t n,
			struct mw_buf *out)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] == '$' && i + 1 < n && s[i + 1] == '{') {
			const char *e = memchr(s + i + 2, '}', n - i - 2);

			if (e) {
				size_t nl = (size_t)(e - (s + i + 2)), k;
				const char *val = NULL;

				for (k = p->var_names.n; k-- > 0;)
					if (strlen(p->var_names.v[k]) == nl &&
					    !strncasecmp(p->var_names.v[k], s + i + 2, nl)) {
						val = p->var_values.v[k];
						break;
					}
				if (val) {
					if (mw_buf_puts(out, val))
						return;
					i = (size_t)(e - s) + 1;
					continue;
				}
			}
		}
		if (mw_buf_putc(out, s[i]))
			return;
		i++;
	}
}

/* Add the addresses of a mailto: URI (RFC 6068) as notify facts. */
static void add_mailto(struct parser *p, const char *uri, size_t n,
		       const char *lt, size_t ln, unsigned long line,
		       int conditional, int disabled)
{
	size_t i = 7, s;

	if (n < 7 || strncasecmp(uri, "mailto:", 7))
		return;
	while (i < n && uri[i] != '?') {
		struct fwd_fact *f;

		s = i;
		while (i < n && uri[i] != ',' && uri[i] != '?')
			i++;
		if (i > s) {
			f = fwd_add_fact(p->d, FWD_NOTIFY, uri + s, i - s, lt,
					 ln, line);
			if (f) {
				f->conditional = conditional;
				f->disabled = disabled;
				f->copy = 1;
			}
		}
		if (i < n && uri[i] == ',')
			i++;
	}
}

static int parse_commands(struct parser *p, int conditional, int disabled,
			  int top);

/* The action commands; everything else is accepted for its syntax. */
static void do_action(struct parser *p, struct tok *k, struct arg *args,
		      size_t nargs, int conditional, int disabled)
{
	const char *lt;
	size_t ln, i;
	struct fwd_fact *f;
	int copy = 0;
	struct arg *pos = NULL;	/* last positional string */

	line_of(p, k, &lt, &ln);
	for (i = 0; i < nargs; i++) {
		if (args[i].type == T_STRING && !args[i].is_list)
			pos = &args[i];
		if (args[i].type == T_TAG) {
			struct tok *t = &p->toks[args[i].tok];

			if (tok_is(t, ":copy")) {
				copy = 1;
				need_require(p, t, "copy");
			}
		}
	}
	if (p->stopped)
		disabled = 1;

	if (tok_is(k, "redirect")) {
		struct tok *s;

		if (!pos || pos != &args[nargs - 1]) {
			perr(p, k->line, "redirect needs one address string");
			return;
		}
		s = arg_str(p, pos, 0);
		if (has_require(p, "variables") && memchr(s->str, '$', s->slen)) {
			struct mw_buf b;

			mw_buf_init(&b, FWD_MAX_DEST);
			expand_vars(p, s->str, s->slen, &b);
			f = fwd_add_fact(p->d, FWD_REDIRECT, b.data ? b.data : "",
					 b.len, lt, ln, k->line);
			mw_buf_free(&b);
		} else {
			f = fwd_add_fact(p->d, FWD_REDIRECT, s->str, s->slen,
					 lt, ln, k->line);
		}
		if (f) {
			f->copy = copy;
			f->conditional = conditional;
			f->disabled = disabled;
		}
	} else if (tok_is(k, "keep")) {
		if (!disabled)
			p->d->keeps++;
	} else if (tok_is(k, "discard")) {
		if (nargs)
			perr(p, k->line, "discard takes no arguments");
		else if (!disabled && !p->spam)
			fwd_set_hide(p->d, k->line, lt, ln);
	} else if (tok_is(k, "fileinto")) {
		struct tok *s;

		if (need_require(p, k, "fileinto"))
			return;
		if (!pos || pos != &args[nargs - 1]) {
			perr(p, k->line, "fileinto needs one folder string");
			return;
		}
		s = arg_str(p, pos, 0);
		f = fwd_add_fact(p->d, FWD_FILE, s->str, s->slen, lt, ln,
				 k->line);
		if (f) {
			f->copy = copy;
			f->conditional = conditional;
			f->disabled = disabled;
		}
		if (!disabled && !p->spam &&
		    fwd_folder_is_trash(s->str, s->slen))
			fwd_set_hide(p->d, k->line, lt, ln);
	} else if (tok_is(k, "vacation")) {
		if (need_require(p, k, "vacation"))
			return;
		if (!pos || pos != &args[nargs - 1])
			perr(p, k->line, "vacation needs a reason string");
	} else if (tok_is(k, "notify")) {
		struct tok *method = NULL;
		struct arg *options = NULL;

		if (!has_require(p, "enotify") && need_require(p, k, "notify"))
			return;
		for (i = 0; i < nargs; i++) {
			struct tok *t = &p->toks[args[i].tok];

			if (args[i].type != T_TAG)
				continue;
			/* tags that take a value: skip it */
			if (tok_is(t, ":method") && i + 1 < nargs &&
			    args[i + 1].type == T_STRING) {
				method = arg_str(p, &args[i + 1], 0);
				i++;
			} else if (tok_is(t, ":options") && i + 1 < nargs &&
				   args[i + 1].type == T_STRING) {
				options = &args[i + 1];
				i++;
			} else if ((tok_is(t, ":from") || tok_is(t, ":message") ||
				    tok_is(t, ":importance") || tok_is(t, ":id")) &&
				   i + 1 < nargs) {
				i++;
			}
		}
		if (!method && pos && pos == &args[nargs - 1] &&
		    !(nargs >= 2 && args[nargs - 2].type == T_TAG &&
		      !tok_is(&p->toks[args[nargs - 2].tok], ":low") &&
		      !tok_is(&p->toks[args[nargs - 2].tok], ":normal") &&
		      !tok_is(&p->toks[args[nargs - 2].tok], ":high")))
			method = arg_str(p, pos, 0);
		if (has_require(p, "enotify") && !method) {
			perr(p, k->line, "notify needs a method URI");
			return;
		}
		if (method)
			add_mailto(p, method->str, method->slen, lt, ln,
				   k->line, conditional, disabled);
		/* draft notify: :method "mailto" :options ["addr"] */
		if (options && method && method->slen == 6 &&
		    !strncasecmp(method->str, "mailto", 6)) {
			for (i = 0; i < options->nstr; i++) {
				struct tok *s = arg_str(p, options, i);

				f = fwd_add_fact(p->d, FWD_NOTIFY, s->str,
						 s->slen, lt, ln, k->line);
				if (f) {
					f->copy = 1;
					f->conditional = conditional;
					f->disabled = disabled;
				}
			}
		}
	} else if (tok_is(k, "include")) {
		struct tok *s;
		int global = 0;

		if (need_require(p, k, "include"))
			return;
		if (!pos || pos != &args[nargs - 1]) {
			perr(p, k->line, "include needs a script name");
			return;
		}
		for (i = 0; i < nargs; i++)
			if (args[i].type == T_TAG &&
			    tok_is(&p->toks[args[i].tok], ":global"))
				global = 1;
		s = arg_str(p, pos, 0);
		f = fwd_add_fact(p->d, FWD_INCLUDE, s->str, s->slen, lt, ln,
				 k->line);
		if (f) {
			f->key = strdup(global ? "global" : "personal");
			f->conditional = conditional;
			f->disabled = disabled;
		}
	} else if (tok_is(k, "pipe")) {
		/* vnd.dovecot.pipe: pipe [:copy] [:try] "program" [args];
		 * the program is the first positional string */
		struct tok *prog = NULL;

		if (need_require(p, k, "vnd.dovecot.pipe"))
			return;
		for (i = 0; i < nargs && !prog; i++)
			if (args[i].type == T_STRING && !args[i].is_list)
				prog = arg_str(p, &args[i], 0);
		if (!prog) {
			perr(p, k->line, "pipe needs a program name");
			return;
		}
		f = fwd_add_fact(p->d, FWD_PIPE, prog->str, prog->slen, lt, ln,
				 k->line);
		if (f) {
			f->copy = copy;
			f->conditional = conditional;
			f->disabled = disabled;
		}
	} else if (tok_is(k, "set")) {
		struct arg *sa[2];
		size_t ns = 0;

		if (need_require(p, k, "variables"))
			return;
		for (i = 0; i < nargs && ns < 2; i++)
			if (args[i].type == T_STRING && !args[i].is_list)
				sa[ns++] = &args[i];
		if (ns != 2 || sa[1] != &args[nargs - 1]) {
			perr(p, k->line, "set needs a name and a value");
			return;
		}
		if (p->var_names.n < FWD_MAX_FACTS) {
			struct tok *nm = arg_str(p, sa[0], 0), *v = arg_str(p, sa[1], 0);
			struct mw_buf b;

			/* "${a}${b}" chains resolve through earlier sets */
			mw_buf_init(&b, FWD_MAX_DEST);
			expand_vars(p, v->str, v->slen, &b);
			if (mw_strlist_addn(&p->var_names, nm->str, nm->slen) == MW_OK &&
			    mw_strlist_addn(&p->var_values, b.data ? b.data : "",
					    b.len) != MW_OK) {
				p->var_names.n--;
				free(p->var_names.v[p->var_names.n]);
			}
			mw_buf_free(&b);
		}
	} else if (tok_is(k, "stop")) {
		if (!conditional && !disabled)
			p->stopped = 1;
	}
}

/*
 * One command: identifier arguments (";" / block). Control commands
 * (require, if/elsif/else) are handled here; *chain carries the state of
 * an if/elsif/else chain at this level: -1 none, 0 open, 1 a branch was
 * constant true (the rest can never run).
 */
static int parse_command(struct parser *p, int conditional, int disabled,
			 int *chain, int *chain_false, int top)
{
	struct tok *k = next(p);
	struct arg args[SIEVE_MAX_ARGS];
	size_t nargs;
	int is_if, is_elsif, is_else;

	if (k->type != T_IDENT) {
		perr(p, k->line, "expected a command");
		return -1;
	}
	is_if = tok_is(k, "if");
	is_elsif = tok_is(k, "elsif");
	is_else = tok_is(k, "else");
	if ((is_elsif || is_else) && *chain < 0) {
		perr(p, k->line, "elsif/else without a preceding if");
		return -1;
	}
	if (is_if || is_elsif || is_else) {
		enum tconst c = TC_TRUE;
		int bdis, bcond, old_spam = p->spam, rc;
		struct tok *b;

		if (is_if) {
			*chain = 0;
			*chain_false = 1;
		}
		if (!is_else) {
			if (p->toks[p->pos].type != T_IDENT) {
				perr(p, k->line, "if/elsif needs a test");
				return -1;
			}
			size_t ts = p->pos;
			const struct tok *te;

			c = parse_test(p);
			if (p->failed)
				return -1;
			te = &p->toks[p->pos - 1];
			if (fwd_cond_is_spam(p->toks[ts].s,
					     (size_t)(te->s + te->n - p->toks[ts].s)))
				p->spam = 1;
		}
		/* A branch never runs after a constant-true one or with a
		 * constant-false test; it is unconditional only when its
		 * test is true and every earlier test was constant false. */
		bdis = disabled || p->stopped || *chain == 1 || c == TC_FALSE;
		bcond = conditional || c == TC_COND || !*chain_false;
		if (c != TC_FALSE)
			*chain_false = 0;
		b = next(p);
		if (b->type != T_LBRACE) {
			p->spam = old_spam;
			perr(p, b->line, "expected '{' after the test");
			return -1;
		}
		if (++p->depth > FWD_MAX_NEST) {
			p->spam = old_spam;
			perr(p, b->line, "blocks nested too deep");
			return -1;
		}
		/* a conditional branch at the top is a rule of its own (with
		 * what is nested in it): its discard hides only its own
		 * redirects; a top-level discard hides the whole script's */
		if (p->depth == 1 && bcond) {
			unsigned outer = fwd_rule_begin(p->d);

			rc = parse_commands(p, bcond, bdis, 0);
			fwd_rule_end(p->d, outer);
		} else {
			rc = parse_commands(p, bcond, bdis, 0);
		}
		p->spam = old_spam;
		if (rc)
			return -1;
		p->depth--;
		b = next(p);
		if (b->type != T_RBRACE) {
			perr(p, b->line, "expected '}'");
			return -1;
		}
		if (c == TC_TRUE)
			*chain = 1;
		if (is_else)
			*chain = -1;
		return 0;
	}
	*chain = -1;
	if (!in_list(known_commands, k->s, k->n)) {
		perr(p, k->line, "unknown command");
		return -1;
	}
	if (parse_args(p, args, &nargs))
		return -1;
	/* a command with a test list/test: only control commands take one */
	if (peek(p)->type == T_IDENT || peek(p)->type == T_LPAREN) {
		/* reported where the command ends, as sievec does */
		perr(p, p->toks[p->pos - 1].line, "missing ';' after the command");
		return -1;
	}
	if (tok_is(k, "require")) {
		if (top != 1 || nargs != 1 || args[0].type != T_STRING) {
			perr(p, k->line, top == 1 ? "require needs a string list" :
				  "require must come before other commands");
			return -1;
		}
		for (size_t i = 0; i < args[0].nstr; i++) {
			struct tok *s = arg_str(p, &args[0], i);

			if (!in_list(known_capabilities, s->str, s->slen) &&
			    (s->slen < 4 || strncasecmp(s->str, "vnd.", 4)) &&
			    (s->slen < 11 || strncasecmp(s->str, "comparator-", 11))) {
				perr(p, s->line, "require of an unknown Sieve capability");
				return -1;
			}

			if (mw_strlist_addn(&p->d->requires, s->str, s->slen))
				return -1;
		}
	} else {
		do_action(p, k, args, nargs, conditional, disabled);
		if (p->failed)
			return -1;
	}
	k = next(p);
	if (k->type == T_LBRACE) {
		perr(p, k->line, "block after a command that takes none");
		return -1;
	}
	if (k->type != T_SEMI) {
		perr(p, p->toks[p->pos > 1 ? p->pos - 2 : 0].line,
		     "missing ';' after the command");
		return -1;
	}
	return 0;
}

static int parse_commands(struct parser *p, int conditional, int disabled,
			  int top)
{
	int chain = -1, chain_false = 0;

	while (!p->failed) {
		enum tok_type t = peek(p)->type;

		if (t == T_EOF || t == T_RBRACE)
			break;
		int is_require = tok_is(peek(p), "require");

		if (parse_command(p, conditional, disabled, &chain,
				  &chain_false, top))
			return -1;
		/* require only before the first other command */
		if (top == 1 && !is_require)
			top = 2;
	}
	return p->failed ? -1 : 0;
}

enum mw_err fwd_parse_sieve(struct fwd_doc *d, const char *text, size_t len)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.d = d;
	p.text = text;
	p.len = len;
	if (tokenize(&p) == 0 && parse_commands(&p, 0, 0, 1) == 0) {
		struct tok *k = peek(&p);

		if (k->type != T_EOF)
			perr(&p, k->line, "unexpected '}'");
	}
	for (size_t i = 0; i < p.ntoks; i++)
		free(p.toks[i].str);
	free(p.toks);
	mw_strlist_clear(&p.var_names);
	mw_strlist_clear(&p.var_values);
	return MW_OK;
}
