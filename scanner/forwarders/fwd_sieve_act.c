/*
 * What the Sieve action commands mean for where mail goes: redirect,
 * fileinto, notify (enotify and the older draft), include, pipe become
 * facts; discard and a trash folder hide the original; "set" records
 * constant variables so that a redirect to "${x}" is judged on x; an
 * unconditional stop makes the rest unreachable. fwd_sieve.c has parsed
 * the command and its arguments and says whether it is conditional or
 * can never run.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "scanner/forwarders/fwd_sieve_int.h"

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
	mw_fwd_trim(s, n);
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
			f = mw_fwd_add_fact(p->d, FWD_NOTIFY, uri + s, i - s, lt,
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

/* The action commands; everything else is accepted for its syntax. */
void mw_sieve_action(struct parser *p, struct tok *k, struct arg *args,
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

			if (mw_sieve_tok_is(t, ":copy")) {
				copy = 1;
				mw_sieve_need_require(p, t, "copy");
			}
		}
	}
	if (p->stopped)
		disabled = 1;

	if (mw_sieve_tok_is(k, "redirect")) {
		struct tok *s;

		if (!pos || pos != &args[nargs - 1]) {
			mw_sieve_error(p, k->line, "redirect needs one address string");
			return;
		}
		s = mw_sieve_arg_str(p, pos, 0);
		if (mw_sieve_has_require(p, "variables") &&
		    memchr(s->str, '$', s->slen)) {
			struct mw_buf b;

			mw_buf_init(&b, FWD_MAX_DEST);
			expand_vars(p, s->str, s->slen, &b);
			f = mw_fwd_add_fact(p->d, FWD_REDIRECT, b.data ? b.data : "",
					 b.len, lt, ln, k->line);
			mw_buf_free(&b);
		} else {
			f = mw_fwd_add_fact(p->d, FWD_REDIRECT, s->str, s->slen,
					 lt, ln, k->line);
		}
		if (f) {
			f->copy = copy;
			f->conditional = conditional;
			f->disabled = disabled;
		}
	} else if (mw_sieve_tok_is(k, "keep")) {
		if (!disabled)
			p->d->keeps++;
	} else if (mw_sieve_tok_is(k, "discard")) {
		if (nargs)
			mw_sieve_error(p, k->line, "discard takes no arguments");
		else if (!disabled && !p->spam)
			mw_fwd_set_hide(p->d, k->line, lt, ln);
	} else if (mw_sieve_tok_is(k, "fileinto")) {
		struct tok *s;

		if (mw_sieve_need_require(p, k, "fileinto"))
			return;
		if (!pos || pos != &args[nargs - 1]) {
			mw_sieve_error(p, k->line, "fileinto needs one folder string");
			return;
		}
		s = mw_sieve_arg_str(p, pos, 0);
		f = mw_fwd_add_fact(p->d, FWD_FILE, s->str, s->slen, lt, ln,
				 k->line);
		if (f) {
			f->copy = copy;
			f->conditional = conditional;
			f->disabled = disabled;
		}
		if (!disabled && !p->spam &&
		    mw_fwd_folder_is_trash(s->str, s->slen))
			mw_fwd_set_hide(p->d, k->line, lt, ln);
	} else if (mw_sieve_tok_is(k, "vacation")) {
		if (mw_sieve_need_require(p, k, "vacation"))
			return;
		if (!pos || pos != &args[nargs - 1])
			mw_sieve_error(p, k->line, "vacation needs a reason string");
	} else if (mw_sieve_tok_is(k, "notify")) {
		struct tok *method = NULL;
		struct arg *options = NULL;

		if (!mw_sieve_has_require(p, "enotify") &&
		    mw_sieve_need_require(p, k, "notify"))
			return;
		for (i = 0; i < nargs; i++) {
			struct tok *t = &p->toks[args[i].tok];

			if (args[i].type != T_TAG)
				continue;
			/* tags that take a value: skip it */
			if (mw_sieve_tok_is(t, ":method") && i + 1 < nargs &&
			    args[i + 1].type == T_STRING) {
				method = mw_sieve_arg_str(p, &args[i + 1], 0);
				i++;
			} else if (mw_sieve_tok_is(t, ":options") && i + 1 < nargs &&
				   args[i + 1].type == T_STRING) {
				options = &args[i + 1];
				i++;
			} else if ((mw_sieve_tok_is(t, ":from") ||
				    mw_sieve_tok_is(t, ":message") ||
				    mw_sieve_tok_is(t, ":importance") ||
				    mw_sieve_tok_is(t, ":id")) &&
				   i + 1 < nargs) {
				i++;
			}
		}
		if (!method && pos && pos == &args[nargs - 1] &&
		    !(nargs >= 2 && args[nargs - 2].type == T_TAG &&
		      !mw_sieve_tok_is(&p->toks[args[nargs - 2].tok], ":low") &&
		      !mw_sieve_tok_is(&p->toks[args[nargs - 2].tok], ":normal") &&
		      !mw_sieve_tok_is(&p->toks[args[nargs - 2].tok], ":high")))
			method = mw_sieve_arg_str(p, pos, 0);
		if (mw_sieve_has_require(p, "enotify") && !method) {
			mw_sieve_error(p, k->line, "notify needs a method URI");
			return;
		}
		if (method)
			add_mailto(p, method->str, method->slen, lt, ln,
				   k->line, conditional, disabled);
		/* draft notify: :method "mailto" :options ["addr"] */
		if (options && method && method->slen == 6 &&
		    !strncasecmp(method->str, "mailto", 6)) {
			for (i = 0; i < options->nstr; i++) {
				struct tok *s = mw_sieve_arg_str(p, options, i);

				f = mw_fwd_add_fact(p->d, FWD_NOTIFY, s->str,
						 s->slen, lt, ln, k->line);
				if (f) {
					f->copy = 1;
					f->conditional = conditional;
					f->disabled = disabled;
				}
			}
		}
	} else if (mw_sieve_tok_is(k, "include")) {
		struct tok *s;
		int global = 0;

		if (mw_sieve_need_require(p, k, "include"))
			return;
		if (!pos || pos != &args[nargs - 1]) {
			mw_sieve_error(p, k->line, "include needs a script name");
			return;
		}
		for (i = 0; i < nargs; i++)
			if (args[i].type == T_TAG &&
			    mw_sieve_tok_is(&p->toks[args[i].tok], ":global"))
				global = 1;
		s = mw_sieve_arg_str(p, pos, 0);
		f = mw_fwd_add_fact(p->d, FWD_INCLUDE, s->str, s->slen, lt, ln,
				 k->line);
		if (f) {
			f->key = strdup(global ? "global" : "personal");
			f->conditional = conditional;
			f->disabled = disabled;
		}
	} else if (mw_sieve_tok_is(k, "pipe")) {
		/* vnd.dovecot.pipe: pipe [:copy] [:try] "program" [args];
		 * the program is the first positional string */
		struct tok *prog = NULL;

		if (mw_sieve_need_require(p, k, "vnd.dovecot.pipe"))
			return;
		for (i = 0; i < nargs && !prog; i++)
			if (args[i].type == T_STRING && !args[i].is_list)
				prog = mw_sieve_arg_str(p, &args[i], 0);
		if (!prog) {
			mw_sieve_error(p, k->line, "pipe needs a program name");
			return;
		}
		f = mw_fwd_add_fact(p->d, FWD_PIPE, prog->str, prog->slen, lt, ln,
				 k->line);
		if (f) {
			f->copy = copy;
			f->conditional = conditional;
			f->disabled = disabled;
		}
	} else if (mw_sieve_tok_is(k, "set")) {
		struct arg *sa[2];
		size_t ns = 0;

		if (mw_sieve_need_require(p, k, "variables"))
			return;
		for (i = 0; i < nargs && ns < 2; i++)
			if (args[i].type == T_STRING && !args[i].is_list)
				sa[ns++] = &args[i];
		if (ns != 2 || sa[1] != &args[nargs - 1]) {
			mw_sieve_error(p, k->line, "set needs a name and a value");
			return;
		}
		if (p->var_names.n < FWD_MAX_FACTS) {
			struct tok *nm = mw_sieve_arg_str(p, sa[0], 0);
			struct tok *v = mw_sieve_arg_str(p, sa[1], 0);
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
	} else if (mw_sieve_tok_is(k, "stop")) {
		if (!conditional && !disabled)
			p->stopped = 1;
	}
}
