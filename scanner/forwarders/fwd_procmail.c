/*
 * procmailrc(5): assignments (VAR=value, INCLUDERC=file, SWITCHRC=file),
 * recipes ":0[flags][:[lockfile]]" followed by "* condition" lines and one
 * action line: "! addresses" (forward), "| command" (pipe), "{" a nested
 * block ended by "}", or a mailbox path. The 'c' flag delivers a copy and
 * lets processing go on. Lines ending in '\' continue. Nothing is expanded
 * beyond $HOME/${HOME} being left as written.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_util.h"

struct pm_state {
	struct fwd_doc *d;
	int depth;
	int in_recipe;		/* waiting for conditions/action */
	int copy;		/* c flag of the pending recipe */
	int has_cond;
	int spam_cond;		/* a condition of the recipe is about spam */
	unsigned long recipe_line;
	int cond_stack[FWD_MAX_NEST + 1];	/* conditional per block */
	int spam_stack[FWD_MAX_NEST + 1];	/* spam condition per block */
};

static void pm_action(struct pm_state *st, const char *s, size_t n,
		      unsigned long line)
{
	struct fwd_fact *f;
	int cond = st->has_cond || st->cond_stack[st->depth];
	int spam = st->spam_cond || st->spam_stack[st->depth];
	const char *a, *lt = s;
	size_t an, i, ln = n;
	/* a conditional recipe at the top is a rule of its own: its
	 * /dev/null hides only its own forwards (an unconditional one,
	 * rule 0, hides the whole file's) */
	int own_rule = st->depth == 0 && st->has_cond;
	unsigned outer = own_rule ? mw_fwd_rule_begin(st->d) : 0;

	if (s[0] == '!') {
		s++;
		n--;
		mw_fwd_trim(&s, &n);
		if (!n) {
			mw_fwd_add_error(st->d, line, "'!' without an address");
			goto out;
		}
		/* addresses separated by blanks (commas tolerated) */
		i = 0;
		while (i < n) {
			while (i < n && (fwd_isblank(s[i]) || s[i] == ','))
				i++;
			a = s + i;
			while (i < n && !fwd_isblank(s[i]) && s[i] != ',')
				i++;
			an = (size_t)(s + i - a);
			if (!an)
				continue;
			/* sendmail options such as -oi before addresses */
			if (a[0] == '-')
				continue;
			f = mw_fwd_add_fact(st->d, FWD_FORWARD, a, an, lt, ln, line);
			if (f) {
				f->copy = st->copy;
				f->conditional = cond;
			}
		}
	} else if (s[0] == '|') {
		s++;
		n--;
		mw_fwd_trim(&s, &n);
		if (!n) {
			mw_fwd_add_error(st->d, line, "'|' without a command");
			goto out;
		}
		f = mw_fwd_add_fact(st->d, FWD_PIPE, s, n, lt, ln, line);
		if (f) {
			f->copy = st->copy;
			f->conditional = cond;
		}
	} else {
		f = mw_fwd_add_fact(st->d, FWD_FILE, s, n, s, n, line);
		if (f) {
			f->copy = st->copy;
			f->conditional = cond;
		}
		if (!st->copy && !spam && mw_fwd_folder_is_trash(s, n))
			mw_fwd_set_hide(st->d, line, s, n);
	}
out:
	if (own_rule)
		mw_fwd_rule_end(st->d, outer);
}

