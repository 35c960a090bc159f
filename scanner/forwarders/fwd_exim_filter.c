/*
 * Exim filter files (Exim spec, "Exim's interfaces to mail filtering"):
 * used for ~/.forward files starting "# Exim filter", cPanel
 * /etc/vfilters/DOMAIN, DirectAdmin /etc/virtual/DOMAIN/filter and Exim's
 * system filter. Tokens are words and "quoted strings" (backslash escapes),
 * '#' starts a comment. Covered: deliver, save, pipe, mail/vacation (to, cc,
 * bcc), seen/unseen/noerror prefixes, finish, if/elif/else/endif with their
 * conditions (checked for balance, never evaluated), logfile, logwrite,
 * headers, add, fail, freeze, testprint.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/limits.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_util.h"

struct etok {
	char *str;		/* decoded word or string */
	size_t len;
	const char *src;	/* source position */
	unsigned long line;
	int quoted;
};

struct eparser {
	struct fwd_doc *d;
	const char *text;
	size_t len;
	struct etok *t;
	size_t n, a, pos;
	int failed;
	int depth;
	int spam;		/* inside a branch whose condition is about spam */
};

static void eerr(struct eparser *p, unsigned long line, const char *msg)
{
	if (p->failed)
		return;
	p->failed = 1;
	mw_fwd_add_error(p->d, line, "%s", msg);
}

static int epush(struct eparser *p, const char *src, unsigned long line,
		 struct mw_buf *b, int quoted)
{
	struct etok *k;

	if (p->n >= FWD_MAX_TOKENS) {
		eerr(p, line, "filter has too many tokens");
		return -1;
	}
	if (p->n == p->a) {
		size_t na = p->a ? p->a * 2 : 64;
		struct etok *nt = realloc(p->t, na * sizeof(*nt));

		if (!nt) {
			eerr(p, line, "out of memory");
			return -1;
		}
		p->t = nt;
		p->a = na;
	}
	k = &p->t[p->n];
	k->len = b->len;
	k->str = b->len ? mw_buf_steal(b) : strdup("");
	if (!k->str) {
		eerr(p, line, "out of memory");
		return -1;
	}
	k->src = src;
	k->line = line;
	k->quoted = quoted;
	p->n++;
	return 0;
}

static int etokenize(struct eparser *p)
{
	const char *s = p->text;
	size_t i = 0;
	unsigned long line = 1;
	struct mw_buf b;

	mw_buf_init(&b, MW_MAX_LINE);
	while (i < p->len && !p->failed) {
		char c = s[i];

		if (c == '\n') {
			line++;
			i++;
		} else if (fwd_isblank(c)) {
			i++;
		} else if (c == '#') {
			while (i < p->len && s[i] != '\n')
				i++;
		} else if (c == '\0') {
			eerr(p, line, "NUL byte in filter");
		} else if (c == '"') {
			size_t start = i;
			unsigned long sline = line;

			mw_buf_reset(&b);
			i++;
			while (i < p->len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < p->len) {
					i++;
					if (s[i] == 'n')
						c = '\n';
					else if (s[i] == 't')
						c = '\t';
					else
						c = s[i];
				} else {
					c = s[i];
				}
				if (s[i] == '\n')
					line++;
				if (mw_buf_putc(&b, c)) {
					eerr(p, sline, "string longer than the line limit");
					break;
				}
				i++;
			}
			if (p->failed)
				break;
			if (i >= p->len) {
				eerr(p, sline, "unterminated quoted string");
				break;
			}
			i++;
			if (epush(p, s + start, sline, &b, 1))
				break;
		} else {
			size_t start = i;

			mw_buf_reset(&b);
			/* '(' and ')' stand alone in conditions */
			if (c == '(' || c == ')') {
				i++;
			} else {
				while (i < p->len && !fwd_isblank(s[i]) &&
				       s[i] != '"' && s[i] != '(' &&
				       s[i] != ')' && s[i] != '\0')
					i++;
			}
			if (mw_buf_append(&b, s + start, i - start)) {
				eerr(p, line, "word longer than the line limit");
				break;
			}
			if (epush(p, s + start, line, &b, 0))
				break;
		}
	}
	mw_buf_free(&b);
	return p->failed ? -1 : 0;
}

static struct etok *epeek(struct eparser *p)
{
	return p->pos < p->n ? &p->t[p->pos] : NULL;
}

static int eis(const struct etok *k, const char *w)
{
	return k && !k->quoted && mw_fwd_word_eq(k->str, k->len, w);
}

static void esrc_line(const struct eparser *p, const struct etok *k,
		      const char **s, size_t *n)
{
	const char *b = k->src, *e = k->src;

	while (b > p->text && b[-1] != '\n')
		b--;
	while (e < p->text + p->len && *e != '\n')
		e++;
	*s = b;
	*n = (size_t)(e - b);
	mw_fwd_trim(s, n);
}

