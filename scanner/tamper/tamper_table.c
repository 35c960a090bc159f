/*
 * The check table of the tampering family (signatures/tamper.table): load,
 * lint, decide, and the sample test. Why a table of its own and not more
 * rules in the .rules files: PHP rules are content regexes over a whole file with
 * prefilter literals; these checks judge one parsed item (a setting, a
 * handler, a job) with its context, first match wins, and allow entries
 * must come before the catch-alls. The format is kept close to the rules'
 * stanzas so that reading one teaches the other.
 */
#define _GNU_SOURCE
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "scanner/tamper/tamper_int.h"
#include "scanner/tamper/tamper_parse.h"

#define TABLE_MAX_SIZE	(1u << 20)
#define TABLE_MAX_LINE	4096
#define MATCH_LIMIT	100000	/* items are one capped line: plenty */
#define DEPTH_LIMIT	1000

struct mw_tamper_table {
	struct tamper_entry *v;
	size_t n;
	pcre2_match_context *mctx;
	char digest[65];
};

static const char *const type_names[TI__COUNT] = {
	"setting", "handler", "redirect", "option", "env", "cron"
};
static const char *const where_names[] = { "any", "same-dir", "in-roots",
					   "outside-roots" };
static const char *const field_re[3] = { "key", "value", "context" };

static void problem(struct mw_strlist *p, const char *path, unsigned line,
		    const char *fmt, const char *arg)
{
	char msg[512], full[1024];

	snprintf(msg, sizeof(msg), fmt, arg);
	snprintf(full, sizeof(full), "%s: line %u: %s", path, line, msg);
	if (p)
		(void)mw_strlist_add(p, full);
}

static void entry_free(struct tamper_entry *e)
{
	size_t i;

	free(e->id);
	free(e->family);
	free(e->description);
	free(e->remediation);
	for (i = 0; i < 3; i++)
		pcre2_code_free(e->re[i]);
	mw_strlist_clear(&e->positives);
	mw_strlist_clear(&e->negatives);
	memset(e, 0, sizeof(*e));
}

/* "/regex/flags [# comment]" compiled; NULL with a message in err. */
static pcre2_code *compile_re(const char *v, char *err, size_t errlen)
{
	const char *p = v + 1;
	uint32_t opts = PCRE2_NEVER_UTF | PCRE2_NEVER_BACKSLASH_C;
	int in_class = 0, ec;
	PCRE2_SIZE eo;
	pcre2_code *re;

	if (*v != '/') {
		snprintf(err, errlen, "regex must be written /.../flags");
		return NULL;
	}
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '[')
			in_class = 1;
		else if (*p == ']')
			in_class = 0;
		else if (*p == '/' && !in_class)
			break;
	}
	if (*p != '/') {
		snprintf(err, errlen, "regex without closing '/'");
		return NULL;
	}
	{
		const char *f;

		for (f = p + 1; *f && *f != ' ' && *f != '\t'; f++) {
			if (*f == 'i')
				opts |= PCRE2_CASELESS;
			else if (*f == 's')
				opts |= PCRE2_DOTALL;
			else if (*f == 'm')
				opts |= PCRE2_MULTILINE;
			else if (*f == 'x')
				opts |= PCRE2_EXTENDED;
			else {
				snprintf(err, errlen, "unknown regex flag '%c'", *f);
				return NULL;
			}
		}
		while (*f == ' ' || *f == '\t')
			f++;
		if (*f && *f != '#') {
			snprintf(err, errlen, "text after the regex flags");
			return NULL;
		}
	}
	re = pcre2_compile((PCRE2_SPTR)(v + 1), (PCRE2_SIZE)(p - v - 1), opts, &ec,
			   &eo, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(err, errlen, "regex: %s at offset %zu", (char *)msg, (size_t)eo);
	}
	return re;
}

/* A value without its " # comment", trimmed, in place. */
static char *plain_value(char *v)
{
	char *c, *e;

	for (c = v; (c = strchr(c, '#')) != NULL; c++)
		if (c > v && (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			break;
		}
	e = v + strlen(v);
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return v;
}

static int lookup(const char *const *names, size_t n, const char *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], v) == 0)
			return (int)i;
	return -1;
}

static int valid_id(const char *s)
{
	const char *p;

	if (strncmp(s, "tamper.", 7) != 0 || !s[7])
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-'))
			return 0;
	return 1;
}

