/*
 * Sieve (RFC 5228) tokenizer and parser, with the extensions that decide
 * where mail goes: copy (RFC 3894), fileinto, vacation (RFC 5230), enotify
 * (RFC 5435) and the older notify draft, include (RFC 6609). The script is
 * parsed completely (grammar of RFC 5228 section 8) and then walked; nothing
 * is evaluated except constant tests (true, false, not, allof, anyof), so
 * that a Roundcube-disabled rule ("if false # rule:[...]") is recognised as
 * such and code after an unconditional stop as unreachable. This file has
 * the tokenizer and the grammar; what an action command means (its facts)
 * is in fwd_sieve_act.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/limits.h"
#include "scanner/forwarders/fwd_sieve_int.h"

enum tconst { TC_COND = 0, TC_TRUE, TC_FALSE };

void mw_sieve_error(struct parser *p, unsigned long line, const char *msg)
{
	if (p->failed)
		return;
	p->failed = 1;
	mw_fwd_add_error(p->d, line, "%s", msg);
}

/* ---- tokenizer ---- */

static struct tok *push_tok(struct parser *p, enum tok_type t, const char *s,
			    size_t n, unsigned long line)
{
	struct tok *k;

	if (p->ntoks >= FWD_MAX_TOKENS) {
		mw_sieve_error(p, line, "script has too many tokens");
		return NULL;
	}
	if (p->ntoks == p->atoks) {
		size_t na = p->atoks ? p->atoks * 2 : 64;
		struct tok *nt = realloc(p->toks, na * sizeof(*nt));

		if (!nt) {
			mw_sieve_error(p, line, "out of memory");
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

/* A string token for the source bytes s[0..n) with the value in *b (taken;
 * *b is freed either way). 0, or -1 after an error was recorded. */
static int push_string(struct parser *p, const char *s, size_t n, unsigned long line,
		       struct mw_buf *b)
{
	struct tok *k = push_tok(p, T_STRING, s, n, line);

	if (!k) {
		mw_buf_free(b);
		return -1;
	}
	k->slen = b->len;
	k->str = b->len ? mw_buf_steal(b) : strdup("");
	mw_buf_free(b);
	if (!k->str) {
		p->ntoks--;
		mw_sieve_error(p, line, "out of memory");
		return -1;
	}
	return 0;
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

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	while (j < p->len && t[j] != '"') {
		if (t[j] == '\\' && j + 1 < p->len)
			j++;
		if (t[j] == '\n')
			(*line)++;
		if (mw_buf_putc(&b, t[j])) {
			mw_buf_free(&b);
			mw_sieve_error(p, sline, "out of memory");
			return -1;
		}
		j++;
	}
	if (j >= p->len) {
		mw_buf_free(&b);
		mw_sieve_error(p, sline, "unterminated quoted string");
		return -1;
	}
	if (push_string(p, t + start, j + 1 - start, sline, &b))
		return -1;
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

	while (j < p->len && (t[j] == ' ' || t[j] == '\t'))
		j++;
	if (j < p->len && t[j] == '#') {
		while (j < p->len && t[j] != '\n')
			j++;
	} else if (j < p->len && t[j] == '\r') {
		j++;
	}
	if (j >= p->len || t[j] != '\n') {
		mw_sieve_error(p, sline, "text: must be followed by a line break");
		return -1;
	}
	j++;
	(*line)++;
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	for (;;) {
		size_t ls = j, le;

		if (j >= p->len) {
			mw_buf_free(&b);
			mw_sieve_error(p, sline,
				       "unterminated text: block (no '.' line)");
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
			mw_sieve_error(p, sline, "text: block too long");
			return -1;
		}
		if (j < p->len) {
			j++;
			(*line)++;
		}
	}
	if (push_string(p, t + start, j - start, sline, &b))
		return -1;
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
		mw_sieve_error(p, line, "NUL byte in script");
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
				mw_sieve_error(p, sline,
					       "unterminated bracket comment");
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
				mw_sieve_error(p, line,
					       "':' not followed by a tag name");
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
				mw_sieve_error(p, line, "bad number");
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
			mw_sieve_error(p, line, "unexpected character");
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
					mw_sieve_error(p, k->line,
						       "expected a string in a string list");
					return -1;
				}
				a.nstr++;
				k = next(p);
				if (k->type == T_RBRACKET)
					break;
				if (k->type != T_COMMA) {
					mw_sieve_error(p, k->line,
						       "expected ',' or ']' in a string list");
					return -1;
				}
			}
		} else {
			return 0;
		}
		if (*nargs >= SIEVE_MAX_ARGS) {
			mw_sieve_error(p, k->line, "too many arguments");
			return -1;
		}
		args[(*nargs)++] = a;
	}
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
		if (mw_fwd_word_eq(s, n, *list))
			return 1;
	return 0;
}

