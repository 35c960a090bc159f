/*
 * "name = value" output of postconf and exim -bP (sysconf/mtakv.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "core/spawn.h"
#include "sysconf/mtakv.h"

char *mw_kv_dup_trimmed(const char *s, size_t n)
{
	char *d;

	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Grow an array of elements of size sz to hold one more, capped. */
enum mw_err mw_kv_grow(void **v, size_t *alloc, size_t n, size_t sz)
{
	size_t na;
	void *nv;

	if (n < *alloc)
		return MW_OK;
	if (n >= MW_MTAKV_MAX_ENTRIES)
		return MW_ERR_TOOBIG;
	na = *alloc ? *alloc * 2 : 16;
	if (na > MW_MTAKV_MAX_ENTRIES)
		na = MW_MTAKV_MAX_ENTRIES;
	nv = realloc(*v, na * sz);
	if (!nv)
		return MW_ERR_NOMEM;
	*v = nv;
	*alloc = na;
	return MW_OK;
}

/*
 * A driver block header ("name:" or "name transport:", trimmed) as the
 * new current section; 0 when the line is not one, -1 out of memory.
 */
static int section_header(const char *line, size_t n, char **section)
{
	char *h = mw_kv_dup_trimmed(line, n);
	size_t hl;

	if (!h)
		return -1;
	hl = strlen(h);
	if (hl < 2 || h[hl - 1] != ':') {
		free(h);
		return 0;
	}
	h[strcspn(h, " \t:")] = '\0';
	free(*section);
	*section = h;
	return 1;
}

/*
 * Add the pair of line s[0..n) split at eq (name trimmed, value trimmed),
 * in section (copied; may be NULL), at lineno. A name that is empty, or
 * holds a blank when strict, counts as a bad line.
 */
static enum mw_err add_pair(struct mw_kvlist *out, const char *s, size_t n,
			    const char *eq, const char *section, unsigned long lineno,
			    int strict)
{
	struct mw_kv *kv;
	enum mw_err e;

	e = mw_kv_grow((void **)&out->v, &out->alloc, out->n, sizeof(*out->v));
	if (e != MW_OK)
		return e;
	kv = &out->v[out->n];
	kv->name = mw_kv_dup_trimmed(s, (size_t)(eq - s));
	kv->value = mw_kv_dup_trimmed(eq + 1, n - (size_t)(eq - s) - 1);
	kv->section = section ? strdup(section) : NULL;
	kv->line = lineno;
	if (!kv->name || !kv->value || (section && !kv->section))
		e = MW_ERR_NOMEM;
	else if (!kv->name[0] || (strict && strpbrk(kv->name, " \t")))
		out->bad_lines++;
	else
		out->n++;
	if (kv == &out->v[out->n]) {	/* not kept */
		free(kv->name);
		free(kv->value);
		free(kv->section);
	}
	return e;
}

enum mw_err mw_kv_parse(const char *text, size_t len, struct mw_kvlist *out)
{
	struct mw_lines it;
	const char *line, *eq;
	char *section = NULL;
	size_t n;
	int overlong, h;
	enum mw_err e = MW_OK;

	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (e == MW_OK && mw_lines_next(&it, &line, &n, &overlong)) {
		if (memchr(line, '\0', n)) {
			out->bad_lines++;
			continue;
		}
		eq = memchr(line, '=', n);
		if (!eq) {
			h = section_header(line, n, &section);
			if (h < 0)
				e = MW_ERR_NOMEM;
			else if (!h && n)
				out->bad_lines++;
			continue;
		}
		e = add_pair(out, line, n, eq, section, it.lineno, 0);
	}
	free(section);
	return e;
}

/* Add name = value of one logical main.cf entry s[0..n), first at line. */
static enum mw_err maincf_entry(const char *s, size_t n, unsigned long line,
				struct mw_kvlist *out)
{
	const char *eq = memchr(s, '=', n);

	if (!eq || memchr(s, '\0', n)) {
		out->bad_lines++;
		return MW_OK;
	}
	return add_pair(out, s, n, eq, NULL, line, 1);
}

enum mw_err mw_kv_parse_maincf(const char *text, size_t len, struct mw_kvlist *out)
{
	struct mw_lines it;
	struct mw_buf lb;
	const char *l;
	size_t n;
	int overlong;
	unsigned long first = 0;
	enum mw_err e = MW_OK;

	mw_buf_init(&lb, MW_MAX_MAINCF_ENTRY);
	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (e == MW_OK && mw_lines_next(&it, &l, &n, &overlong)) {
		size_t t = 0;

		while (t < n && (l[t] == ' ' || l[t] == '\t'))
			t++;
		if (t == n || l[t] == '#')
			continue;	/* blank or comment: does not end an entry */
		if (t) {
			/* "    localhost": continues the entry, one blank between */
			if (first && (mw_buf_putc(&lb, ' ') != MW_OK ||
				      mw_buf_append(&lb, l + t, n - t) != MW_OK))
				out->bad_lines++;
			else if (!first)
				out->bad_lines++;
			continue;
		}
		if (first)
			e = maincf_entry(lb.data, lb.len, first, out);
		mw_buf_reset(&lb);
		first = it.lineno;
		if (mw_buf_append(&lb, l, n) != MW_OK) {
			out->bad_lines++;
			first = 0;
		}
	}
	if (e == MW_OK && first)
		e = maincf_entry(lb.data, lb.len, first, out);
	mw_buf_free(&lb);
	return e;
}

