/*
 * Courier maildrop filter files (~/.mailfilter, maildropfilter(7)).
 * Statements end at a newline or ';' (a trailing '\' continues the line).
 * Covered: to / cc with "!addresses" (forward), "|command" (pipe) or a
 * mailbox; if/elsif/else/while with a parenthesised condition (strings,
 * /patterns/:flags and nested parentheses skipped, never evaluated),
 * blocks in braces, exception { }, include "file", assignments and the
 * other statements (xfilter, log, echo, exit, ...) for their syntax.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_util.h"

struct md {
	struct fwd_doc *d;
	const char *s;
	size_t n, i;
	unsigned long line;
	int depth;
	int cond[FWD_MAX_NEST + 1];
	int spam[FWD_MAX_NEST + 1];	/* block under a spam condition */
	int cond_spam;		/* the condition just skipped is about spam */
	int failed;
};

static void mderr(struct md *m, unsigned long line, const char *msg)
{
	if (m->failed)
		return;
	m->failed = 1;
	mw_fwd_add_error(m->d, line, "%s", msg);
}

/* Skip blanks (not newlines), comments and '\'-newline continuations. */
static void md_skip_blanks(struct md *m)
{
	while (m->i < m->n) {
		char c = m->s[m->i];

		if (c == ' ' || c == '\t' || c == '\r') {
			m->i++;
		} else if (c == '\\' && m->i + 1 < m->n && m->s[m->i + 1] == '\n') {
			m->i += 2;
			m->line++;
		} else if (c == '\\' && m->i + 2 < m->n &&
			   m->s[m->i + 1] == '\r' && m->s[m->i + 2] == '\n') {
			m->i += 3;
			m->line++;
		} else if (c == '#') {
			while (m->i < m->n && m->s[m->i] != '\n')
				m->i++;
		} else {
			break;
		}
	}
}

static void md_skip_space(struct md *m)
{
	for (;;) {
		md_skip_blanks(m);
		if (m->i < m->n && (m->s[m->i] == '\n' || m->s[m->i] == ';')) {
			if (m->s[m->i] == '\n')
				m->line++;
			m->i++;
			continue;
		}
		break;
	}
}

/* Skip a quoted string starting at m->i; returns -1 when unterminated. */
static int md_skip_string(struct md *m)
{
	char q = m->s[m->i];
	unsigned long sline = m->line;

	m->i++;
	while (m->i < m->n && m->s[m->i] != q) {
		if (m->s[m->i] == '\\' && m->i + 1 < m->n)
			m->i++;
		if (m->s[m->i] == '\n')
			m->line++;
		m->i++;
	}
	if (m->i >= m->n) {
		mderr(m, sline, "unterminated string");
		return -1;
	}
	m->i++;
	return 0;
}

/* Skip to the end of the statement (newline or ';'), minding strings. */
static void md_skip_statement(struct md *m)
{
	while (m->i < m->n && !m->failed) {
		char c = m->s[m->i];

		if (c == '\n' || c == ';' || c == '}')
			return;
		if (c == '"' || c == '\'' || c == '`') {
			if (md_skip_string(m))
				return;
			continue;
		}
		if (c == '\\' && m->i + 1 < m->n && m->s[m->i + 1] == '\n') {
			m->i += 2;
			m->line++;
			continue;
		}
		m->i++;
	}
}