/* The argument of a command; errors when missing. */
static struct etok *earg(struct eparser *p, const struct etok *cmd)
{
	struct etok *k = epeek(p);

	if (!k) {
		eerr(p, cmd->line, "command without its argument");
		return NULL;
	}
	p->pos++;
	return k;
}

static const char *const mail_opts_valued[] = {
	"to", "cc", "bcc", "from", "reply_to", "subject", "text", "file",
	"log", "once", "once_repeat", "return", NULL
};

static int is_mail_opt(const struct etok *k, int *valued)
{
	size_t i;

	if (eis(k, "expand")) {
		*valued = 0;
		return 1;
	}
	for (i = 0; mail_opts_valued[i]; i++)
		if (eis(k, mail_opts_valued[i])) {
			*valued = 1;
			return 1;
		}
	return 0;
}

static void add_list(struct eparser *p, enum fwd_kind kind, const char *s,
		     size_t n, const char *lt, size_t ln, unsigned long line,
		     int copy, int cond)
{
	size_t i = 0, st;

	while (i < n) {
		const char *a;
		size_t an;
		struct fwd_fact *f;

		st = i;
		while (i < n && s[i] != ',')
			i++;
		a = s + st;
		an = i - st;
		mw_fwd_trim(&a, &an);
		if (an) {
			f = mw_fwd_add_fact(p->d, kind, a, an, lt, ln, line);
			if (f) {
				f->copy = copy;
				f->conditional = cond;
			}
		}
		if (i < n)
			i++;
	}
}

static int eparse_block(struct eparser *p, int cond);

/* A branch of an if: at the top level a rule of its own (with what is
 * nested in it), so that its "seen finish" hides only its own forwards. */
static int eparse_rule_block(struct eparser *p)
{
	unsigned outer;
	int rc;

	if (p->depth != 1)
		return eparse_block(p, 1);
	outer = mw_fwd_rule_begin(p->d);
	rc = eparse_block(p, 1);
	mw_fwd_rule_end(p->d, outer);
	return rc;
}

/* Condition up to "then"; parentheses must balance. */
static int eparse_condition(struct eparser *p, const struct etok *kw)
{
	int par = 0, words = 0;
	struct etok *k;
	size_t start = p->pos;

	while ((k = epeek(p))) {
		if (!k->quoted && k->len == 1 && k->str[0] == '(')
			par++;
		else if (!k->quoted && k->len == 1 && k->str[0] == ')') {
			if (--par < 0) {
				eerr(p, k->line, "unbalanced ')' in condition");
				return -1;
			}
		} else if (eis(k, "then") && par == 0) {
			if (!words) {
				eerr(p, k->line, "empty condition");
				return -1;
			}
			for (; start < p->pos; start++)
				if (mw_fwd_cond_is_spam(p->t[start].str,
						     p->t[start].len))
					p->spam = 1;
			p->pos++;
			return 0;
		} else if (eis(k, "endif") || eis(k, "elif") || eis(k, "else")) {
			break;
		}
		words++;
		p->pos++;
	}
	eerr(p, kw->line, "condition without 'then'");
	return -1;
}