/* One "key: value" line of a stanza into e; 0 or -1 (message given). */
static int entry_field(struct tamper_entry *e, char *k, char *v, char *err,
		       size_t errlen)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(k, field_re[i]) == 0) {
			if (e->re[i]) {
				snprintf(err, errlen, "%s given twice", k);
				return -1;
			}
			e->re[i] = compile_re(v, err, errlen);
			return e->re[i] ? 0 : -1;
		}
	v = plain_value(v);
	if (strcmp(k, "item") == 0) {
		i = lookup(type_names, TI__COUNT, v);
		if (i < 0) {
			snprintf(err, errlen, "unknown item '%.64s'", v);
			return -1;
		}
		e->type = (enum tamper_item_type)i;
		e->files |= 0x80000000u;	/* item given */
	} else if (strcmp(k, "files") == 0) {
		char *w, *save = NULL;

		for (w = strtok_r(v, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
			int kk;

			for (kk = 1; kk < MW_TAMPER__COUNT; kk++)
				if (strcmp(w, mw_tamper_kind_name((enum mw_tamper_kind)kk)) == 0)
					break;
			if (kk == MW_TAMPER__COUNT) {
				snprintf(err, errlen, "unknown file kind '%.64s'", w);
				return -1;
			}
			e->files |= 1u << kk;
		}
	} else if (strcmp(k, "where") == 0) {
		i = lookup(where_names, sizeof(where_names) / sizeof(*where_names), v);
		if (i < 0) {
			snprintf(err, errlen, "unknown where '%.64s'", v);
			return -1;
		}
		e->where = (enum tamper_where)i;
	} else if (strcmp(k, "severity") == 0) {
		e->severity = strcmp(v, "none") == 0 ? TAMPER_SEV_NONE : mw_severity_parse(v);
		if (e->severity == -1 && strcmp(v, "none") != 0) {
			snprintf(err, errlen, "unknown severity '%.64s'", v);
			return -1;
		}
		e->files |= 0x40000000u;	/* severity given */
	} else if (strcmp(k, "family") == 0 || strcmp(k, "description") == 0 ||
		   strcmp(k, "remediation") == 0) {
		char **dst = k[0] == 'f' ? &e->family : k[0] == 'd' ? &e->description :
			     &e->remediation;

		if (*dst) {
			snprintf(err, errlen, "%s given twice", k);
			return -1;
		}
		if (!(*dst = strdup(v)))
			return -1;
	} else if (strcmp(k, "positive") == 0 || strcmp(k, "negative") == 0) {
		if (strstr(v, "..") || v[0] == '/') {
			snprintf(err, errlen, "sample path must stay below its directory");
			return -1;
		}
		(void)mw_strlist_add(k[0] == 'p' ? &e->positives : &e->negatives, v);
	} else if (strcmp(k, "reference") != 0) {
		snprintf(err, errlen, "unknown key '%.64s'", k);
		return -1;
	}
	return 0;
}

/* What an entry lacks, or NULL when it is complete. */
static const char *entry_lint(const struct tamper_entry *e)
{
	if (!(e->files & 0x80000000u))
		return "no item:";
	if (!(e->files & 0x40000000u))
		return "no severity:";
	if (!e->family || strncmp(e->family, "tamper/", 7) != 0 || !e->family[7])
		return "family must be tamper/<name>";
	if (!e->description)
		return "no description:";
	if (!e->re[0] && !e->re[1] && !e->re[2])
		return "none of key:, value:, context: given";
	if (e->positives.n == 0 || e->negatives.n == 0)
		return "needs at least one positive: and one negative: sample";
	if (e->where != TW_ANY && e->type != TI_SETTING)
		return "where: applies to setting items only";
	return NULL;
}

enum mw_err mw_tamper_table_load(const char *path, struct mw_tamper_table **out,
				 struct mw_strlist *problems)
{
	struct mw_tamper_table *t;
	struct mw_buf b;
	struct mw_lines it;
	struct tamper_entry cur;
	const char *line;
	size_t n;
	int overlong, in = 0, bad = 0, trunc = 0;
	char l[TABLE_MAX_LINE + 1], err[512];
	enum mw_err e;

