/*
 * Calls folded over literal arguments, called by mw_php_reduce()
 * (php_fold.c) at a ")": the decoders of php_decode.h, chr(N),
 * str_replace/strtr of three literals, and the string functions substr,
 * substr_replace, trim/ltrim/rtrim, str_repeat (names cut out of a longer
 * literal or padded with blanks). Bounded by the caps of php_norm.h like
 * every fold.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "signatures/php_norm_int.h"

/* f(arg) with f a decoder and arg a literal (or a variable holding one). */
int mw_php_fold_decoder(struct mw_php_norm *n, enum mw_php_fn fn, const struct item *first,
		     const struct item *arg, size_t k)
{
	size_t ao, al, start;
	unsigned depth;
	const uint8_t *chain;
	struct item r;
	enum mw_err e;
	uint8_t ch[MW_PHP_MAX_DEPTH];

	if (!mw_php_value_of(n, arg, &ao, &al, &depth, &chain))
		return 0;
	if (n->work + al > MAX_WORK) {
		n->caps |= MW_PHP_CAP_DECODED;
		return 0;
	}
	n->work += al;
	memcpy(ch, chain, sizeof(ch));
	if (mw_php_fn_decodes(fn)) {
		if (depth >= MW_PHP_MAX_DEPTH) {
			n->caps |= MW_PHP_CAP_DEPTH;
			return 0;
		}
		if (n->decoded >= n->budget) {
			n->caps |= MW_PHP_CAP_DECODED;
			return 0;
		}
		ch[depth++] = (uint8_t)fn;
	}
	if (!mw_php_room_for(n, al))
		return 0;
	/* decode from a copy: the output goes to the same arena */
	mw_buf_reset(&n->tmp);
	if (mw_buf_append(&n->tmp, n->vals.data + ao, al))
		return 0;
	start = n->vals.len;
	e = mw_php_apply(fn, n->tmp.data ? n->tmp.data : "", al, &n->vals,
			 n->budget - n->decoded);
	if (e) {
		if (e == MW_ERR_TOOBIG && (fn == MW_FN_GZINFLATE || fn == MW_FN_GZUNCOMPRESS ||
					   fn == MW_FN_GZDECODE))
			/* which of the two bounds mw_php_apply() was given */
			n->caps |= n->budget - n->decoded < al * MW_PHP_MAX_INFLATE_RATIO + 4096 ?
				   MW_PHP_CAP_DECODED : MW_PHP_CAP_RATIO;
		else if (e == MW_ERR_TOOBIG)
			n->caps |= MW_PHP_CAP_VALUES;
		n->vals.len = start;
		if (n->vals.data)
			n->vals.data[start] = '\0';
		return 0;
	}
	if (mw_php_fn_decodes(fn))
		n->decoded += n->vals.len - start;
	make_lit(&r, first->raw_off, start, n->vals.len - start);
	r.depth = (uint8_t)depth;
	memcpy(r.chain, ch, sizeof(r.chain));
	replace_top(n, k, &r);
	return 1;
}

int mw_php_fold_chr(struct mw_php_norm *n, const struct item *first,
		    const struct item *arg)
{
	long v;
	size_t len, ao, al;
	unsigned depth;
	const uint8_t *chain;
	const char *t;
	struct item r;
	char c;

	if (arg->kind == IT_TOK && arg->tk == MW_PT_NUMBER) {
		t = item_text(n, arg, &len);
		if (!mw_php_fold_int(t, len, &v))
			return 0;
	} else if (mw_php_value_of(n, arg, &ao, &al, &depth, &chain)) {
		if (!mw_php_fold_int(n->vals.data + ao, al, &v))
			return 0;
	} else {
		return 0;
	}
	v %= 256;
	if (v < 0)
		v += 256;
	c = (char)v;
	if (!mw_php_room_for(n, 1) || mw_buf_append(&n->vals, &c, 1))
		return 0;
	make_lit(&r, first->raw_off, n->vals.len - 1, 1);
	replace_top(n, 4, &r);
	return 1;
}

/*
 * str_replace(search, replace, subject) and strtr(subject, from, to) of
 * three literals (packers strip junk from a blob with them): the top
 * eight items. Counted as a decoder: the result may be a layer.
 */
