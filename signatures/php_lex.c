/*
 * PHP lexer; see php_lex.h for the contract. Every read goes through
 * at()/has(), which know the buffer's end.
 */
#define _GNU_SOURCE
#include <string.h>

#include "core/ascii.h"
#include "signatures/php_lex.h"

static int at(const struct mw_php_lexer *lx, size_t i)
{
	return i < lx->len ? (unsigned char)lx->buf[i] : -1;
}

/* buf[i..] starts with s, ASCII case-insensitively */
static int has_ci(const char *buf, size_t len, size_t i, const char *s)
{
	size_t n = strlen(s), k;

	if (i > len || len - i < n)
		return 0;
	for (k = 0; k < n; k++)
		if (mw_ascii_lower((unsigned char)buf[i + k]) != (unsigned char)s[k])
			return 0;
	return 1;
}

static int is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_name(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void mw_php_lex_init(struct mw_php_lexer *lx, const char *buf, size_t len,
		     int in_php)
{
	memset(lx, 0, sizeof(*lx));
	lx->buf = buf ? buf : "";
	lx->len = buf ? len : 0;
	lx->in_php = in_php != 0;
}

/* Length of an open tag at i, 0 if none; *echo for "<?=", *script for the
 * script form. */
static size_t open_tag_at(const struct mw_php_lexer *lx, size_t i, int *echo,
			  int *script)
{
	size_t j;
	int q;

	*echo = *script = 0;
	if (at(lx, i) != '<')
		return 0;
	if (at(lx, i + 1) == '?') {
		if (has_ci(lx->buf, lx->len, i, "<?php")) {
			int c = at(lx, i + 5);

			if (c == -1)
				return 5;
			if (c == '\r' && at(lx, i + 6) == '\n')
				return 7;
			if (is_blank(c))
				return 6;
			/* "<?phpx": PHP 8 reads "<?" then "phpx" */
		}
		if (at(lx, i + 2) == '=') {
			*echo = 1;
			return 3;
		}
		if (has_ci(lx->buf, lx->len, i, "<?xml"))
			return 0;
		return 2;
	}
	if (!has_ci(lx->buf, lx->len, i, "<script"))
		return 0;
	j = i + 7;
	if (!is_blank(at(lx, j)))
		return 0;
	while (is_blank(at(lx, j)))
		j++;
	if (!has_ci(lx->buf, lx->len, j, "language"))
		return 0;
	j += 8;
	while (is_blank(at(lx, j)))
		j++;
	if (at(lx, j) != '=')
		return 0;
	j++;
	while (is_blank(at(lx, j)))
		j++;
	q = at(lx, j);
	if (q == '"' || q == '\'')
		j++;
	else
		q = 0;
	if (!has_ci(lx->buf, lx->len, j, "php"))
		return 0;
	j += 3;
	if (q) {
		if (at(lx, j) != q)
			return 0;
		j++;
	}
	while (is_blank(at(lx, j)))
		j++;
	if (at(lx, j) != '>')
		return 0;
	*script = 1;
	return j + 1 - i;
}

static void lex_html(struct mw_php_lexer *lx, struct mw_php_token *t)
{
	size_t i = lx->pos, n;
	int echo, script;

	n = open_tag_at(lx, i, &echo, &script);
	if (n) {
		t->kind = echo ? MW_PT_OPEN_ECHO : MW_PT_OPEN;
		t->len = n;
		lx->in_php = 1;
		lx->script_tag = script;
		return;
	}
	for (i++; i < lx->len; i++) {
		const char *p = memchr(lx->buf + i, '<', lx->len - i);

		if (!p) {
			i = lx->len;
			break;
		}
		i = (size_t)(p - lx->buf);
		if (open_tag_at(lx, i, &echo, &script))
			break;
	}
	t->kind = MW_PT_HTML;
	t->len = i - lx->pos;
}

/* End of a line comment starting at i: before the newline or "?>". */
static size_t line_comment_end(const struct mw_php_lexer *lx, size_t i)
{
	for (; i < lx->len; i++) {
		char c = lx->buf[i];

		if (c == '\n' || c == '\r')
			return i;
		if (c == '?' && at(lx, i + 1) == '>')
			return i;
	}
	return lx->len;
}

/* Skip a simple quoted string starting at i (the quote): index after it;
 * *open set when it runs to the end of the buffer (may be NULL). */
static size_t skip_quoted(const struct mw_php_lexer *lx, size_t i, int *open)
{
	int q = at(lx, i);

	for (i++; i < lx->len; i++) {
		if (lx->buf[i] == '\\')
			i++;
		else if ((unsigned char)lx->buf[i] == q)
			return i + 1;
	}
	if (open)
		*open = 1;
	return lx->len;
}

/* "{$ ... }" or "${ ... }" inside an interpolating string, from the "{"
 * at i: index after the matching "}" (nesting counted, quoted strings
 * inside skipped). */
static size_t skip_braced(const struct mw_php_lexer *lx, size_t i)
{
	size_t depth = 0;

	while (i < lx->len) {
		int c = (unsigned char)lx->buf[i];

		if (c == '{') {
			depth++;
			i++;
		} else if (c == '}') {
			i++;
			if (--depth == 0)
				return i;
		} else if (c == '\'' || c == '"') {
			i = skip_quoted(lx, i, NULL);
		} else {
			i++;
		}
	}
	return lx->len;
}

/* Does body[i] start an interpolation? */
static int interp_at(const struct mw_php_lexer *lx, size_t i)
{
	int c = at(lx, i), d = at(lx, i + 1);

	return (c == '$' && (is_name_start(d) || d == '{')) || (c == '{' && d == '$');
}

/* A double-quoted or backtick string from the quote at i. */
static void lex_dq(struct mw_php_lexer *lx, struct mw_php_token *t, size_t i,
		   int q)
{
	int interp = q == '`';

	for (i++; i < lx->len;) {
		int c = (unsigned char)lx->buf[i];

		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == q) {
			t->len = i + 1 - t->start;
			t->kind = interp ? MW_PT_ISTRING : MW_PT_STRING;
			return;
		}
		if (interp_at(lx, i)) {
			interp = 1;
			if (c == '{' || at(lx, i + 1) == '{') {
				i = skip_braced(lx, c == '{' ? i : i + 1);
				continue;
			}
		}
		i++;
	}
	t->len = lx->len - t->start;
	t->kind = interp ? MW_PT_ISTRING : MW_PT_STRING;
	t->flags |= MW_PT_F_UNTERMINATED;
}

