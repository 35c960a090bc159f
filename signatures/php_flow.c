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
#include "signatures/php_flow_int.h"
#include "signatures/php_lex.h"

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

/* ---- expressions ---- */

static int sink_of(const struct mw_php_flow *f, size_t i)
{
	uint8_t id = i < f->ntok && f->tok[i].kind == MW_PT_IDENT ? f->tok[i].id : W_NONE;

	return id >= W_SINK && id < W_SINK + mw_flow_nsinks ? id - W_SINK : -1;
}

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
uint16_t mw_flow_expr_bits(struct mw_php_flow *f, size_t i, enum stop mode, size_t *end)
{
	uint16_t b = 0;
	int depth = 0;
	size_t l;
	const char *t;

	for (; i < f->ntok && mw_flow_spend(f); i++) {
		const struct ftok *k = &f->tok[i];

		switch (k->kind) {
		case MW_PT_CLOSE:	/* ends a statement like ";" */
			if (depth == 0)
				goto done;
			break;
		case MW_PT_OP:
			t = mw_flow_txt(f, i, &l);
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
			uint16_t vb = mw_flow_var_bits(f, i);
			size_t vl;
			const char *vt = mw_flow_txt(f, i, &vl);

			/* an element of a tainted array of ours ($hooks['cb']) is
			 * data, but not the request choosing it */
			if (vb && mw_flow_is_op(f, i + 1, "[") && !mw_flow_superglobal(vt, vl))
				vb |= S_INDIRECT;
			b |= vb;
			/* $list[$key]: the key selects an element of the
			 * variable, it is not data of its own */
			while (mw_flow_is_op(f, i + 1, "[") && i + 1 < f->ntok) {
				i = mw_flow_closing(f, i + 1);
				if (i >= f->ntok)
					goto done;
			}
			break;
		}
		case MW_PT_ISTRING:
			b |= mw_flow_string_bits(f, i);
			break;
		case MW_PT_STRING:
			/* include('php://input'), fopen('php://input') */
			t = mw_flow_txt(f, i, &l);
			if (l == 13 && is_php_input(t + 1))
				b |= S_INPUT;
			break;
		case MW_PT_CAST:
			t = mw_flow_txt(f, i, &l);
			if (l > 2 && (t[1] == 'i' || t[1] == 'f' || t[1] == 'b' || t[1] == 'd'))
				i++;	/* (int)$x: the next operand carries nothing */
			break;
		case MW_PT_IDENT:
			if (mode == STOP_AS && depth == 0 && mw_flow_is_word(f, i, W_AS))
				goto done;
			if (k->id == W_FUNCTION) {
				/* a closure's value is code, not its body's data:
				 * the body is analysed where it stands */
				size_t body = mw_flow_closing(f, i + 1);

				if (mw_flow_is_word(f, body + 1, W_USE))
					body = mw_flow_closing(f, body + 2);
				while (body + 1 < f->ntok && !mw_flow_is_op(f, body + 1, "{") && body < i + 64)
					body++;
				if (mw_flow_is_op(f, body + 1, "{"))
					i = mw_flow_closing(f, body + 1);
				if (i >= f->ntok)
					goto done;
				break;
			}
			if (!mw_flow_is_op(f, i + 1, "("))
				break;
			if (k->id == W_SANITISER) {
				i = mw_flow_closing(f, i + 1);
				if (i >= f->ntok)
					goto done;
				break;
			}
			if (k->id == W_HEADERS) {
				b |= S_HEADER;
			} else if (k->id == W_GETENV) {
				/* getenv('HTTP_X'): the request's header X */
				if (i + 2 < f->ntok && f->tok[i + 2].kind == MW_PT_STRING) {
					t = mw_flow_txt(f, i + 2, &l);
					if (l > 7 && memcmp(t + 1, "HTTP_", 5) == 0)
						b |= S_HEADER;
				}
			} else if (k->id == W_SINK + mw_flow_sk_fgc && i + 2 < f->ntok &&
				   f->tok[i + 2].kind == MW_PT_STRING) {
				t = mw_flow_txt(f, i + 2, &l);
				if (l >= 13 && is_php_input(t + 1))
					b |= S_INPUT;
			} else if (!(i && (mw_flow_is_op(f, i - 1, "->") || mw_flow_is_op(f, i - 1, "::") ||
					   mw_flow_is_word(f, i - 1, W_FUNCTION)))) {
				struct func *fn = mw_flow_func_at(f, i);

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
	return sink >= SINK_CALLBACK ? 1 : mw_flow_sinks[sink].nargs;
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
	h = mw_fnv1a(&key, sizeof(key));
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
		mw_buf_puts(f->out, mw_flow_sinks[sink].name);
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
		if (a == 0 && sink < mw_flow_nsinks && mw_flow_sinks[sink].cls == SK_FILE)
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

	if (mw_flow_is_op(f, k, ")"))
		return 0;
	while (k < f->ntok && !f->capped) {
		uint16_t b = mw_flow_expr_bits(f, k, STOP_ARG, &end);

		if (n < max)
			args[n] = b;
		n++;
		if (!mw_flow_is_op(f, end, ","))
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

	if (i >= f->ntok || f->tok[i].kind != MW_PT_STRING || !mw_flow_is_op(f, i + 1, ","))
		return 0;
	t = mw_flow_txt(f, i, &l);
	if (l < 5)
		return 0;
	close = t[1] == '(' ? ')' : t[1] == '{' ? '}' : t[1] == '[' ? ']' :
		t[1] == '<' ? '>' : t[1];
	for (k = l - 2; k > 2 && ((t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z')); k--)
		if (t[k] == 'e')
			e = 1;
	return e && t[k] == close && !mw_flow_name_byte((unsigned char)t[1]);
}

/*
 * Is argument k of the call whose "(" is at open an element of a
 * variable's array ($control['callback'], $hooks[$name])? Frameworks call
 * callbacks registered on their side, picked by request data; that is not
 * the request choosing a function. A mw_flow_superglobal's element is the request.
 */
static int registered_callback(struct mw_php_flow *f, size_t open, unsigned k)
{
	size_t i = open + 1, l;
	unsigned arg = 0;
	int depth = 0;
	const char *t;

	for (; i < f->ntok && arg < k && mw_flow_spend(f); i++) {
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
	if (i + 1 >= f->ntok || f->tok[i].kind != MW_PT_VAR || !mw_flow_is_op(f, i + 1, "["))
		return 0;
	t = mw_flow_txt(f, i, &l);
	return mw_flow_superglobal(t, l) == 0 && !(l == 8 && memcmp(t, "$_SERVER", 8) == 0);
}

/* Is the operator at i an assignment (=, .=, +=, ??= ...)? */
static int assign_op(const struct mw_php_flow *f, size_t i)
{
	size_t l;
	const char *t;

	if (i >= f->ntok || f->tok[i].kind != MW_PT_OP)
		return 0;
	t = mw_flow_txt(f, i, &l);
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

	for (i = from; i < to && !f->capped && mw_flow_spend(f); i++) {
		const struct ftok *t = &f->tok[i];

		mw_flow_scope_leave(f, i);
		switch (t->kind) {
		case MW_PT_VAR:
			j = i + 1;
			while (mw_flow_is_op(f, j, "[") && j < to)
				j = mw_flow_closing(f, j) + 1;
			if (j > i + 1 && mw_flow_is_op(f, j, "(")) {
				/* $_POST['f']($_POST['a']): a function the request
				 * names, called from an element of the request */
				size_t sl, a;
				const char *st = mw_flow_txt(f, i, &sl);
				uint16_t row[2] = { mw_flow_superglobal(st, sl), 0 };

				if (row[0] & S_REAL) {
					n = call_args(f, j, args, MW_FLOW_MAX_PARAMS);
					for (a = 0; a < n; a++)
						row[1] |= args[a];
					sink_call(f, SINK_DYNAMIC, row, 2, i);
				}
			} else if (assign_op(f, j)) {
				int was = mw_flow_var_read_swap(f, i, 0);
				uint16_t b = mw_flow_expr_bits(f, j + 1, STOP_STMT, &end);
				size_t ol;

				/* $cmd .= ...: what it held (extract(), register_globals)
				 * is still in it */
				if (j == i + 1 && mw_flow_txt(f, j, &ol) && ol > 1)
					b |= mw_flow_var_bits(f, i);
				mw_flow_var_read_swap(f, i, was);	/* not its own reads */
				mw_flow_var_taint(f, i, b && j > i + 1 ? b | S_INDIRECT : b);
			} else if (mw_flow_is_op(f, i + 1, "(") && !(i && (mw_flow_is_op(f, i - 1, "->") ||
								     mw_flow_is_op(f, i - 1, "::") ||
								     mw_flow_is_word(f, i - 1, W_NEW)))) {
				uint16_t b = mw_flow_var_bits(f, i), a = 0;

				if (b && !(b & S_INDIRECT)) {
					uint16_t row[2];

					/* the name, then the arguments' sources */
					row[0] = b;
					row[1] = 0;
					n = mw_flow_is_op(f, i + 2, "[") || mw_flow_is_word(f, i + 2, W_ARRAY) ? 0 :
					    call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
					for (j = 0; j < n; j++)
						row[1] |= args[j];
					sink_call(f, SINK_DYNAMIC, row, 2, i);
				} else if (!mw_flow_is_op(f, i + 2, "[") && !mw_flow_is_word(f, i + 2, W_ARRAY) &&
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
				args[0] = mw_flow_string_bits(f, i);
				if (args[0])
					sink_call(f, mw_flow_sk_shell_exec, args, 1, i);
			}
			break;
		case MW_PT_IDENT: {
			int s;

			if (mw_flow_is_word(f, i, W_FUNCTION)) {
				mw_flow_scope_enter(f, i);
				break;
			}
			if (mw_flow_is_word(f, i, W_GLOBAL) && f->scope) {
				/* global $a, $b: their taint in the file's scope */
				for (j = i + 1; j < to && f->tok[j].kind == MW_PT_VAR && mw_flow_spend(f); j += 2) {
					uint32_t here = f->scope;
					uint16_t b;

					f->scope = 0;
					b = mw_flow_var_bits(f, j);
					f->scope = here;
					mw_flow_var_taint(f, j, b);
					if (!mw_flow_is_op(f, j + 1, ","))
						break;
				}
				break;
			}
			if (mw_flow_is_word(f, i, W_FOREACH) && mw_flow_is_op(f, i + 1, "(")) {
				uint16_t b = mw_flow_expr_bits(f, i + 2, STOP_AS, &end);

				for (j = end + 1; j < to && !mw_flow_is_op(f, j, ")") && mw_flow_spend(f); j++)
					if (f->tok[j].kind == MW_PT_VAR)
						mw_flow_var_taint(f, j, b ? b | S_INDIRECT : 0);
				break;
			}
			if (mw_flow_is_word(f, i, W_RETURN) && f->cur) {
				f->cur->ret |= mw_flow_expr_bits(f, i + 1, STOP_STMT, &end) & S_REAL;
				break;
			}
			if ((s = sink_of(f, i)) >= (int)mw_flow_sk_include_lo && s <= (int)mw_flow_sk_include_hi) {
				args[0] = mw_flow_expr_bits(f, i + 1, STOP_STMT, &end);
				sink_call(f, (unsigned)sink_of(f, i), args, 1, i);
				break;
			}
			/* new ReflectionFunction(f) and $db->createFunction('n', f)
			 * make a callable of f: any request influence on f counts,
			 * an element of a decoded request array too */
			if (i && mw_flow_is_op(f, i + 1, "(") &&
			    ((t->id == W_REFLECTION_FN && mw_flow_is_word(f, i - 1, W_NEW)) ||
			     (t->id == W_CREATE_FN && mw_flow_is_op(f, i - 1, "->")))) {
				uint16_t row[2] = { 0, 0 };

				n = call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
				j = t->id == W_CREATE_FN ? 1 : 0;
				if (n > j)
					row[0] = args[j] & (uint16_t)~S_INDIRECT;
				/* the callable is invoked later (->invoke(), a SQL
				 * call): the data is whatever reaches it there, so
				 * the fact names the request for both */
				row[1] = row[0];
				if (row[0] & S_REAL)
					sink_call(f, SINK_CALLBACK, row, 2, i);
				break;
			}
			if (!mw_flow_is_op(f, i + 1, "(") || (i && mw_flow_is_word(f, i - 1, W_FUNCTION)) ||
			    (i && mw_flow_is_word(f, i - 1, W_NEW)))
				break;
			if (i && (mw_flow_is_op(f, i - 1, "->") || mw_flow_is_op(f, i - 1, "::") ||
				  mw_flow_is_op(f, i - 1, "?->"))) {
				struct func *fn = mw_flow_func_at(f, i);

				if (fn) {
					n = call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
					wrapper_call(f, fn, args, n, i);
				}
				break;
			}
			if (mw_flow_is_word(f, i, W_EXTRACT) || mw_flow_is_word(f, i, W_PARSE_STR) ||
			    mw_flow_is_word(f, i, W_IMPORT_REQ)) {
				n = call_args(f, i + 1, args, MW_FLOW_MAX_PARAMS);
				f->extracted |= n ? args[0] : (uint16_t)S_REQUEST;
				if (mw_flow_is_word(f, i, W_IMPORT_REQ))
					f->extracted |= S_REQUEST;
				break;
			}
			if (t->id >= W_CALLBACK && t->id < W_CALLBACK + mw_flow_ncbfuncs) {
				const struct cbfunc *cf = &mw_flow_cbfuncs[t->id - W_CALLBACK];
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
				if ((unsigned)s == mw_flow_sk_preg && e_modifier(f, i + 2))
					s = (int)mw_flow_sk_preg_e;
				sink_call(f, (unsigned)s, args, n, i);
			} else {
				struct func *fn = mw_flow_func_at(f, i);

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
	if (!mw_flow_has_source(view, len))
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
	if ((e = mw_flow_lex_view(f)) != MW_OK)
		return e;
	f->budget = (size_t)MW_FLOW_WORK * (f->ntok + 16);
	for (i = 0; i + 2 < f->ntok; i++)
		if (f->tok[i].kind == MW_PT_VAR)
			mw_flow_note_key(f, i);

	for (i = 0; i + 1 < f->ntok && !f->capped; i++)
		if (mw_flow_is_word(f, i, W_FUNCTION))
			mw_flow_func_add(f, i);
	for (round = 0; round < MW_FLOW_ROUNDS && !f->capped; round++) {
		f->changed = 0;
		for (k = 0; k < f->nfuncs && !f->capped; k++) {
			struct func *fn = &f->funcs[k];
			uint32_t p;

			if (!fn->end)
				continue;
			mw_flow_vars_reset(f);
			f->scope = ++f->nscopes;
			for (p = 0; p < fn->nparams; p++)
				mw_flow_var_taint(f, fn->param[p], (uint16_t)S_PARAM(p));
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
	mw_flow_vars_reset(f);
	analyse(f, 0, f->ntok);
	/* once more with what the first pass learnt: a value assigned below
	 * its use (a loop, a session slot written on an earlier request).
	 * Its own budget; a bound hit here only leaves such late flows out,
	 * the first pass having seen the whole file. */
	if (f->late && !f->capped && f->err == MW_OK) {
		f->work = 0;
		analyse(f, 0, f->ntok);
		f->capped = 0;
	}
	if (capped)
		*capped = f->capped || summaries_capped || f->bounded;
	return f->err;
}
