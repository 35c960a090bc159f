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

enum mw_err mw_kv_parse(const char *text, size_t len, struct mw_kvlist *out)
{
	struct mw_lines it;
	const char *line, *eq;
	char *section = NULL;
	size_t n;
	int overlong, h;
	enum mw_err e = MW_OK;

	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		struct mw_kv *kv;

		if (memchr(line, '\0', n)) {
			out->bad_lines++;
			continue;
		}
		eq = memchr(line, '=', n);
		if (!eq) {
			h = section_header(line, n, &section);
			if (h < 0) {
				e = MW_ERR_NOMEM;
				break;
			}
			if (!h && n)
				out->bad_lines++;
			continue;
		}
		if (eq == line) {
			out->bad_lines++;
			continue;
		}
		e = mw_kv_grow((void **)&out->v, &out->alloc, out->n, sizeof(*out->v));
		if (e != MW_OK)
			break;
		kv = &out->v[out->n];
		kv->name = mw_kv_dup_trimmed(line, (size_t)(eq - line));
		kv->value = mw_kv_dup_trimmed(eq + 1, n - (size_t)(eq - line) - 1);
		kv->section = section ? strdup(section) : NULL;
		kv->line = it.lineno;
		if (!kv->name || !kv->value || (section && !kv->section)) {
			free(kv->name);
			free(kv->value);
			free(kv->section);
			e = MW_ERR_NOMEM;
			break;
		}
		if (!kv->name[0]) {
			free(kv->name);
			free(kv->value);
			free(kv->section);
			out->bad_lines++;
			continue;
		}
		out->n++;
	}
	free(section);
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

enum mw_err mw_kv_capture(const char *const argv[], struct mw_buf *out,
			  char *err, size_t errlen)
{
	struct mw_spawn_result res;
	struct mw_buf eb;
	enum mw_err e;

	mw_buf_init(out, MW_MAX_CMD_OUTPUT);
	mw_buf_init(&eb, 64 * 1024);
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

enum mw_err mw_kv_run(const char *const argv[], struct mw_kvlist *out,
		      char *err, size_t errlen)
{
	struct mw_buf o;
	enum mw_err e;

	e = mw_kv_capture(argv, &o, err, errlen);
	if (e == MW_OK) {
		e = mw_kv_parse(o.data ? o.data : "", o.len, out);
		if (e != MW_OK)
			snprintf(err, errlen, "cannot parse the output of %s", argv[0]);
	}
	mw_buf_free(&o);
	return e;
}