	*out = NULL;
	mw_buf_init(&b, TABLE_MAX_SIZE + 1);
	e = mw_read_file_at(AT_FDCWD, path, &b, TABLE_MAX_SIZE, &trunc, NULL);
	if (e) {
		mw_buf_free(&b);
		return e;
	}
	if (trunc)
		problem(problems, path, 0, "%s", "table larger than 1 MiB: rest ignored");
	t = calloc(1, sizeof(*t));
	if (t)
		t->v = calloc(MW_TAMPER_MAX_ENTRIES, sizeof(*t->v));
	if (t)
		t->mctx = pcre2_match_context_create(NULL);
	if (!t || !t->v || !t->mctx) {
		mw_tamper_table_free(t);
		mw_buf_free(&b);
		return MW_ERR_NOMEM;
	}
	mw_sha256_hex(b.data ? b.data : "", b.len, t->digest);
	pcre2_set_match_limit(t->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(t->mctx, DEPTH_LIMIT);
	memset(&cur, 0, sizeof(cur));
	mw_lines_init(&it, b.data ? b.data : "", b.len, TABLE_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		char *s = l, *colon;
		unsigned ln = (unsigned)it.lineno;

		memcpy(l, line, n);
		l[n] = '\0';
		if (overlong || strlen(l) != n) {
			problem(problems, path, ln, "%s", overlong ? "line too long" :
				"NUL byte in line");
			bad = 1;
			continue;
		}
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (!in) {
			if (strncmp(s, "check", 5) != 0 || (s[5] != ' ' && s[5] != '\t')) {
				problem(problems, path, ln, "%s", "expected 'check ID'");
				continue;
			}
			s = plain_value(s + 6);
			while (*s == ' ' || *s == '\t')
				s++;
			memset(&cur, 0, sizeof(cur));
			cur.line = ln;
			in = 1;
			bad = 0;
			if (!valid_id(s)) {
				problem(problems, path, ln, "bad id '%.64s' (tamper.name: "
					"lower-case letters, digits, '.', '-')", s);
				bad = 1;
			}
			cur.id = strdup(s);
			continue;
		}
		if (strcmp(plain_value(s), "end") == 0) {
			const char *why = bad ? NULL : entry_lint(&cur);
			size_t i;

			for (i = 0; !bad && i < t->n; i++)
				if (strcmp(t->v[i].id, cur.id) == 0)
					why = "id used twice";
			if (!bad && !why && t->n >= MW_TAMPER_MAX_ENTRIES)
				why = "too many entries";
			if (why)
				problem(problems, path, cur.line, "%s", why);
			if (bad || why || !cur.id) {
				entry_free(&cur);
			} else {
				cur.files &= ~0xc0000000u;
				t->v[t->n++] = cur;
			}
			memset(&cur, 0, sizeof(cur));
			in = 0;
			continue;
		}
		colon = strchr(s, ':');
		if (!colon) {
			problem(problems, path, ln, "%s", "expected 'key: value'");
			bad = 1;
			continue;
		}
		*colon = '\0';
		for (colon++; *colon == ' ' || *colon == '\t'; colon++)
			;
		err[0] = '\0';
		if (entry_field(&cur, plain_value(s), colon, err, sizeof(err))) {
			problem(problems, path, ln, "%s", err[0] ? err : "out of memory");
			bad = 1;
		}
	}
	if (in) {
		problem(problems, path, cur.line, "%s", "entry without 'end'");
		entry_free(&cur);
	}
	mw_buf_free(&b);
	*out = t;
	return MW_OK;
}

void mw_tamper_table_free(struct mw_tamper_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; t->v && i < t->n; i++)
		entry_free(&t->v[i]);
	free(t->v);
	pcre2_match_context_free(t->mctx);
	free(t);
}

size_t mw_tamper_table_size(const struct mw_tamper_table *t)
{
	return t ? t->n : 0;
}

const char *mw_tamper_table_digest(const struct mw_tamper_table *t)
{
	return t ? t->digest : "";
}

/* 1 when re (NULL: anything) matches s. A limit hit (a line padded to
 * make a regex backtrack) fails closed: it counts as a match of a check
 * and as no match of an allow entry, so padding never hides an item. */
static int re_ok(const struct mw_tamper_table *t, pcre2_match_data *md,
		 const void *re, const char *s, int allow)
{
	int rc;

	if (!re)
		return 1;
	rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, t->mctx);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT)
		return !allow;
	return rc >= 0;
}

static int where_ok(enum tamper_where w, const struct tamper_item *it)
{
	const char *slash;
	size_t dl;

	switch (w) {
	case TW_ANY:
		return 1;
	case TW_IN_ROOTS:
		return it->target && it->target_in_roots;
	case TW_OUTSIDE_ROOTS:
		return it->target && !it->target_in_roots;
	case TW_SAME_DIR:
		if (!it->target || !it->config_dir)
			return 0;
		slash = strrchr(it->target, '/');
		dl = strlen(it->config_dir);
		return slash && (size_t)(slash - it->target) == dl &&
		       strncmp(it->target, it->config_dir, dl) == 0;
	}
	return 0;
}

