/*
 * The normalised view; see php_norm.h for the contract and
 * signatures/README.md for the exact canonical form.
 *
 * Tokens go onto a small stack of items; before each token is pushed the
 * top of the stack is reduced with that token as lookahead (constant
 * folding: php_fold.c, the shapes are listed at mw_php_reduce()); items
 * that fall off the bottom of the stack, and everything at the end, are
 * emitted. Folding only ever looks at the top eight items, so deep
 * nesting simply stops folding; nothing recurses.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ascii.h"
#include "signatures/php_flow.h"
#include "signatures/php_norm_int.h"

struct mw_php_norm *mw_php_norm_new(void)
{
	struct mw_php_norm *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	mw_buf_init(&n->out, (size_t)1 << 31);
	mw_buf_init(&n->vals, MW_PHP_MAX_VALUES);
	mw_buf_init(&n->tmp, MW_PHP_MAX_LIT);
	return n;
}

void mw_php_norm_free(struct mw_php_norm *n)
{
	if (!n)
		return;
	mw_buf_free(&n->out);
	mw_buf_free(&n->vals);
	mw_buf_free(&n->tmp);
	mw_buf_free(&n->facts);
	mw_php_flow_free(n->flow);
	free(n->map);
	free(n);
}

void mw_php_norm_trim(struct mw_php_norm *n, size_t keep)
{
	if (n->out.alloc > keep) {
		mw_buf_free(&n->out);
		mw_buf_init(&n->out, (size_t)1 << 31);
	}
	if (n->vals.alloc > keep) {
		mw_buf_free(&n->vals);
		mw_buf_init(&n->vals, MW_PHP_MAX_VALUES);
	}
	if (n->tmp.alloc > keep) {
		mw_buf_free(&n->tmp);
		mw_buf_init(&n->tmp, MW_PHP_MAX_LIT);
	}
	if (n->amap * 2 * sizeof(uint32_t) > keep) {
		free(n->map);
		n->map = NULL;
		n->amap = n->nmap = 0;
	}
}

/* ---- output ---- */

static void map_add(struct mw_php_norm *n, size_t raw_off)
{
	if (n->nmap == n->amap) {
		size_t na = n->amap ? n->amap * 2 : 4096;
		uint32_t *m = realloc(n->map, na * 2 * sizeof(*m));

		if (!m)
			return;		/* the map only gets coarser */
		n->map = m;
		n->amap = na;
	}
	n->map[2 * n->nmap] = (uint32_t)n->out.len;
	n->map[2 * n->nmap + 1] = (uint32_t)raw_off;
	n->nmap++;
}

static void out_bytes(struct mw_php_norm *n, const char *p, size_t len)
{
	if (n->caps & MW_PHP_CAP_OUTPUT)
		return;
	if (n->out.len + len > n->out_cap || mw_buf_append(&n->out, p, len)) {
		n->caps |= MW_PHP_CAP_OUTPUT;
		return;
	}
	if (len)
		n->last_word = is_word((unsigned char)p[len - 1]);
}

static void out_lit(struct mw_php_norm *n, const char *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char chunk[512];
	size_t i, k = 0;

	chunk[k++] = '\'';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (k > sizeof(chunk) - 8) {
			out_bytes(n, chunk, k);
			k = 0;
		}
		if (c == '\\' || c == '\'') {
			chunk[k++] = '\\';
			chunk[k++] = (char)c;
		} else if (c == '\n') {
			chunk[k++] = '\\';
			chunk[k++] = 'n';
		} else if (c == '\r') {
			chunk[k++] = '\\';
			chunk[k++] = 'r';
		} else if (c == '\t') {
			chunk[k++] = '\\';
			chunk[k++] = 't';
		} else if (c < 0x20 || c >= 0x7f) {
			chunk[k++] = '\\';
			chunk[k++] = 'x';
			chunk[k++] = hex[c >> 4];
			chunk[k++] = hex[c & 15];
		} else {
			chunk[k++] = (char)c;
		}
	}
	chunk[k++] = '\'';
	out_bytes(n, chunk, k);
}

/* Keep a decoded literal that looks like code as a layer. */
static void keep_layer(struct mw_php_norm *n, const struct item *it)
{
	struct layer_rec *l;

	if (!mw_php_looks_like_code(n->vals.data + it->off, it->len))
		return;
	if (n->nlayers == MW_PHP_MAX_LAYERS) {
		n->caps |= MW_PHP_CAP_LAYERS;
		return;
	}
	l = &n->lrec[n->nlayers++];
	l->off = it->off;
	l->len = it->len;
	l->raw_off = it->raw_off;
	l->depth = it->depth;
	memcpy(l->chain, it->chain, sizeof(l->chain));
}