const char *mw_kv_get(const struct mw_kvlist *l, const char *name)
{
	size_t i = l->n;

	while (i--)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

void mw_kv_free(struct mw_kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
		free(l->v[i].section);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- the runner and its memo ---- */

#define MEMO_MAX_ENTRIES	32		/* distinct command lines kept */
#define MEMO_MAX_BYTES		(32u << 20)	/* their output, all together */

/* One answer: the command line it answers (argv joined by NULs), the
 * result and the person's line for it, and stdout as it came. */
struct memo {
	char *key;
	size_t keylen;
	enum mw_err e;
	char *err;
	char *out;
	size_t outlen;
};

static struct memo memo[MEMO_MAX_ENTRIES];
static size_t memo_n, memo_bytes;
static unsigned long starts;

/* argv as one key: each word and its NUL; NULL when out of memory. */
static char *memo_key(const char *const argv[], size_t *len)
{
	size_t i, n = 0;
	char *k, *p;

	for (i = 0; argv[i]; i++)
		n += strlen(argv[i]) + 1;
	k = malloc(n ? n : 1);
	if (!k)
		return NULL;
	for (i = 0, p = k; argv[i]; i++) {
		size_t l = strlen(argv[i]) + 1;

		memcpy(p, argv[i], l);
		p += l;
	}
	*len = n;
	return k;
}

static struct memo *memo_find(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < memo_n; i++)
		if (memo[i].keylen == len && memcmp(memo[i].key, key, len) == 0)
			return &memo[i];
	return NULL;
}

/* Keep an answer; a full memo or a failed allocation just keeps nothing
 * (the next caller starts the program again). Takes key. */
static void memo_keep(char *key, size_t keylen, enum mw_err e, const char *err,
		      const struct mw_buf *out)
{
	struct memo *m;

	if (memo_n == MEMO_MAX_ENTRIES || out->len > MEMO_MAX_BYTES - memo_bytes) {
		free(key);
		return;
	}
	m = &memo[memo_n];
	m->key = key;
	m->keylen = keylen;
	m->e = e;
	m->err = strdup(err);
	m->outlen = out->len;
	m->out = malloc(out->len ? out->len : 1);
	if (!m->err || !m->out) {
		free(m->err);
		free(m->out);
		free(key);
		return;
	}
	if (out->len)
		memcpy(m->out, out->data, out->len);
	memo_bytes += out->len;
	memo_n++;
}

void mw_kv_forget(void)
{
	size_t i;

	for (i = 0; i < memo_n; i++) {
		free(memo[i].key);
		free(memo[i].err);
		free(memo[i].out);
	}
	memset(memo, 0, sizeof(memo));
	memo_n = 0;
	memo_bytes = 0;
}

unsigned long mw_kv_starts(void)
{
	return starts;
}

enum mw_err mw_kv_capture_fresh(const char *const argv[], struct mw_buf *out,
				char *err, size_t errlen)
{
	struct mw_spawn_result res;
	struct mw_buf eb;
	enum mw_err e;

	mw_buf_init(out, MW_MAX_CMD_OUTPUT);
	mw_buf_init(&eb, 64 * 1024);
	if (errlen)
		err[0] = '\0';
	starts++;
	e = mw_spawn_capture(argv, NULL, 0, out, MW_MAX_CMD_OUTPUT, &eb,
			     MW_CMD_TIMEOUT_MS, &res);
	if (e != MW_OK) {
		snprintf(err, errlen, "cannot run %s", argv[0]);
	} else if (res.timed_out || !res.exited || res.status != 0) {
		const char *m = mw_buf_str(&eb);
		size_t ml = strcspn(m, "\n");
		char how[48];

		if (res.timed_out)
			snprintf(how, sizeof(how), "timed out");
		else if (!res.exited)
			snprintf(how, sizeof(how), "killed by signal %d", res.status);
		else
			snprintf(how, sizeof(how), "failed with status %d", res.status);
		snprintf(err, errlen, "%s %s%s%.*s", argv[0], how,
			 ml ? ": " : "", (int)(ml > 200 ? 200 : ml), m);
		e = MW_ERR_CONFIG;
	} else if (res.truncated) {
		snprintf(err, errlen, "%s: output larger than %u bytes", argv[0],
			 (unsigned)MW_MAX_CMD_OUTPUT);
		e = MW_ERR_TOOBIG;
	}
	mw_buf_free(&eb);
	return e;
}

enum mw_err mw_kv_capture(const char *const argv[], struct mw_buf *out,
			  char *err, size_t errlen)
{
	char why[512];
	size_t keylen;
	char *key = memo_key(argv, &keylen);
	struct memo *m = key ? memo_find(key, keylen) : NULL;
	enum mw_err e;

	if (m) {
		free(key);
		mw_buf_init(out, MW_MAX_CMD_OUTPUT);
		if (m->outlen && mw_buf_append(out, m->out, m->outlen) != MW_OK) {
			snprintf(err, errlen, "out of memory");
			return MW_ERR_NOMEM;
		}
		snprintf(err, errlen, "%s", m->err);
		return m->e;
	}
	e = mw_kv_capture_fresh(argv, out, why, sizeof(why));
	snprintf(err, errlen, "%s", why);
	if (key && e != MW_ERR_NOMEM)
		memo_keep(key, keylen, e, why, out);
	else
		free(key);
	return e;
}