/* "( ... )" with nested parentheses, strings and /patterns/. */
static int md_skip_condition(struct md *m, unsigned long kwline)
{
	int par = 0;
	char prev = '(';
	size_t start;

	md_skip_blanks(m);
	if (m->i >= m->n || m->s[m->i] != '(') {
		mderr(m, kwline, "expected '(' and a condition");
		return -1;
	}
	start = m->i;
	while (m->i < m->n) {
		char c = m->s[m->i];

		if (c == '"' || c == '\'' || c == '`') {
			if (md_skip_string(m))
				return -1;
			prev = 'a';
			continue;
		}
		if (c == '/' && strchr("(!&|, \t", prev)) {
			/* a pattern: up to the next unescaped '/' */
			m->i++;
			while (m->i < m->n && m->s[m->i] != '/' &&
			       m->s[m->i] != '\n') {
				if (m->s[m->i] == '\\' && m->i + 1 < m->n)
					m->i++;
				m->i++;
			}
			if (m->i >= m->n || m->s[m->i] != '/') {
				mderr(m, kwline, "unterminated /pattern/");
				return -1;
			}
			m->i++;
			prev = 'a';
			continue;
		}
		if (c == '\n')
			m->line++;
		if (c == '(')
			par++;
		else if (c == ')' && --par == 0) {
			m->i++;
			m->cond_spam = mw_fwd_cond_is_spam(m->s + start,
							m->i - start);
			return 0;
		}
		if (par > FWD_MAX_NEST) {
			mderr(m, kwline, "condition nested too deep");
			return -1;
		}
		prev = c;
		m->i++;
	}
	mderr(m, kwline, "unbalanced '(' in condition");
	return -1;
}

static void md_delivery(struct md *m, int copy, unsigned long line,
			const char *stmt)
{
	const char *v;
	size_t vn, start;
	struct fwd_fact *f;
	int cond = m->cond[m->depth];
	const char *lt = stmt;
	size_t ln;

	md_skip_blanks(m);
	start = m->i;
	if (m->i < m->n && (m->s[m->i] == '"' || m->s[m->i] == '\'')) {
		if (md_skip_string(m))
			return;
		v = m->s + start + 1;
		vn = m->i - start - 2;
	} else {
		while (m->i < m->n && !fwd_isblank(m->s[m->i]) &&
		       m->s[m->i] != ';' && m->s[m->i] != '}')
			m->i++;
		v = m->s + start;
		vn = m->i - start;
	}
	ln = (size_t)(m->s + m->i - lt);
	md_skip_statement(m);
	mw_fwd_trim(&v, &vn);
	if (!vn) {
		mderr(m, line, "to/cc without a destination");
		return;
	}
	if (v[0] == '!') {
		size_t i = 1;

		while (i < vn) {
			size_t s;

			while (i < vn && (fwd_isblank(v[i]) || v[i] == ','))
				i++;
			s = i;
			while (i < vn && !fwd_isblank(v[i]) && v[i] != ',')
				i++;
			if (i > s && v[s] != '-') {
				f = mw_fwd_add_fact(m->d, FWD_FORWARD, v + s, i - s,
						 lt, ln, line);
				if (f) {
					f->copy = copy;
					f->conditional = cond;
				}
			}
		}
	} else if (v[0] == '|') {
		v++;
		vn--;
		mw_fwd_trim(&v, &vn);
		f = mw_fwd_add_fact(m->d, FWD_PIPE, v, vn, lt, ln, line);
		if (f) {
			f->copy = copy;
			f->conditional = cond;
		}
	} else {
		f = mw_fwd_add_fact(m->d, FWD_FILE, v, vn, lt, ln, line);
		if (f) {
			f->copy = copy;
			f->conditional = cond;
		}
		if (!copy && !m->spam[m->depth] && mw_fwd_folder_is_trash(v, vn))
			mw_fwd_set_hide(m->d, line, lt, ln);
	}
}

static int md_open_block(struct md *m, int cond, int spam,
			 unsigned long kwline)
{
	md_skip_blanks(m);
	/* the brace may sit on the next line */
	while (m->i < m->n && m->s[m->i] == '\n') {
		m->i++;
		m->line++;
		md_skip_blanks(m);
	}
	if (m->i >= m->n || m->s[m->i] != '{') {
		mderr(m, kwline, "expected '{'");
		return -1;
	}
	m->i++;
	if (m->depth >= FWD_MAX_NEST) {
		mderr(m, kwline, "blocks nested too deep");
		return -1;
	}
	m->depth++;
	m->cond[m->depth] = cond || m->cond[m->depth - 1];
	m->spam[m->depth] = spam || m->spam[m->depth - 1];
	return 0;
}