const struct tamper_entry *mw_tamper_decide(const struct mw_tamper_table *t,
					 const struct tamper_item *it)
{
	pcre2_match_data *md;
	const struct tamper_entry *hit = NULL;
	size_t i;

	if (!t || !t->n)
		return NULL;
	md = pcre2_match_data_create(1, NULL);
	if (!md)
		return NULL;
	for (i = 0; i < t->n && !hit; i++) {
		const struct tamper_entry *e = &t->v[i];

		if (e->type != it->type || (e->files && !(e->files & (1u << it->kind))) ||
		    !where_ok(e->where, it))
			continue;
		int allow = e->severity == TAMPER_SEV_NONE;

		if (re_ok(t, md, e->re[0], it->key ? it->key : "", allow) &&
		    re_ok(t, md, e->re[1], it->value ? it->value : "", allow) &&
		    re_ok(t, md, e->re[2], it->context ? it->context : "", allow))
			hit = e;
	}
	pcre2_match_data_free(md);
	return hit;
}

/* ---- sample test ---- */

struct sample_run {
	const struct tamper_entry *want;
	int decided;
};

static int on_sample_item(void *ud, const struct tamper_item *it,
			  const struct tamper_entry *e)
{
	struct sample_run *r = ud;

	(void)it;
	if (e == r->want)
		r->decided = 1;
	return r->decided;
}

/* buf with every "@SITE@" replaced by site, into out. */
static enum mw_err substitute(const char *buf, size_t len, const char *site,
			      struct mw_buf *out)
{
	const char *p = buf, *end = buf + len, *m;
	enum mw_err e = MW_OK;

	mw_buf_reset(out);
	while (!e && (m = memmem(p, (size_t)(end - p), "@SITE@", 6)) != NULL) {
		e = mw_buf_append(out, p, (size_t)(m - p));
		if (!e)
			e = mw_buf_puts(out, site);
		p = m + 6;
	}
	return e ? e : mw_buf_append(out, p, (size_t)(end - p));
}

/* Run entry e over one sample (rel: below dir, "hostile/VARIANT/..."); 1
 * when it decided an item of it, 0 when not, -1 when the sample cannot be
 * read or is of no known kind. */
static int run_sample(const struct mw_tamper_table *t, const struct tamper_entry *e,
		      const char *dir, const char *rel)
{
	char path[4096], site[4096];
	struct mw_buf raw, txt;
	struct mw_strlist roots = { 0 };
	struct mw_tamper_env env = { t, NULL, NULL, &roots };
	struct sample_run r = { e, 0 };
	const char *name = strrchr(rel, '/'), *slash = strchr(rel, '/');
	enum mw_tamper_kind k;
	int rc = -1;

	if (slash)
		slash = strchr(slash + 1, '/');
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(site, sizeof(site), "%s/%.*s", dir, slash ? (int)(slash - rel) : 0, rel);
	k = mw_tamper_kind_of(name ? name + 1 : rel, path);
	if (k == MW_TAMPER_NONE)
		return -1;
	mw_buf_init(&raw, MW_TAMPER_MAX_FILE + 1);
	mw_buf_init(&txt, 2 * MW_TAMPER_MAX_FILE);
	(void)mw_strlist_add(&roots, dir);
	if (mw_read_file_at(AT_FDCWD, path, &raw, MW_TAMPER_MAX_FILE, NULL, NULL) == MW_OK &&
	    substitute(raw.data ? raw.data : "", raw.len, site, &txt) == MW_OK) {
		mw_tamper_items(&env, k, path, txt.data ? txt.data : "", txt.len,
			     on_sample_item, &r, NULL, NULL);
		rc = r.decided;
	}
	mw_strlist_clear(&roots);
	mw_buf_free(&raw);
	mw_buf_free(&txt);
	return rc;
}

size_t mw_tamper_table_test(const struct mw_tamper_table *t, const char *dir,
			    struct mw_strlist *out)
{
	size_t i, j, fails = 0;
	char msg[1024];

	for (i = 0; t && i < t->n; i++) {
		const struct tamper_entry *e = &t->v[i];

		for (j = 0; j < e->positives.n + e->negatives.n; j++) {
			int pos = j < e->positives.n;
			const char *rel = pos ? e->positives.v[j] :
					  e->negatives.v[j - e->positives.n];
			int rc = run_sample(t, e, dir, rel);

			if (rc == (pos ? 1 : 0))
				continue;
			snprintf(msg, sizeof(msg), "%s: %s sample %s %s", e->id,
				 pos ? "positive" : "negative", rel,
				 rc < 0 ? "unreadable or of no known kind" :
				 pos ? "not decided by it" : "decided by it");
			(void)mw_strlist_add(out, msg);
			fails++;
		}
	}
	return fails;
}