static int eparse_command(struct eparser *p, int cond)
{
	struct etok *k = epeek(p), *a, *first = k;
	int unseen = 0, seen = 0, old_spam;
	const char *lt;
	size_t ln;

	while (eis(k, "seen") || eis(k, "unseen") || eis(k, "noerror")) {
		/* "seen" is the default for deliver/save/pipe */
		if (eis(k, "unseen"))
			unseen = 1;
		else if (eis(k, "seen"))
			seen = 1;
		p->pos++;
		k = epeek(p);
	}
	if (!k) {
		eerr(p, first->line, "seen/unseen/noerror without a command");
		return -1;
	}
	p->pos++;
	esrc_line(p, first, &lt, &ln);
	if (eis(k, "if")) {
		if (++p->depth > FWD_MAX_NEST) {
			eerr(p, k->line, "if nested too deep");
			return -1;
		}
		old_spam = p->spam;
		if (eparse_condition(p, k) || eparse_rule_block(p))
			return -1;
		p->spam = old_spam;
		for (;;) {
			struct etok *e = epeek(p);

			if (eis(e, "elif")) {
				p->pos++;
				if (eparse_condition(p, e) || eparse_rule_block(p))
					return -1;
				p->spam = old_spam;
			} else if (eis(e, "else")) {
				p->pos++;
				if (eparse_rule_block(p))
					return -1;
				e = epeek(p);
				if (!eis(e, "endif")) {
					eerr(p, k->line, "if without endif");
					return -1;
				}
			} else if (eis(e, "endif")) {
				p->pos++;
				/* "endif" may be followed by a ';' word */
				break;
			} else {
				eerr(p, k->line, "if without endif");
				return -1;
			}
		}
		p->depth--;
		return 0;
	}
	if (eis(k, "deliver")) {
		struct fwd_fact *f;

		if (!(a = earg(p, k)))
			return -1;
		f = mw_fwd_add_fact(p->d, FWD_FORWARD, a->str, a->len, lt, ln,
				 k->line);
		if (f) {
			f->copy = unseen;
			f->conditional = cond;
			/* a "seen" delivery elsewhere: the mail does not reach
			 * the mailbox, which hides any other forward */
			if (!unseen && !p->spam)
				mw_fwd_set_hide_by(p->d, f);
		}
		while (eis(epeek(p), "errors_to") || eis(epeek(p), "return_path")) {
			p->pos++;
			if (!earg(p, k))
				return -1;
		}
		return 0;
	}
	if (eis(k, "save") || eis(k, "pipe")) {
		struct fwd_fact *f;
		int is_save = eis(k, "save");

		if (!(a = earg(p, k)))
			return -1;
		f = mw_fwd_add_fact(p->d, is_save ? FWD_FILE : FWD_PIPE, a->str,
				 a->len, lt, ln, k->line);
		if (f) {
			f->copy = unseen;
			f->conditional = cond;
		}
		if (is_save && !p->spam && mw_fwd_folder_is_trash(a->str, a->len))
			mw_fwd_set_hide(p->d, k->line, lt, ln);
		/* save takes an optional octal mode */
		if (is_save && epeek(p) && !epeek(p)->quoted &&
		    epeek(p)->len && epeek(p)->str[0] >= '0' &&
		    epeek(p)->str[0] <= '9')
			p->pos++;
		return 0;
	}
	if (eis(k, "mail") || eis(k, "vacation")) {
		int valued;
		struct etok *o;

		while ((o = epeek(p)) && is_mail_opt(o, &valued)) {
			p->pos++;
			if (!valued)
				continue;
			if (!(a = earg(p, o)))
				return -1;
			if (eis(o, "return")) {
				/* "return message" */
				continue;
			}
			if (eis(o, "to") || eis(o, "cc") || eis(o, "bcc"))
				add_list(p, FWD_NOTIFY, a->str, a->len, lt, ln,
					 o->line, 1, cond);
		}
		return 0;
	}
	if (eis(k, "finish")) {
		/* "seen finish": filtering ends and the message counts as
		 * delivered, so the mailbox never gets it */
		if (seen && !p->spam)
			mw_fwd_set_hide(p->d, k->line, lt, ln);
		return 0;
	}
	if (eis(k, "testprint") || eis(k, "logwrite"))
		return earg(p, k) ? 0 : -1;
	if (eis(k, "logfile")) {
		if (!earg(p, k))
			return -1;
		if (epeek(p) && !epeek(p)->quoted && epeek(p)->len &&
		    epeek(p)->str[0] >= '0' && epeek(p)->str[0] <= '9')
			p->pos++;
		return 0;
	}
	if (eis(k, "headers")) {
		a = earg(p, k);
		if (!a)
			return -1;
		if (!eis(a, "add") && !eis(a, "remove") && !eis(a, "charset")) {
			eerr(p, k->line, "headers needs add, remove or charset");
			return -1;
		}
		return earg(p, k) ? 0 : -1;
	}
	if (eis(k, "add")) {
		if (!earg(p, k))
			return -1;
		a = earg(p, k);
		if (!a || !eis(a, "to")) {
			eerr(p, k->line, "add needs 'to'");
			return -1;
		}
		return earg(p, k) ? 0 : -1;
	}
	if (eis(k, "fail") || eis(k, "freeze") || eis(k, "defer")) {
		if (eis(epeek(p), "text")) {
			p->pos++;
			return earg(p, k) ? 0 : -1;
		}
		return 0;
	}
	eerr(p, k->line, "unknown filter command");
	return -1;
}

/* Commands until EOF or a chain word (elif, else, endif). */
static int eparse_block(struct eparser *p, int cond)
{
	struct etok *k;

	while ((k = epeek(p)) && !p->failed) {
		if (eis(k, "elif") || eis(k, "else") || eis(k, "endif")) {
			if (!p->depth) {
				eerr(p, k->line, "elif/else/endif without if");
				return -1;
			}
			return 0;
		}
		if (eparse_command(p, cond))
			return -1;
	}
	return p->failed ? -1 : 0;
}

enum mw_err mw_fwd_parse_exim_filter(struct fwd_doc *d, const char *text,
				  size_t len)
{
	struct eparser p;

	memset(&p, 0, sizeof(p));
	p.d = d;
	p.text = text;
	p.len = len;
	if (etokenize(&p) == 0)
		(void)eparse_block(&p, 0);
	for (size_t i = 0; i < p.n; i++)
		free(p.t[i].str);
	free(p.t);
	return MW_OK;
}