static void md_statement(struct md *m)
{
	size_t ws = m->i;
	unsigned long line = m->line;
	const char *w;
	size_t wn;

	if (m->s[m->i] == '}') {
		m->i++;
		if (!m->depth) {
			mderr(m, line, "'}' without an open block");
			return;
		}
		m->depth--;
		/* "} else {" / "} elsif (...) {" */
		md_skip_blanks(m);
		return;
	}
	if (m->s[m->i] == '{') {
		m->i++;
		if (m->depth >= FWD_MAX_NEST) {
			mderr(m, line, "blocks nested too deep");
			return;
		}
		m->depth++;
		m->cond[m->depth] = m->cond[m->depth - 1];
		m->spam[m->depth] = m->spam[m->depth - 1];
		return;
	}
	if (m->s[m->i] == '\0') {
		mderr(m, line, "NUL byte in filter");
		return;
	}
	while (m->i < m->n && (fwd_isblank(m->s[m->i]) == 0) &&
	       ((m->s[m->i] >= 'a' && m->s[m->i] <= 'z') ||
		(m->s[m->i] >= 'A' && m->s[m->i] <= 'Z') ||
		(m->s[m->i] >= '0' && m->s[m->i] <= '9') || m->s[m->i] == '_'))
		m->i++;
	w = m->s + ws;
	wn = m->i - ws;
	if (!wn) {
		/* e.g. a stray pattern or operator: skip the statement */
		if (m->s[m->i] == '/' || m->s[m->i] == '"' || m->s[m->i] == '\'') {
			md_skip_statement(m);
			return;
		}
		mderr(m, line, "unexpected character");
		return;
	}
	if (mw_fwd_word_eq(w, wn, "to") || mw_fwd_word_eq(w, wn, "cc")) {
		md_delivery(m, mw_fwd_word_eq(w, wn, "cc"), line, w);
		return;
	}
	if (mw_fwd_word_eq(w, wn, "if") || mw_fwd_word_eq(w, wn, "elsif") ||
	    mw_fwd_word_eq(w, wn, "while")) {
		if (md_skip_condition(m, line))
			return;
		(void)md_open_block(m, 1, m->cond_spam, line);
		return;
	}
	if (mw_fwd_word_eq(w, wn, "else")) {
		(void)md_open_block(m, 1, 0, line);
		return;
	}
	if (mw_fwd_word_eq(w, wn, "exception")) {
		(void)md_open_block(m, 0, 0, line);
		return;
	}
	if (mw_fwd_word_eq(w, wn, "include")) {
		size_t s;

		md_skip_blanks(m);
		s = m->i;
		if (m->i < m->n && (m->s[m->i] == '"' || m->s[m->i] == '\'')) {
			if (md_skip_string(m))
				return;
			if (m->i - s > 2)
				(void)mw_fwd_add_fact(m->d, FWD_INCLUDE,
						   m->s + s + 1, m->i - s - 2,
						   w, m->i - ws, line);
		}
		md_skip_statement(m);
		return;
	}
	/* assignments and every other statement */
	md_skip_statement(m);
}

enum mw_err mw_fwd_parse_maildrop(struct fwd_doc *d, const char *text, size_t len)
{
	struct md m;
	unsigned long open_line = 0;

	memset(&m, 0, sizeof(m));
	m.d = d;
	m.s = text;
	m.n = len;
	m.line = 1;
	for (;;) {
		md_skip_space(&m);
		if (m.i >= m.n || m.failed)
			break;
		if (m.depth == 0)
			open_line = m.line;
		md_statement(&m);
	}
	if (!m.failed && m.depth)
		mw_fwd_add_error(d, open_line, "block not closed with '}'");
	return MW_OK;
}