static void lex_sq(struct mw_php_lexer *lx, struct mw_php_token *t, size_t i)
{
	int open = 0;
	size_t e = skip_quoted(lx, i, &open);

	t->kind = MW_PT_STRING;
	t->flags |= MW_PT_F_SQ;
	t->len = e - t->start;
	if (open)
		t->flags |= MW_PT_F_UNTERMINATED;
}

/*
 * Heredoc/nowdoc from "<<<" at i. Returns 0 (not a heredoc header: the
 * caller lexes "<<" as an operator) or 1 with t filled. The closing label
 * may be indented (PHP 7.3) and is followed by a non-name byte.
 */
static int lex_heredoc(struct mw_php_lexer *lx, struct mw_php_token *t, size_t i)
{
	size_t j = i + 3, lab, lablen, line;
	int q = 0;

	while (at(lx, j) == ' ' || at(lx, j) == '\t')
		j++;
	if (at(lx, j) == '"' || at(lx, j) == '\'')
		q = at(lx, j++);
	lab = j;
	if (!is_name_start(at(lx, j)))
		return 0;
	while (is_name(at(lx, j)))
		j++;
	lablen = j - lab;
	if (lablen > MW_PHP_MAX_HEREDOC_ID)
		return 0;
	if (q) {
		if (at(lx, j) != q)
			return 0;
		j++;
	}
	if (at(lx, j) == '\r')
		j++;
	if (at(lx, j) != '\n')
		return 0;
	j++;
	t->kind = MW_PT_STRING;
	t->flags |= q == '\'' ? MW_PT_F_NOWDOC : MW_PT_F_HEREDOC;
	for (line = j; line < lx->len;) {
		size_t k = line;
		const char *nl;

		while (at(lx, k) == ' ' || at(lx, k) == '\t')
			k++;
		if (lx->len - k >= lablen &&
		    memcmp(lx->buf + k, lx->buf + lab, lablen) == 0 &&
		    !is_name(at(lx, k + lablen))) {
			t->len = k + lablen - t->start;
			return 1;
		}
		if (!(t->flags & MW_PT_F_NOWDOC)) {
			/* interpolation on this line? (body scan) */
			for (k = line; k < lx->len && lx->buf[k] != '\n'; k++) {
				if (lx->buf[k] == '\\') {
					k++;
					continue;
				}
				if (interp_at(lx, k))
					t->kind = MW_PT_ISTRING;
			}
		}
		nl = memchr(lx->buf + line, '\n', lx->len - line);
		if (!nl)
			break;
		line = (size_t)(nl - lx->buf) + 1;
	}
	t->len = lx->len - t->start;
	t->flags |= MW_PT_F_UNTERMINATED;
	return 1;
}