static void pm_line(struct pm_state *st, const char *s, size_t n,
		    unsigned long line)
{
	mw_fwd_trim(&s, &n);
	if (!n || s[0] == '#')
		return;
	if (s[0] == ':' && n >= 2 && s[1] == '0') {
		size_t i = 2;

		if (st->in_recipe)
			mw_fwd_add_error(st->d, st->recipe_line,
				      "recipe without an action line");
		st->in_recipe = 1;
		st->copy = 0;
		st->has_cond = 0;
		st->spam_cond = 0;
		st->recipe_line = line;
		for (; i < n && s[i] != ':' && !fwd_isblank(s[i]); i++) {
			if (s[i] == 'c')
				st->copy = 1;
			else if (!strchr("HBDAaEehbfwWir", s[i])) {
				mw_fwd_add_error(st->d, line, "unknown recipe flag");
				break;
			}
		}
		return;
	}
	if (st->in_recipe && s[0] == '*') {
		st->has_cond = 1;
		if (mw_fwd_cond_is_spam(s, n))
			st->spam_cond = 1;
		return;
	}
	if (st->in_recipe) {
		st->in_recipe = 0;
		if (s[0] == '{') {
			int cond = st->has_cond || st->cond_stack[st->depth];

			if (st->depth >= FWD_MAX_NEST) {
				mw_fwd_add_error(st->d, line, "blocks nested too deep");
				return;
			}
			st->cond_stack[++st->depth] = cond;
			st->spam_stack[st->depth] = st->spam_cond ||
						    st->spam_stack[st->depth - 1];
			/* "{ ... }" on one line: rest parsed as lines later
			 * is not supported by procmail either for recipes */
			s++;
			n--;
			mw_fwd_trim(&s, &n);
			if (n && s[n - 1] == '}') {
				st->depth--;
				n--;
				mw_fwd_trim(&s, &n);
			}
			if (n)
				pm_line(st, s, n, line);
			return;
		}
		pm_action(st, s, n, line);
		return;
	}
	if (s[0] == '}') {
		if (st->depth == 0)
			mw_fwd_add_error(st->d, line, "'}' without an open block");
		else
			st->depth--;
		return;
	}
	/* assignment */
	{
		const char *eq = memchr(s, '=', n);
		const char *k = s, *v;
		size_t kn, vn;

		if (!eq) {
			mw_fwd_add_error(st->d, line, "expected a recipe or an assignment");
			return;
		}
		kn = (size_t)(eq - s);
		mw_fwd_trim(&k, &kn);
		v = eq + 1;
		vn = n - (size_t)(v - s);
		mw_fwd_trim(&v, &vn);
		if (vn >= 2 && (v[0] == '"' || v[0] == '\'') &&
		    v[vn - 1] == v[0]) {
			v++;
			vn -= 2;
		}
		if ((mw_fwd_word_eq(k, kn, "INCLUDERC") ||
		     mw_fwd_word_eq(k, kn, "SWITCHRC")) && vn) {
			struct fwd_fact *f;

			f = mw_fwd_add_fact(st->d, FWD_INCLUDE, v, vn, s, n, line);
			if (f)
				f->conditional = st->cond_stack[st->depth];
		}
	}
}

enum mw_err mw_fwd_parse_procmail(struct fwd_doc *d, const char *text, size_t len)
{
	struct pm_state st;
	struct mw_lines it;
	struct mw_buf lb;
	const char *l;
	size_t n;
	int overlong;
	unsigned long first = 0;

	memset(&st, 0, sizeof(st));
	st.d = d;
	mw_buf_init(&lb, MW_MAX_LINE * 4);
	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &l, &n, &overlong)) {
		int cont;

		if (overlong)
			mw_fwd_add_error(d, it.lineno, "line longer than %d bytes",
				      MW_MAX_LINE);
		if (memchr(l, '\0', n)) {
			mw_fwd_add_error(d, it.lineno, "NUL byte in line");
			continue;
		}
		if (!first)
			first = it.lineno;
		cont = n && l[n - 1] == '\\';
		if (mw_buf_append(&lb, l, cont ? n - 1 : n))
			mw_fwd_add_error(d, first, "line too long");
		if (cont)
			continue;
		pm_line(&st, lb.len ? lb.data : "", lb.len, first);
		mw_buf_reset(&lb);
		first = 0;
	}
	if (lb.len)
		pm_line(&st, lb.data, lb.len, first);
	if (st.in_recipe)
		mw_fwd_add_error(d, st.recipe_line, "recipe without an action line");
	if (st.depth)
		mw_fwd_add_error(d, it.lineno, "block not closed with '}'");
	mw_buf_free(&lb);
	return MW_OK;
}