static void emit(struct mw_php_norm *n, const struct item *it)
{
	size_t len, k;
	const char *t;
	char small[64];

	map_add(n, it->raw_off);
	if (it->kind == IT_LIT) {
		if (it->depth)
			keep_layer(n, it);
		out_lit(n, n->vals.data ? n->vals.data + it->off : "", it->len);
		return;
	}
	t = item_text(n, it, &len);
	switch (it->tk) {
	case MW_PT_HTML:
		out_bytes(n, t, len);
		n->last_word = 0;
		return;
	case MW_PT_OPEN:
		out_bytes(n, "<?php ", 6);
		n->last_word = 0;
		return;
	case MW_PT_OPEN_ECHO:
		out_bytes(n, "<?php echo ", 11);
		n->last_word = 0;
		return;
	case MW_PT_CLOSE:
		out_bytes(n, "?>", 2);
		return;
	case MW_PT_CAST:
		small[0] = '(';
		for (k = 1; len && k < sizeof(small) - 2 && --len; t++)
			if (is_word((unsigned char)t[1]))
				small[k++] = (char)mw_ascii_lower((unsigned char)t[1]);
		small[k++] = ')';
		out_bytes(n, small, k);
		return;
	default:
		break;
	}
	if (len && n->last_word && is_word((unsigned char)t[0]))
		out_bytes(n, " ", 1);
	if (it->lower) {
		for (k = 0; k < len; k += sizeof(small)) {
			size_t m = len - k < sizeof(small) ? len - k : sizeof(small), j;

			for (j = 0; j < m; j++)
				small[j] = (char)mw_ascii_lower((unsigned char)t[k + j]);
			out_bytes(n, small, m);
		}
	} else {
		out_bytes(n, t, len);
	}
	if (it->tk == MW_PT_OP && len == 1 && t[0] == ';') {
		out_bytes(n, "\n", 1);
		n->last_word = 0;
	}
}

static void flush_bottom(struct mw_php_norm *n, size_t count)
{
	size_t i;

	if (count > n->nst)
		count = n->nst;
	for (i = 0; i < count; i++)
		emit(n, &n->st[i]);
	memmove(n->st, n->st + count, (n->nst - count) * sizeof(n->st[0]));
	n->nst -= count;
}

static void push(struct mw_php_norm *n, struct item *it)
{
	int guard;

	/* each reduction removes items, so this ends; the guard is a belt */
	for (guard = 0; guard < 64 && mw_php_reduce(n, it); guard++)
		;
	if (!it)
		return;
	if (n->drop) {
		int d = n->drop;

		n->drop = 0;
		if (OPIS(it, d))
			return;
	}
	mw_php_before_push(n, it);
	if (n->nst == STACK_MAX)
		flush_bottom(n, STACK_MAX - STACK_KEEP);
	n->st[n->nst++] = *it;
}

/* A token to an item; string literals get their value in n->vals. */
/* A double-quoted string that is exactly one plain variable: "$name". */
static int is_lone_var(const char *s, size_t len)
{
	size_t i;

	if (len < 4 || s[0] != '"' || s[1] != '$' || s[len - 1] != '"' ||
	    (s[2] >= '0' && s[2] <= '9'))
		return 0;
	for (i = 2; i < len - 1; i++)
		if (!is_word((unsigned char)s[i]))
			return 0;
	return 1;
}

static int to_item(struct mw_php_norm *n, const struct mw_php_token *t,
		   struct item *it)
{
	memset(it, 0, sizeof(*it));
	it->raw_off = t->start;
	if (t->kind == MW_PT_STRING && !(t->flags & MW_PT_F_BACKTICK)) {
		size_t start = n->vals.len;

		if (mw_php_room_for(n, t->len) &&
		    mw_php_string_value(n->buf, t, &n->vals) == MW_OK) {
			it->kind = IT_LIT;
			it->off = start;
			it->len = n->vals.len - start;
			return 1;
		}
		n->vals.len = start;
		if (n->vals.data)
			n->vals.data[start] = '\0';
	}
	/* "$v" alone is what $v holds: ("$f")(...) calls it */
	if (t->kind == MW_PT_ISTRING && (t->flags & MW_PT_F_DQ) &&
	    is_lone_var(n->buf + t->start, t->len) &&
	    mw_php_var_literal(n, n->buf + t->start + 1, t->len - 2, &it->off, &it->len)) {
		it->kind = IT_LIT;
		return 1;
	}
	it->kind = IT_TOK;
	it->tk = (uint8_t)t->kind;
	it->src = SRC_RAW;
	it->off = t->start;
	it->len = t->len;
	if (t->kind == MW_PT_OP || t->kind == MW_PT_IDENT)
		it->op = mw_php_op_id(n->buf + t->start, t->len);
	return 1;
}

static void on_fact(void *ud, size_t fact_off, size_t view_off)
{
	struct mw_php_norm *n = ud;

	if (n->nfacts < MW_FLOW_MAX_FACTS) {
		n->fact_at[n->nfacts][0] = fact_off;
		n->fact_at[n->nfacts][1] = view_off;
		n->nfacts++;
	}
}

/* After the view: one line per data-flow fact, each mapped to the raw
 * offset of the sink call it describes. */