#define W(s) { s, sizeof(s) - 1 }
static const struct { const char *s; size_t n; } casts[] = {
	W("int"), W("integer"), W("bool"), W("boolean"), W("float"),
	W("double"), W("real"), W("string"), W("binary"), W("array"),
	W("object"), W("unset"),
};

/* Longest first within each length. */
static const struct { const char *s; size_t n; } ops[] = {
	W("<=>"), W("==="), W("!=="), W("**="), W("..."), W("<<="), W(">>="),
	W("?\?="), W("?->"),
	W("++"), W("--"), W("->"), W("=>"), W("::"), W("=="), W("!="), W("<>"),
	W("<="), W(">="), W("&&"), W("||"), W("??"), W("+="), W("-="), W("*="),
	W("/="), W(".="), W("%="), W("&="), W("|="), W("^="), W("<<"), W(">>"),
	W("**"),
};
#undef W

static size_t cast_at(const struct mw_php_lexer *lx, size_t i)
{
	size_t j = i + 1, w, k;

	while (at(lx, j) == ' ' || at(lx, j) == '\t')
		j++;
	w = j;
	while (is_name(at(lx, j)))
		j++;
	if (j - w < 3 || j - w > 7)	/* "int" .. "integer" */
		return 0;
	for (k = 0; k < sizeof(casts) / sizeof(casts[0]); k++) {
		if (j - w == casts[k].n && has_ci(lx->buf, lx->len, w, casts[k].s)) {
			while (at(lx, j) == ' ' || at(lx, j) == '\t')
				j++;
			return at(lx, j) == ')' ? j + 1 - i : 0;
		}
	}
	return 0;
}

static size_t op_at(const struct mw_php_lexer *lx, size_t i)
{
	size_t k;

	/* one-byte operators that start no longer one: most of them */
	switch (lx->buf[i]) {
	case '(': case ')': case '[': case ']': case '{': case '}': case ',':
	case ';': case '@': case '~': case '$': case '\\':
		return 1;
	}
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		size_t n = ops[k].n;

		if (ops[k].s[0] == lx->buf[i] && lx->len - i >= n &&
		    memcmp(lx->buf + i, ops[k].s, n) == 0)
			return n;
	}
	return 1;
}