int mw_php_fold_call3(struct mw_php_norm *n, enum mw_php_fn fn, const struct item *first,
		      const struct item *a, const struct item *b, const struct item *c)
{
	size_t o[3], l[3], i, start, k;
	unsigned d[3], depth;
	const uint8_t *ch[3];
	const struct item *args[3] = { a, b, c };
	struct item r;
	uint8_t chain[MW_PHP_MAX_DEPTH];
	const char *v;

	for (i = 0; i < 3; i++)
		if (!mw_php_value_of(n, args[i], &o[i], &l[i], &d[i], &ch[i]))
			return 0;
	if (n->work + l[0] + l[1] + l[2] > MAX_WORK) {
		n->caps |= MW_PHP_CAP_DECODED;
		return 0;
	}
	n->work += l[0] + l[1] + l[2];
	/* the blob is the subject: its chain goes on */
	k = fn == MW_FN_STR_REPLACE ? 2 : 0;
	depth = d[k];
	memcpy(chain, ch[k], sizeof(chain));
	if (depth >= MW_PHP_MAX_DEPTH) {
		n->caps |= MW_PHP_CAP_DEPTH;
		return 0;
	}
	chain[depth++] = (uint8_t)fn;
	if (!mw_php_room_for(n, l[k] * (fn == MW_FN_STR_REPLACE && l[0] && l[1] > l[0] ?
				 l[1] / l[0] + 1 : 1)))
		return 0;
	/* work from a copy: the arena may move while it grows */
	mw_buf_reset(&n->tmp);
	for (i = 0; i < 3; i++)
		if (mw_buf_append(&n->tmp, n->vals.data + o[i], l[i]))
			return 0;
	v = n->tmp.data;
	start = n->vals.len;
	if (fn == MW_FN_STR_REPLACE) {
		const char *se = v, *re = v + l[0], *su = v + l[0] + l[1];

		/* memmem (two-way, linear) between matches, not a compare at
		 * every byte: a long search string cannot make it quadratic */
		for (i = 0; i < l[2];) {
			const char *m = l[0] ? memmem(su + i, l[2] - i, se, l[0]) : NULL;
			size_t upto = m ? (size_t)(m - su) : l[2];

			if (mw_buf_append(&n->vals, su + i, upto - i))
				goto full;
			i = upto;
			if (m) {
				if (mw_buf_append(&n->vals, re, l[1]))
					goto full;
				i += l[0];
			}
		}
	} else {
		unsigned char map[256];
		const char *su = v, *from = v + l[0], *to = v + l[0] + l[1];
		size_t m = l[1] < l[2] ? l[1] : l[2];

		for (i = 0; i < 256; i++)
			map[i] = (unsigned char)i;
		for (i = 0; i < m; i++)
			map[(unsigned char)from[i]] = (unsigned char)to[i];
		if (mw_buf_reserve(&n->vals, l[0]))
			goto full;
		for (i = 0; i < l[0]; i++)
			n->vals.data[n->vals.len++] = (char)map[(unsigned char)su[i]];
		n->vals.data[n->vals.len] = '\0';
	}
	n->decoded += n->vals.len - start;
	make_lit(&r, first->raw_off, start, n->vals.len - start);
	r.depth = (uint8_t)depth;
	memcpy(r.chain, chain, sizeof(r.chain));
	replace_top(n, 8, &r);
	return 1;
full:
	n->caps |= MW_PHP_CAP_VALUES;
	n->vals.len = start;
	if (n->vals.data)
		n->vals.data[start] = '\0';
	return 0;
}

/* The string functions folded over literal arguments (fold_strfn). */
enum { SF_SUBSTR, SF_SUBSTR_REPLACE, SF_TRIM, SF_LTRIM, SF_RTRIM, SF_STR_REPEAT };
static const struct {
	const char *name;
	unsigned min, max;	/* arguments */
} strfns[] = {
	{ "substr", 2, 3 }, { "substr_replace", 3, 4 }, { "trim", 1, 1 },
	{ "ltrim", 1, 1 }, { "rtrim", 1, 1 }, { "str_repeat", 2, 2 },
};

/* One argument: a literal (or a variable holding one: *o, *l) or an
 * integer (*num, *isnum), possibly negative. */
struct sarg {
	size_t o, l;
	long num;
	int isnum;
};

/* PHP's substr() window [*from, *from + *len) of a string of n bytes. */
static void substr_window(size_t n, long start, int haslen, long len, size_t *from,
			  size_t *cnt)
{
	long s = start < 0 ? (long)n + start : start, e;

	if (s < 0)
		s = 0;
	if (s > (long)n)
		s = (long)n;
	e = !haslen ? (long)n : len < 0 ? (long)n + len : s + len;
	if (e > (long)n)
		e = (long)n;
	*from = (size_t)s;
	*cnt = e > s ? (size_t)(e - s) : 0;
}

static int trim_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == '\v';
}

/*
 * substr, substr_replace, trim/ltrim/rtrim and str_repeat of literal and
 * integer arguments (names cut out of a longer string, padded with
 * blanks), at the ")" on top of the stack. 1 if folded.
 */
