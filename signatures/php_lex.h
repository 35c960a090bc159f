/*
 * A PHP lexer for hostile input: PHP's lexical grammar (inline HTML, open
 * and close tags, strings with every escape, heredoc/nowdoc, comments,
 * variables, casts, numbers, attributes), token by token, with no
 * allocation at all: a token is a kind plus a byte range of the buffer.
 *
 * Contract: the lexer never reads outside buf[0..len); every call makes
 * progress (a token is at least one byte) or ends; after
 * MW_PHP_MAX_TOKENS tokens it stops and sets lx->capped. Nothing is
 * executed or interpreted. Where PHP would refuse the input (unterminated
 * string or comment) the token runs to the end of the buffer and is marked
 * MW_PT_F_UNTERMINATED, as PHP's own token_get_all() does for most cases.
 *
 * Differences from PHP 8.2's tokenizer on purpose: "<?" is an open tag
 * (short_open_tag is Off on Debian, but attackers' hosts may have it on;
 * seeing more code is the safe side) except "<?xml"; <script
 * language="php"> is an open tag (PHP 5 only); keywords, names and
 * namespaced names are one kind (MW_PT_IDENT); operators are MW_PT_OP;
 * "yield from" is two names. tests/e2e/php-tokens.sh compares kinds and
 * boundaries with token_get_all() over Debian's PHP applications (15,043
 * files: all identical but the 23 with "yield from").
 */
#ifndef MW_PHP_LEX_H
#define MW_PHP_LEX_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"

#define MW_PHP_MAX_TOKENS	(1u << 21)	/* per buffer */
#define MW_PHP_MAX_HEREDOC_ID	64		/* bytes of a heredoc label */

enum mw_php_tok {
	MW_PT_HTML,		/* inline HTML outside PHP tags */
	MW_PT_OPEN,		/* <?php, <?, <script language="php"> */
	MW_PT_OPEN_ECHO,	/* <?= */
	MW_PT_CLOSE,		/* ?> (and the one newline after it), </script> */
	MW_PT_WS,		/* blanks and newlines in code */
	MW_PT_COMMENT,		/* // # and block comments */
	MW_PT_STRING,		/* constant string: '...', "..." or heredoc
				 * without interpolation, nowdoc */
	MW_PT_ISTRING,		/* "...", heredoc or `...` with interpolation */
	MW_PT_VAR,		/* $name */
	MW_PT_DOLLAR,		/* $ not followed by a name ($$x, ${expr}) */
	MW_PT_IDENT,		/* names, keywords, \Namespaced\Names */
	MW_PT_NUMBER,		/* integer or float literal */
	MW_PT_CAST,		/* (int), ( string ) ... */
	MW_PT_ATTR,		/* #[ */
	MW_PT_OP,		/* operators and punctuation */
};

/* Token flags. */
#define MW_PT_F_UNTERMINATED	0x1u	/* string/comment ran to end of buffer */
#define MW_PT_F_SQ		0x2u	/* single-quoted string */
#define MW_PT_F_DQ		0x4u	/* double-quoted string */
#define MW_PT_F_HEREDOC		0x8u	/* heredoc (DQ rules) */
#define MW_PT_F_NOWDOC		0x10u	/* nowdoc (no escapes) */
#define MW_PT_F_BACKTICK	0x20u	/* shell command string */
#define MW_PT_F_BINARY		0x40u	/* b'...' prefix */

struct mw_php_token {
	enum mw_php_tok kind;
	unsigned flags;
	size_t start, len;	/* bytes of the buffer */
};

/* Lexer state; fields are private to php_lex.c. */
struct mw_php_lexer {
	const char *buf;
	size_t len, pos;
	int in_php;		/* 0: inline HTML, 1: code */
	int script_tag;		/* code opened by <script language="php"> */
	size_t ntok;
	int capped;		/* stopped at MW_PHP_MAX_TOKENS */
};

/* Start lexing buf[0..len), in inline HTML (in_php 0, a file) or in code
 * (in_php 1, a string that reaches eval()). */
void mw_php_lex_init(struct mw_php_lexer *lx, const char *buf, size_t len,
		     int in_php);

/* Next token into *t: 1, or 0 at the end of the buffer (or the cap). */
int mw_php_lex_next(struct mw_php_lexer *lx, struct mw_php_token *t);

/*
 * The value of a MW_PT_STRING token of buf, escapes decoded as PHP does
 * (single quotes: \' and \\; double quotes and heredoc: \n \t \r \v \e \f
 * \\ \$ \" \xHH \0-\777 \u{H...} as UTF-8; nowdoc: none; heredoc's closing
 * indentation removed from every line), appended to out. MW_ERR_TOOBIG
 * when out's cap is reached.
 */
enum mw_err mw_php_string_value(const char *buf, const struct mw_php_token *t,
				struct mw_buf *out);

/* Name of a token kind ("T_STRING"-like, for tests and diagnostics). */
const char *mw_php_tok_name(enum mw_php_tok k);

#endif