static size_t number_end(const struct mw_php_lexer *lx, size_t i)
{
	int c = at(lx, i), d = at(lx, i + 1);

	if (c == '0' && (d == 'x' || d == 'X' || d == 'b' || d == 'B' ||
			 d == 'o' || d == 'O')) {
		i += 2;
		while (is_name(at(lx, i)))	/* digits and _ (hex: letters) */
			i++;
		return i;
	}
	while ((at(lx, i) >= '0' && at(lx, i) <= '9') || at(lx, i) == '_')
		i++;
	if (at(lx, i) == '.' && at(lx, i + 1) != '.') {
		i++;
		while ((at(lx, i) >= '0' && at(lx, i) <= '9') || at(lx, i) == '_')
			i++;
	}
	c = at(lx, i);
	if (c == 'e' || c == 'E') {
		size_t j = i + 1;

		if (at(lx, j) == '+' || at(lx, j) == '-')
			j++;
		if (at(lx, j) >= '0' && at(lx, j) <= '9') {
			while (at(lx, j) >= '0' && at(lx, j) <= '9')
				j++;
			i = j;
		}
	}
	return i;
}

static void lex_php(struct mw_php_lexer *lx, struct mw_php_token *t)
{
	size_t i = lx->pos, j;
	int c = at(lx, i), d = at(lx, i + 1);

	if (is_blank(c)) {
		for (j = i; is_blank(at(lx, j)); j++)
			;
		t->kind = MW_PT_WS;
		t->len = j - i;
		return;
	}
	if (c == '?' && d == '>') {
		j = i + 2;
		if (at(lx, j) == '\n')
			j++;
		else if (at(lx, j) == '\r' && at(lx, j + 1) == '\n')
			j += 2;
		t->kind = MW_PT_CLOSE;
		t->len = j - i;
		lx->in_php = 0;
		return;
	}
	if (c == '<' && lx->script_tag && has_ci(lx->buf, lx->len, i, "</script")) {
		j = i + 8;
		while (is_blank(at(lx, j)))
			j++;
		if (at(lx, j) == '>') {
			t->kind = MW_PT_CLOSE;
			t->len = j + 1 - i;
			lx->in_php = 0;
			lx->script_tag = 0;
			return;
		}
	}
	if (c == '#' && d == '[') {
		t->kind = MW_PT_ATTR;
		t->len = 2;
		return;
	}
	if (c == '#' || (c == '/' && d == '/')) {
		t->kind = MW_PT_COMMENT;
		t->len = line_comment_end(lx, i) - i;
		return;
	}
	if (c == '/' && d == '*') {
		const char *e = NULL;

		if (lx->len - i >= 4)
			e = memmem(lx->buf + i + 2, lx->len - i - 2, "*/", 2);
		t->kind = MW_PT_COMMENT;
		if (e) {
			t->len = (size_t)(e - lx->buf) + 2 - i;
		} else {
			t->len = lx->len - i;
			t->flags |= MW_PT_F_UNTERMINATED;
		}
		return;
	}
	if (c == '$') {
		t->kind = is_name_start(d) ? MW_PT_VAR : MW_PT_DOLLAR;
		for (j = i + 1; t->kind == MW_PT_VAR && is_name(at(lx, j)); j++)
			;
		t->len = t->kind == MW_PT_VAR ? j - i : 1;
		return;
	}
	if ((c == 'b' || c == 'B') && (d == '\'' || d == '"')) {
		t->flags |= MW_PT_F_BINARY;
		if (d == '\'')
			lex_sq(lx, t, i + 1);
		else {
			t->flags |= MW_PT_F_DQ;
			lex_dq(lx, t, i + 1, '"');
		}
		return;
	}
	if (is_name_start(c) || (c == '\\' && is_name_start(d))) {
		for (j = i + 1; is_name(at(lx, j)) ||
		     (at(lx, j) == '\\' && is_name_start(at(lx, j + 1))); j++)
			;
		t->kind = MW_PT_IDENT;
		t->len = j - i;
		return;
	}
	if ((c >= '0' && c <= '9') || (c == '.' && d >= '0' && d <= '9')) {
		t->kind = MW_PT_NUMBER;
		t->len = number_end(lx, i) - i;
		return;
	}
	if (c == '\'') {
		lex_sq(lx, t, i);
		return;
	}
	if (c == '"' || c == '`') {
		t->flags |= c == '"' ? MW_PT_F_DQ : MW_PT_F_BACKTICK;
		lex_dq(lx, t, i, c);
		return;
	}
	if (c == '<' && d == '<' && at(lx, i + 2) == '<' && lex_heredoc(lx, t, i))
		return;
	if (c == '(' && (j = cast_at(lx, i)) != 0) {
		t->kind = MW_PT_CAST;
		t->len = j;
		return;
	}
	t->kind = MW_PT_OP;
	t->len = op_at(lx, i);
}