int mw_php_fold_strfn(struct mw_php_norm *n)
{
	struct sarg a[4];
	size_t j, na = 0, k, start, from, cnt, len;
	const char *t;
	struct item *name;
	unsigned f;
	long v;

	if (n->nst < 4)
		return 0;
	/* arguments, last first: items between "(" and ")" */
	j = n->nst - 2;
	for (;;) {
		struct item *it = &n->st[j];

		if (na == 4)
			return 0;
		if (it->kind == IT_TOK && it->tk == MW_PT_NUMBER) {
			t = item_text(n, it, &len);
			if (!mw_php_fold_int(t, len, &v))
				return 0;
			if (j > 0 && n->st[j - 1].kind == IT_TOK && n->st[j - 1].op &&
			    item_text(n, &n->st[j - 1], &len)[0] == '-' && len == 1) {
				v = -v;
				j--;
			}
			a[na].isnum = 1;
			a[na].num = v;
		} else if (mw_php_fold_value(n, it, &a[na].o, &a[na].l)) {
			a[na].isnum = 0;
		} else {
			return 0;
		}
		na++;
		if (j < 2)
			return 0;
		j--;
		if (OPIS(&n->st[j], OP_COMMA)) {
			j--;
			continue;
		}
		if (OPIS(&n->st[j], OP_LPAR))
			break;
		return 0;
	}
	name = &n->st[j - 1];
	if (name->kind != IT_TOK || name->tk != MW_PT_IDENT ||
	    (j >= 2 && !mw_php_fold_callable(&n->st[j - 2])))
		return 0;
	t = item_text(n, name, &len);
	for (f = 0; f < sizeof(strfns) / sizeof(strfns[0]); f++)
		if (strlen(strfns[f].name) == len && strncasecmp(t, strfns[f].name, len) == 0)
			break;
	if (f == sizeof(strfns) / sizeof(strfns[0]) || na < strfns[f].min || na > strfns[f].max)
		return 0;
	/* a[] is last first: put it in call order */
	for (k = 0; k < na / 2; k++) {
		struct sarg x = a[k];

		a[k] = a[na - 1 - k];
		a[na - 1 - k] = x;
	}
	for (k = 0; k < na; k++) {
		int wantnum = (f == SF_SUBSTR && k > 0) || (f == SF_SUBSTR_REPLACE && k > 1) ||
			      (f == SF_STR_REPEAT && k == 1);

		if (wantnum && !a[k].isnum) {
			if (!mw_php_fold_int(n->vals.data + a[k].o, a[k].l, &v))
				return 0;
			a[k].num = v;
			a[k].isnum = 1;
		} else if (!wantnum && a[k].isnum) {
			return 0;
		}
	}
	start = n->vals.len;
	switch (f) {
	case SF_SUBSTR:
		substr_window(a[0].l, a[1].num, na == 3, na == 3 ? a[2].num : 0, &from, &cnt);
		if (!mw_php_room_for(n, cnt) || mw_buf_reserve(&n->vals, cnt))
			return 0;
		memmove(n->vals.data + start, n->vals.data + a[0].o + from, cnt);
		n->vals.len += cnt;
		break;
	case SF_SUBSTR_REPLACE:
		substr_window(a[0].l, a[2].num, na == 4, na == 4 ? a[3].num : 0, &from, &cnt);
		if (!mw_php_room_for(n, a[0].l + a[1].l) ||
		    mw_buf_reserve(&n->vals, a[0].l + a[1].l))
			return 0;
		memmove(n->vals.data + start, n->vals.data + a[0].o, from);
		memmove(n->vals.data + start + from, n->vals.data + a[1].o, a[1].l);
		memmove(n->vals.data + start + from + a[1].l, n->vals.data + a[0].o + from + cnt,
			a[0].l - from - cnt);
		n->vals.len += a[0].l - cnt + a[1].l;
		break;
	case SF_STR_REPEAT:
		if (a[1].num < 0 || a[1].num > 4096 || (size_t)a[1].num * a[0].l > 65536 ||
		    !mw_php_room_for(n, (size_t)a[1].num * a[0].l) ||
		    mw_buf_reserve(&n->vals, (size_t)a[1].num * a[0].l))
			return 0;
		for (v = 0; v < a[1].num; v++) {
			memmove(n->vals.data + n->vals.len, n->vals.data + a[0].o, a[0].l);
			n->vals.len += a[0].l;
		}
		break;
	default:	/* trim, ltrim, rtrim */
		from = 0;
		cnt = a[0].l;
		if (f != SF_RTRIM)
			while (cnt && trim_byte((unsigned char)n->vals.data[a[0].o + from])) {
				from++;
				cnt--;
			}
		if (f != SF_LTRIM)
			while (cnt && trim_byte((unsigned char)n->vals.data[a[0].o + from + cnt - 1]))
				cnt--;
		if (!mw_php_room_for(n, cnt) || mw_buf_reserve(&n->vals, cnt))
			return 0;
		memmove(n->vals.data + start, n->vals.data + a[0].o + from, cnt);
		n->vals.len += cnt;
		break;
	}
	n->vals.data[n->vals.len] = '\0';
	mw_php_fold_replace(n, n->nst - (j - 1), name->raw_off, start, n->vals.len - start);
	return 1;
}