int mw_sieve_need_require(struct parser *p, const struct tok *k,
			  const char *ext)
{
	if (mw_sieve_has_require(p, ext))
		return 0;
	if (!p->failed) {
		p->failed = 1;
		mw_fwd_add_error(p->d, k->line,
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
		mw_sieve_error(p, k->line, "expected '(' and a test list");
		return TC_COND;
	}
	if (++p->depth > FWD_MAX_NEST) {
		mw_sieve_error(p, k->line, "tests nested too deep");
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
			mw_sieve_error(p, k->line,
				       "expected ',' or ')' in a test list");
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
		mw_sieve_error(p, k->line, "expected a test");
		return TC_COND;
	}
	if (mw_sieve_tok_is(k, "allof") || mw_sieve_tok_is(k, "anyof"))
		return parse_test_list(p, mw_sieve_tok_is(k, "allof"));
	if (mw_sieve_tok_is(k, "not")) {
		enum tconst c;

		if (++p->depth > FWD_MAX_NEST) {
			mw_sieve_error(p, k->line, "tests nested too deep");
			return TC_COND;
		}
		c = parse_test(p);
		p->depth--;
		return c == TC_TRUE ? TC_FALSE : c == TC_FALSE ? TC_TRUE : TC_COND;
	}
	if (parse_args(p, args, &nargs))
		return TC_COND;
	if (mw_sieve_tok_is(k, "true") || mw_sieve_tok_is(k, "false")) {
		if (nargs)
			mw_sieve_error(p, k->line, "true/false take no arguments");
		return mw_sieve_tok_is(k, "true") ? TC_TRUE : TC_FALSE;
	}
	if (mw_sieve_tok_is(k, "header") || mw_sieve_tok_is(k, "address") ||
	    mw_sieve_tok_is(k, "envelope")) {
		size_t strs = 0;

		for (size_t i = 0; i < nargs; i++)
			if (args[i].type == T_STRING)
				strs++;
		if (strs < 2)
			mw_sieve_error(p, k->line,
				       "test needs a header list and a key list");
		if (mw_sieve_tok_is(k, "envelope"))
			mw_sieve_need_require(p, k, "envelope");
	} else if (mw_sieve_tok_is(k, "exists")) {
		if (nargs < 1 || args[nargs - 1].type != T_STRING)
			mw_sieve_error(p, k->line, "exists needs a header list");
	} else if (mw_sieve_tok_is(k, "size")) {
		if (nargs != 2 || args[0].type != T_TAG ||
		    args[1].type != T_NUMBER)
			mw_sieve_error(p, k->line,
				       "size needs :over or :under and a number");
	}
	/* Other tests (body, date, spamtest, ...) are extensions whose
	 * outcome does not change where mail goes: syntax only. */
	return TC_COND;
}

static int parse_commands(struct parser *p, int conditional, int disabled,
			  int top);

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
		mw_sieve_error(p, k->line, "expected a command");
		return -1;
	}
	is_if = mw_sieve_tok_is(k, "if");
	is_elsif = mw_sieve_tok_is(k, "elsif");
	is_else = mw_sieve_tok_is(k, "else");
	if ((is_elsif || is_else) && *chain < 0) {
		mw_sieve_error(p, k->line, "elsif/else without a preceding if");
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
				mw_sieve_error(p, k->line, "if/elsif needs a test");
				return -1;
			}
			size_t ts = p->pos;
			const struct tok *te;

			c = parse_test(p);
			if (p->failed)
				return -1;
			te = &p->toks[p->pos - 1];
			if (mw_fwd_cond_is_spam(p->toks[ts].s,
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
			mw_sieve_error(p, b->line, "expected '{' after the test");
			return -1;
		}
		if (++p->depth > FWD_MAX_NEST) {
			p->spam = old_spam;
			mw_sieve_error(p, b->line, "blocks nested too deep");
			return -1;
		}
		/* a conditional branch at the top is a rule of its own (with
		 * what is nested in it): its discard hides only its own
		 * redirects; a top-level discard hides the whole script's */
		if (p->depth == 1 && bcond) {
			unsigned outer = mw_fwd_rule_begin(p->d);

			rc = parse_commands(p, bcond, bdis, 0);
			mw_fwd_rule_end(p->d, outer);
		} else {
			rc = parse_commands(p, bcond, bdis, 0);
		}
		p->spam = old_spam;
		if (rc)
			return -1;
		p->depth--;
		b = next(p);
		if (b->type != T_RBRACE) {
			mw_sieve_error(p, b->line, "expected '}'");
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
		mw_sieve_error(p, k->line, "unknown command");
		return -1;
	}
	if (parse_args(p, args, &nargs))
		return -1;
	/* a command with a test list/test: only control commands take one */
	if (peek(p)->type == T_IDENT || peek(p)->type == T_LPAREN) {
		/* reported where the command ends, as sievec does */
		mw_sieve_error(p, p->toks[p->pos - 1].line,
			       "missing ';' after the command");
		return -1;
	}
	if (mw_sieve_tok_is(k, "require")) {
		if (top != 1 || nargs != 1 || args[0].type != T_STRING) {
			mw_sieve_error(p, k->line,
				       top == 1 ? "require needs a string list" :
				       "require must come before other commands");
			return -1;
		}
		for (size_t i = 0; i < args[0].nstr; i++) {
			struct tok *s = mw_sieve_arg_str(p, &args[0], i);

			if (!in_list(known_capabilities, s->str, s->slen) &&
			    (s->slen < 4 || strncasecmp(s->str, "vnd.", 4)) &&
			    (s->slen < 11 || strncasecmp(s->str, "comparator-", 11))) {
				mw_sieve_error(p, s->line,
					       "require of an unknown Sieve capability");
				return -1;
			}

			if (mw_strlist_addn(&p->d->requires, s->str, s->slen))
				return -1;
		}
	} else {
		mw_sieve_action(p, k, args, nargs, conditional, disabled);
		if (p->failed)
			return -1;
	}
	k = next(p);
	if (k->type == T_LBRACE) {
		mw_sieve_error(p, k->line, "block after a command that takes none");
		return -1;
	}
	if (k->type != T_SEMI) {
		mw_sieve_error(p, p->toks[p->pos > 1 ? p->pos - 2 : 0].line,
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
		int is_require = mw_sieve_tok_is(peek(p), "require");

		if (parse_command(p, conditional, disabled, &chain,
				  &chain_false, top))
			return -1;
		/* require only before the first other command */
		if (top == 1 && !is_require)
			top = 2;
	}
	return p->failed ? -1 : 0;
}

enum mw_err mw_fwd_parse_sieve(struct fwd_doc *d, const char *text, size_t len)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.d = d;
	p.text = text;
	p.len = len;
	if (tokenize(&p) == 0 && parse_commands(&p, 0, 0, 1) == 0) {
		struct tok *k = peek(&p);

		if (k->type != T_EOF)
			mw_sieve_error(&p, k->line, "unexpected '}'");
	}
	for (size_t i = 0; i < p.ntoks; i++)
		free(p.toks[i].str);
	free(p.toks);
	mw_strlist_clear(&p.var_names);
	mw_strlist_clear(&p.var_values);
	return MW_OK;
}