int mw_php_lex_next(struct mw_php_lexer *lx, struct mw_php_token *t)
{
	if (lx->pos >= lx->len)
		return 0;
	if (lx->ntok >= MW_PHP_MAX_TOKENS) {
		lx->capped = 1;
		return 0;
	}
	t->start = lx->pos;
	t->flags = 0;
	t->len = 0;
	if (lx->in_php)
		lex_php(lx, t);
	else
		lex_html(lx, t);
	if (t->len == 0)	/* cannot happen; never loop */
		t->len = 1;
	if (t->len > lx->len - lx->pos)
		t->len = lx->len - lx->pos;
	lx->pos += t->len;
	lx->ntok++;
	return 1;
}

const char *mw_php_tok_name(enum mw_php_tok k)
{
	static const char *const names[] = {
		"HTML", "OPEN", "OPEN_ECHO", "CLOSE", "WS", "COMMENT", "STRING",
		"ISTRING", "VAR", "DOLLAR", "IDENT", "NUMBER", "CAST", "ATTR", "OP",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* ---- string values ---- */

static enum mw_err put_utf8(struct mw_buf *out, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | ((cp >> 18) & 0x07));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return mw_buf_append(out, u, n);
}

/* Double-quote escapes of s[0..n) (dq: \" is an escape) to out. */
static enum mw_err dq_value(const char *s, size_t n, int dq, struct mw_buf *out)
{
	size_t i = 0, run = 0;
	enum mw_err e = MW_OK;

	while (i < n && !e) {
		int c, v, k;

		if (s[i] != '\\' || i + 1 >= n) {
			i++;
			run++;
			continue;
		}
		e = mw_buf_append(out, s + i - run, run);
		run = 0;
		c = (unsigned char)s[i + 1];
		i += 2;
		switch (c) {
		case 'n': e = e ? e : mw_buf_putc(out, '\n'); break;
		case 't': e = e ? e : mw_buf_putc(out, '\t'); break;
		case 'r': e = e ? e : mw_buf_putc(out, '\r'); break;
		case 'v': e = e ? e : mw_buf_putc(out, '\v'); break;
		case 'e': e = e ? e : mw_buf_putc(out, 0x1b); break;
		case 'f': e = e ? e : mw_buf_putc(out, '\f'); break;
		case '\\': e = e ? e : mw_buf_putc(out, '\\'); break;
		case '$': e = e ? e : mw_buf_putc(out, '$'); break;
		case '"':
			if (!e)
				e = dq ? mw_buf_putc(out, '"') : mw_buf_append(out, "\\\"", 2);
			break;
		case 'x':
			if (i < n && mw_ascii_hexval((unsigned char)s[i]) >= 0) {
				v = mw_ascii_hexval((unsigned char)s[i++]);
				if (i < n && mw_ascii_hexval((unsigned char)s[i]) >= 0)
					v = v * 16 + mw_ascii_hexval((unsigned char)s[i++]);
				e = e ? e : mw_buf_putc(out, (char)v);
			} else if (!e) {
				e = mw_buf_append(out, "\\x", 2);
			}
			break;
		case 'u':
			if (i < n && s[i] == '{') {
				unsigned long cp = 0;
				size_t j = i + 1;

				while (j < n && mw_ascii_hexval((unsigned char)s[j]) >= 0 && j - i <= 8)
					cp = cp * 16 + (unsigned long)mw_ascii_hexval((unsigned char)s[j++]);
				if (j < n && s[j] == '}' && j > i + 1 && cp <= 0x10ffff) {
					e = e ? e : put_utf8(out, cp);
					i = j + 1;
					break;
				}
			}
			e = e ? e : mw_buf_append(out, "\\u", 2);
			break;
		default:
			if (c >= '0' && c <= '7') {
				v = c - '0';
				for (k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '7'; k++)
					v = v * 8 + (s[i++] - '0');
				e = e ? e : mw_buf_putc(out, (char)(v & 0xff));
			} else if (!e) {
				char two[2] = { '\\', (char)c };

				e = mw_buf_append(out, two, 2);
			}
		}
	}
	if (!e)
		e = mw_buf_append(out, s + i - run, run);
	return e;
}

/* Heredoc/nowdoc body: lines between the header and the closing label,
 * the closing line's indentation removed from each. */
static enum mw_err doc_value(const char *buf, const struct mw_php_token *t,
			     struct mw_buf *out)
{
	const char *s = buf + t->start, *end = s + t->len, *body, *close, *p;
	size_t indent = 0, bodylen;
	struct mw_buf tmp;
	enum mw_err e = MW_OK;

	body = memchr(s, '\n', t->len);
	if (!body)
		return MW_OK;
	body++;
	if (t->flags & MW_PT_F_UNTERMINATED) {
		close = end;
	} else {
		/* closing label: the last line; its indentation */
		close = end;
		while (close > body && close[-1] != '\n')
			close--;
		for (p = close; p < end && (*p == ' ' || *p == '\t'); p++)
			indent++;
	}
	bodylen = close > body ? (size_t)(close - body) : 0;
	/* drop the newline before the closing line */
	if (bodylen && body[bodylen - 1] == '\n')
		bodylen--;
	if (bodylen && body[bodylen - 1] == '\r')
		bodylen--;
	mw_buf_init(&tmp, out->cap);
	for (p = body; p < body + bodylen && !e;) {
		const char *nl = memchr(p, '\n', (size_t)(body + bodylen - p));
		const char *le = nl ? nl + 1 : body + bodylen;
		size_t k = 0;

		while (k < indent && p + k < le && (p[k] == ' ' || p[k] == '\t'))
			k++;
		e = mw_buf_append(&tmp, p + k, (size_t)(le - p - k));
		p = le;
	}
	if (!e) {
		if (t->flags & MW_PT_F_NOWDOC)
			e = mw_buf_append(out, tmp.data ? tmp.data : "", tmp.len);
		else
			e = dq_value(tmp.data ? tmp.data : "", tmp.len, 0, out);
	}
	mw_buf_free(&tmp);
	return e;
}

enum mw_err mw_php_string_value(const char *buf, const struct mw_php_token *t,
				struct mw_buf *out)
{
	const char *s = buf + t->start;
	size_t n = t->len, i, run;
	enum mw_err e = MW_OK;

	if (t->flags & (MW_PT_F_HEREDOC | MW_PT_F_NOWDOC))
		return doc_value(buf, t, out);
	if (t->flags & MW_PT_F_BINARY) {
		s++;
		n--;
	}
	if (n == 0)
		return MW_OK;
	s++;		/* opening quote */
	n--;
	if (!(t->flags & MW_PT_F_UNTERMINATED) && n > 0)
		n--;	/* closing quote */
	if (!(t->flags & MW_PT_F_SQ))
		return dq_value(s, n, 1, out);
	for (i = 0, run = 0; i < n && !e; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '\\' || s[i + 1] == '\'')) {
			e = mw_buf_append(out, s + i - run, run);
			e = e ? e : mw_buf_putc(out, s[i + 1]);
			run = 0;
			i++;
		} else {
			run++;
		}
	}
	if (!e)
		e = mw_buf_append(out, s + i - run, run);
	return e;
}