static void add_facts(struct mw_php_norm *n)
{
	size_t i, end;
	int capped = 0;

	if (!n->out.len || (!n->flow && !(n->flow = mw_php_flow_new())))
		return;
	if (!n->facts.cap)
		mw_buf_init(&n->facts, (size_t)64 << 10);
	mw_buf_reset(&n->facts);
	n->nfacts = 0;
	mw_php_flow_run(n->flow, n->out.data, n->out.len, &n->facts, on_fact, n, &capped);
	if (capped)
		n->caps |= MW_PHP_CAP_FLOW;
	if (!n->nfacts)
		return;
	map_add(n, n->len);
	out_bytes(n, "\n", 1);
	for (i = 0; i < n->nfacts; i++) {
		end = i + 1 < n->nfacts ? n->fact_at[i + 1][0] : n->facts.len;
		map_add(n, mw_php_norm_raw_offset(n, n->fact_at[i][1]));
		out_bytes(n, n->facts.data + n->fact_at[i][0], end - n->fact_at[i][0]);
	}
}

enum mw_err mw_php_normalise(struct mw_php_norm *n, const char *buf, size_t len,
			     int in_php, size_t decode_budget, size_t *decoded)
{
	struct mw_php_lexer lx;
	struct mw_php_token t;
	struct item it;
	size_t i;

	n->buf = buf ? buf : "";
	n->len = buf ? len : 0;
	mw_buf_reset(&n->out);
	mw_buf_reset(&n->vals);
	for (i = 0; i < n->nvars; i++)
		memset(&n->vars[n->used_slot[i]], 0, sizeof(n->vars[0]));
	n->nmap = n->nst = n->nlayers = n->nvars = n->narrays = 0;
	n->forget = NULL;
	n->fn_state = 0;
	n->bitwords = 0;
	n->drop = 0;
	n->fn_depth = 0;
	n->nshadow = 0;
	n->caps = 0;
	n->budget = decode_budget;
	n->decoded = 0;
	n->work = 0;
	n->last_word = 0;
	n->out_cap = n->len * 4 + 65536;
	if (n->out_cap > ((size_t)1 << 31) - 1)
		n->out_cap = ((size_t)1 << 31) - 1;	/* 32-bit map offsets */
	if (n->len > MAX_NORM_INPUT) {
		n->len = MAX_NORM_INPUT;
		n->caps |= MW_PHP_CAP_OUTPUT;
	}
	if (mw_buf_reserve(&n->out, n->len + 16))
		return MW_ERR_NOMEM;
	mw_php_lex_init(&lx, n->buf, n->len, in_php);
	while (mw_php_lex_next(&lx, &t)) {
		if (t.kind == MW_PT_WS || t.kind == MW_PT_COMMENT)
			continue;
		to_item(n, &t, &it);
		push(n, &it);
	}
	push(n, NULL);
	flush_bottom(n, n->nst);
	if (lx.capped) {
		/* the rest as it is, so that raw patterns' text is there */
		n->caps |= MW_PHP_CAP_TOKENS;
		map_add(n, lx.pos);
		out_bytes(n, n->buf + lx.pos, n->len - lx.pos);
	}
	add_facts(n);
	if (!n->out.data && mw_buf_reserve(&n->out, 1))
		return MW_ERR_NOMEM;
	n->out.data[n->out.len] = '\0';
	for (i = 0; i < n->nlayers; i++) {
		struct mw_php_layer *l = &n->layers[i];

		l->data = n->vals.data + n->lrec[i].off;
		l->len = n->lrec[i].len;
		l->raw_off = n->lrec[i].raw_off;
		l->depth = n->lrec[i].depth;
		memcpy(l->chain, n->lrec[i].chain, sizeof(l->chain));
	}
	if (decoded)
		*decoded = n->decoded;
	return MW_OK;
}

const char *mw_php_norm_text(const struct mw_php_norm *n, size_t *len)
{
	*len = n->out.len;
	return n->out.data ? n->out.data : "";
}

size_t mw_php_norm_raw_offset(const struct mw_php_norm *n, size_t off)
{
	size_t lo = 0, hi = n->nmap;

	if (n->nmap == 0)
		return 0;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (n->map[2 * mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return n->map[2 * lo + 1] < n->len ? n->map[2 * lo + 1] : n->len;
}

unsigned mw_php_norm_caps(const struct mw_php_norm *n)
{
	return n->caps;
}

const char *mw_php_norm_facts(const struct mw_php_norm *n, size_t *len)
{
	*len = n->nfacts ? n->facts.len : 0;
	return n->nfacts && n->facts.data ? n->facts.data : "";
}

size_t mw_php_norm_nlayers(const struct mw_php_norm *n)
{
	return n->nlayers;
}

const struct mw_php_layer *mw_php_norm_layer(const struct mw_php_norm *n, size_t i)
{
	return i < n->nlayers ? &n->layers[i] : NULL;
}

int mw_php_looks_like_code(const char *data, size_t len)
{
	size_t i, print = 0, punct = 0, n = len < 4096 ? len : 4096;

	if (len < 8)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];

		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' || c >= 0x80)
			print++;
		if (c == ';' || c == '(' || c == '$' || c == '<')
			punct++;
	}
	return print * 100 >= n * 95 && punct > 0;
}
