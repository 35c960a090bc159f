/*
 * Compiled matcher: Vectorscan (or memmem) prefilter + PCRE2 JIT confirm.
 * See sig.h for the contract.
 */
#define _GNU_SOURCE
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef MW_HAVE_VECTORSCAN
#include <hs/hs.h>
#endif

#include "core/buf.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "core/excerpt.h"
#include "signatures/sig.h"

struct pat_rt {
	pcre2_code *code;
	int via_literal;	/* no prefilter of its own: rule literals gate it */
	unsigned same_as;	/* first pattern with the same regex and flags:
				 * rules repeat "send" etc., a file's answer
				 * is computed once */
};

struct rule_rt {
	const struct mw_sig_rule *r;
	unsigned first_pat;	/* index into db->pats, npatterns of them */
	unsigned first_lit;	/* index into db->lits */
	unsigned nlits;
};

struct mw_sig_db {
	struct rule_rt *rules;
	size_t nrules;
	struct pat_rt *pats;
	size_t npats;
	char **lits;		/* lower-cased rule literals */
	size_t *litlen;
	size_t nlits;
#ifdef MW_HAVE_VECTORSCAN
	hs_database_t *hs;
#endif
};

enum { MEMO_UNKNOWN = 0, MEMO_MATCH, MEMO_NOMATCH };

struct mw_sig_scratch {
	unsigned char *fired;	/* npats + nlits flags */
	unsigned char *memo;	/* per pattern, this file: MEMO_* */
	size_t *memo_off;	/* match offset when MEMO_MATCH */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	struct mw_buf lower;	/* memmem prefilter: lower-cased copy */
#ifdef MW_HAVE_VECTORSCAN
	hs_scratch_t *hs;
#endif
};

void mw_sig_db_free(struct mw_sig_db *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->npats; i++)
		pcre2_code_free(db->pats[i].code);
	for (i = 0; i < db->nlits; i++)
		free(db->lits[i]);
#ifdef MW_HAVE_VECTORSCAN
	hs_free_database(db->hs);
#endif
	free(db->pats);
	free(db->rules);
	free(db->lits);
	free(db->litlen);
	free(db);
}

size_t mw_sig_db_nrules(const struct mw_sig_db *db)
{
	return db->nrules;
}

const char *mw_sig_db_prefilter(const struct mw_sig_db *db)
{
	(void)db;
#ifdef MW_HAVE_VECTORSCAN
	return "vectorscan";
#else
	return "memmem";
#endif
}

#ifdef MW_HAVE_VECTORSCAN
/* A literal as a Vectorscan regex: every byte that is not alphanumeric
 * written as \xNN so nothing in it is a metacharacter. */
static char *literal_regex(const char *l, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *out = malloc(n * 4 + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')) {
			*o++ = (char)c;
		} else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/*
 * Vectorscan only pre-filters, so any superset of the pattern will do.
 * Large counted repeats ({0,20000}, {150,}, {200}) make its compiler
 * explode in time and memory; they become * or + here (x{m,n} matches a
 * subset of x*, and for m >= 1 of x+). Returns a malloc'd string.
 */
static char *widen_repeats(const char *re)
{
	size_t n = strlen(re), i = 0, o = 0;
	char *out = malloc(n + 1);
	int in_class = 0;

	if (!out)
		return NULL;
	while (i < n) {
		char c = re[i];

		if (c == '\\' && i + 1 < n) {
			out[o++] = re[i++];
			out[o++] = re[i++];
			continue;
		}
		if (in_class) {
			if (c == ']')
				in_class = 0;
			out[o++] = re[i++];
			continue;
		}
		if (c == '[') {
			in_class = 1;
			out[o++] = re[i++];
			if (i < n && re[i] == '^')
				out[o++] = re[i++];
			if (i < n && re[i] == ']')
				out[o++] = re[i++];
			continue;
		}
		if (c == '{' && i > 0) {
			size_t j = i + 1;
			unsigned long lo = 0, hi = 0;
			int has_hi = 0, comma = 0, digits = 0;

			while (j < n && re[j] >= '0' && re[j] <= '9') {
				lo = lo * 10 + (unsigned long)(re[j] - '0');
				if (lo > 100000)
					lo = 100000;
				j++;
				digits++;
			}
			if (j < n && re[j] == ',') {
				comma = 1;
				j++;
				while (j < n && re[j] >= '0' && re[j] <= '9') {
					hi = hi * 10 + (unsigned long)(re[j] - '0');
					if (hi > 100000)
						hi = 100000;
					j++;
					has_hi = 1;
				}
			}
			if (digits && j < n && re[j] == '}') {
				unsigned long top = comma ? (has_hi ? hi : lo) : lo;

				if (lo > MW_SIG_HS_MAX_REPEAT || top > MW_SIG_HS_MAX_REPEAT) {
					out[o++] = lo == 0 ? '*' : '+';
					i = j + 1;
					continue;
				}
			}
		}
		out[o++] = re[i++];
	}
	out[o] = '\0';
	return out;
}

static unsigned hs_flags_for(unsigned f)
{
	unsigned o = HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;

	if (f & MW_SIG_F_CASELESS)
		o |= HS_FLAG_CASELESS;
	if (f & MW_SIG_F_DOTALL)
		o |= HS_FLAG_DOTALL;
	if (f & MW_SIG_F_MULTILINE)
		o |= HS_FLAG_MULTILINE;
	return o;
}

/*
 * Compiled databases are kept in cache_dir as "sigdb-<key>.hs": key is the
 * sha256 of every expression, flag and id plus the Vectorscan version, so a
 * changed rule set or library never loads a stale database. The file holds
 * a header, the via_literal flags, then hs_serialize_database() output. It
 * is trusted only when owned by us and not writable by others.
 */
#define HS_CACHE_MAGIC "mailwarden-hsdb-1\n"

static void hs_cache_key(const char *const *expr, const unsigned *flags,
			 const unsigned *ids, size_t n, const struct mw_sig_db *db,
			 char out[65])
{
	struct mw_sha256 h;
	unsigned char d[32];
	const char *ver = hs_version();
	size_t i;

	mw_sha256_init(&h);
	mw_sha256_update(&h, ver, strlen(ver) + 1);
	for (i = 0; i < n; i++) {
		mw_sha256_update(&h, expr[i], strlen(expr[i]) + 1);
		mw_sha256_update(&h, &flags[i], sizeof(flags[i]));
		mw_sha256_update(&h, &ids[i], sizeof(ids[i]));
	}
	mw_sha256_update(&h, &db->npats, sizeof(db->npats));
	mw_sha256_final(&h, d);
	mw_sha256_tohex(d, out);
}

static int hs_cache_load(struct mw_sig_db *db, const char *path)
{
	struct mw_buf b;
	struct stat st;
	size_t hl = strlen(HS_CACHE_MAGIC), i;
	int fd, trunc;

	if (mw_open_regular_at(AT_FDCWD, path, &fd, &st))
		return -1;
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		return -1;
	}
	mw_buf_init(&b, (size_t)256 << 20);
	if (mw_read_fd_capped(fd, &b, (size_t)256 << 20, &trunc) || trunc ||
	    b.len < hl + db->npats || memcmp(b.data, HS_CACHE_MAGIC, hl) != 0) {
		close(fd);
		mw_buf_free(&b);
		return -1;
	}
	close(fd);
	for (i = 0; i < db->npats; i++)
		db->pats[i].via_literal = b.data[hl + i] == '1';
	if (hs_deserialize_database(b.data + hl + db->npats, b.len - hl - db->npats,
				    &db->hs) != HS_SUCCESS) {
		for (i = 0; i < db->npats; i++)
			db->pats[i].via_literal = 0;
		db->hs = NULL;
		mw_buf_free(&b);
		return -1;
	}
	mw_buf_free(&b);
	return 0;
}

/* Best effort: a cache that cannot be written only costs compile time. */
static void hs_cache_save(const struct mw_sig_db *db, const char *dir,
			  const char *path)
{
	char tmp[MW_SIG_MAX_VALUE], *bytes = NULL;
	size_t len = 0, i;
	int fd, ok = 1;

	if (hs_serialize_database(db->hs, &bytes, &len) != HS_SUCCESS)
		return;
	(void)mkdir(dir, 0700);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(bytes);
		return;
	}
	if (write(fd, HS_CACHE_MAGIC, strlen(HS_CACHE_MAGIC)) !=
	    (ssize_t)strlen(HS_CACHE_MAGIC))
		ok = 0;
	for (i = 0; ok && i < db->npats; i++)
		if (write(fd, db->pats[i].via_literal ? "1" : "0", 1) != 1)
			ok = 0;
	for (i = 0; ok && i < len;) {
		ssize_t w = write(fd, bytes + i, len - i);

		if (w <= 0) {
			ok = 0;
			break;
		}
		i += (size_t)w;
	}
	if (close(fd) < 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0)
		unlink(tmp);
	free(bytes);
}

/*
 * One database: ids [0, npats) are patterns (prefilter mode), ids
 * [npats, npats + nlits) the rule literals. A pattern Vectorscan refuses is
 * dropped from the database and gated by its rule's literals instead.
 */
static enum mw_err build_hs(struct mw_sig_db *db, const char *cache_dir,
			    struct mw_strlist *notes, char *err, size_t errlen)
{
	char key[65], cpath[MW_SIG_MAX_VALUE] = "";
	size_t total = db->npats + db->nlits, i, n;
	const char **expr = calloc(total, sizeof(*expr));
	char **owned = calloc(total, sizeof(*owned));
	unsigned *flags = calloc(total, sizeof(*flags));
	unsigned *ids = calloc(total, sizeof(*ids));
	hs_compile_error_t *ce = NULL;
	enum mw_err e = MW_OK;
	size_t r, p, attempts = 0;

	if (!expr || !owned || !flags || !ids) {
		e = MW_ERR_NOMEM;
		goto out;
	}
	for (r = 0; r < db->nrules; r++) {
		const struct mw_sig_rule *rule = db->rules[r].r;

		for (p = 0; p < rule->npatterns; p++) {
			i = db->rules[r].first_pat + p;
			char *wide = widen_repeats(rule->patterns[p].regex);

			if (!wide) {
				e = MW_ERR_NOMEM;
				goto out;
			}
			if (rule->patterns[p].flags & MW_SIG_F_EXTENDED) {
				size_t l = strlen(wide) + 5;

				owned[i] = malloc(l);
				if (!owned[i]) {
					free(wide);
					e = MW_ERR_NOMEM;
					goto out;
				}
				snprintf(owned[i], l, "(?x)%s", wide);
				free(wide);
			} else {
				owned[i] = wide;
			}
			expr[i] = owned[i];
			flags[i] = hs_flags_for(rule->patterns[p].flags);
		}
	}
	for (i = 0; i < db->nlits; i++) {
		owned[db->npats + i] = literal_regex(db->lits[i], db->litlen[i]);
		if (!owned[db->npats + i]) {
			e = MW_ERR_NOMEM;
			goto out;
		}
		expr[db->npats + i] = owned[db->npats + i];
		flags[db->npats + i] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
	}
	if (cache_dir) {
		for (i = 0; i < total; i++)
			ids[i] = (unsigned)i;
		hs_cache_key(expr, flags, ids, total, db, key);
		snprintf(cpath, sizeof(cpath), "%s/sigdb-%s.hs", cache_dir, key);
		if (hs_cache_load(db, cpath) == 0)
			goto out;
	}
	for (;;) {
		const char **ex2 = calloc(total, sizeof(*ex2));
		unsigned *fl2 = calloc(total, sizeof(*fl2));
		size_t *map = calloc(total, sizeof(*map));

		if (!ex2 || !fl2 || !map) {
			free(ex2);
			free(fl2);
			free(map);
			e = MW_ERR_NOMEM;
			goto out;
		}
		for (i = 0, n = 0; i < total; i++) {
			if (i < db->npats && db->pats[i].via_literal)
				continue;
			ex2[n] = expr[i];
			fl2[n] = flags[i];
			ids[n] = (unsigned)i;
			map[n] = i;
			n++;
		}
		if (n == 0) {
			free(ex2);
			free(fl2);
			free(map);
			snprintf(err, errlen, "no expression for the prefilter");
			e = MW_ERR_PARSE;
			goto out;
		}
		if (hs_compile_multi(ex2, fl2, ids, (unsigned)n, HS_MODE_BLOCK, NULL,
				     &db->hs, &ce) == HS_SUCCESS) {
			free(ex2);
			free(fl2);
			free(map);
			if (cpath[0])
				hs_cache_save(db, cache_dir, cpath);
			break;
		}
		if (ce && ce->expression >= 0 && (size_t)ce->expression < n &&
		    map[ce->expression] < db->npats && attempts++ < db->npats) {
			size_t bad = map[ce->expression];

			db->pats[bad].via_literal = 1;
			if (notes) {
				char msg[512];

				snprintf(msg, sizeof(msg), "pattern %zu: Vectorscan: %s; "
					 "gated by the rule's literals instead", bad,
					 ce->message);
				(void)mw_strlist_add(notes, msg);
			}
			hs_free_compile_error(ce);
			ce = NULL;
			free(ex2);
			free(fl2);
			free(map);
			continue;
		}
		snprintf(err, errlen, "Vectorscan: %s", ce ? ce->message : "compile failed");
		hs_free_compile_error(ce);
		free(ex2);
		free(fl2);
		free(map);
		e = MW_ERR_PARSE;
		goto out;
	}
out:
	if (owned)
		for (i = 0; i < total; i++)
			free(owned[i]);
	free(owned);
	free(expr);
	free(flags);
	free(ids);
	return e;
}
#endif

enum mw_err mw_sig_compile(const struct mw_sig_set *s, struct mw_sig_db **out,
			   const char *cache_dir, struct mw_strlist *notes,
			   char *err, size_t errlen)
{
	struct mw_sig_db *db;
	size_t i, j, np = 0, nl = 0;
	enum mw_err e = MW_OK;

	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (!db)
		return MW_ERR_NOMEM;
	for (i = 0; i < s->nrules; i++)
		if (!s->rules[i].broken && s->rules[i].cond) {
			np += s->rules[i].npatterns;
			nl += s->rules[i].literals.n;
			db->nrules++;
		}
	if (db->nrules == 0) {
		snprintf(err, errlen, "no valid rule to compile");
		free(db);
		return MW_ERR_PARSE;
	}
	db->rules = calloc(db->nrules, sizeof(*db->rules));
	db->pats = calloc(np ? np : 1, sizeof(*db->pats));
	db->lits = calloc(nl ? nl : 1, sizeof(*db->lits));
	db->litlen = calloc(nl ? nl : 1, sizeof(*db->litlen));
	if (!db->rules || !db->pats || !db->lits || !db->litlen) {
		mw_sig_db_free(db);
		return MW_ERR_NOMEM;
	}
	db->nrules = 0;
	for (i = 0; i < s->nrules; i++) {
		const struct mw_sig_rule *r = &s->rules[i];
		struct rule_rt *rt;

		if (r->broken || !r->cond)
			continue;
		rt = &db->rules[db->nrules++];
		rt->r = r;
		rt->first_pat = (unsigned)db->npats;
		rt->first_lit = (unsigned)db->nlits;
		rt->nlits = (unsigned)r->literals.n;
		for (j = 0; j < r->npatterns; j++) {
			struct pat_rt *p = &db->pats[db->npats++];
			PCRE2_SIZE off;
			int ec;

			p->code = pcre2_compile((PCRE2_SPTR)r->patterns[j].regex,
						PCRE2_ZERO_TERMINATED,
						mw_sig_pcre2_options(r->patterns[j].flags),
						&ec, &off, NULL);
			if (!p->code) {
				snprintf(err, errlen, "rule %s pattern %s does not compile",
					 r->id, r->patterns[j].name);
				mw_sig_db_free(db);
				return MW_ERR_PARSE;
			}
			/* Without JIT PCRE2 interprets: slower, same limits. */
			(void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
			p->same_as = (unsigned)(db->npats - 1);
			for (size_t q = 0; q < db->nrules; q++) {
				const struct rule_rt *o = &db->rules[q];
				unsigned m;

				for (m = 0; m < o->r->npatterns && p->same_as == db->npats - 1; m++)
					if (o->first_pat + m < db->npats - 1 &&
					    o->r->patterns[m].flags == r->patterns[j].flags &&
					    !strcmp(o->r->patterns[m].regex, r->patterns[j].regex))
						p->same_as = o->first_pat + m;
			}
		}
		for (j = 0; j < r->literals.n; j++) {
			size_t l = strlen(r->literals.v[j]), k;
			char *c = malloc(l + 1);

			if (!c) {
				mw_sig_db_free(db);
				return MW_ERR_NOMEM;
			}
			for (k = 0; k < l; k++)
				c[k] = (char)((r->literals.v[j][k] >= 'A' &&
					       r->literals.v[j][k] <= 'Z') ?
					      r->literals.v[j][k] + 32 : r->literals.v[j][k]);
			c[l] = '\0';
			db->lits[db->nlits] = c;
			db->litlen[db->nlits] = l;
			db->nlits++;
		}
	}
#ifdef MW_HAVE_VECTORSCAN
	e = build_hs(db, cache_dir, notes, err, errlen);
	if (e) {
		mw_sig_db_free(db);
		return e;
	}
#else
	(void)notes;
	(void)cache_dir;
	for (i = 0; i < db->npats; i++)
		db->pats[i].via_literal = 1;
#endif
	*out = db;
	return e;
}

void mw_sig_scratch_free(struct mw_sig_scratch *sc)
{
	if (!sc)
		return;
	free(sc->fired);
	free(sc->memo);
	free(sc->memo_off);
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	pcre2_jit_stack_free(sc->jit);
	mw_buf_free(&sc->lower);
#ifdef MW_HAVE_VECTORSCAN
	hs_free_scratch(sc->hs);
#endif
	free(sc);
}

enum mw_err mw_sig_scratch_new(const struct mw_sig_db *db,
			       struct mw_sig_scratch **out)
{
	struct mw_sig_scratch *sc = calloc(1, sizeof(*sc));

	*out = NULL;
	if (!sc)
		return MW_ERR_NOMEM;
	mw_buf_init(&sc->lower, (size_t)1 << 40);
	sc->fired = calloc(db->npats + db->nlits + 1, 1);
	sc->memo = calloc(db->npats + 1, 1);
	sc->memo_off = calloc(db->npats + 1, sizeof(*sc->memo_off));
	sc->md = pcre2_match_data_create(1, NULL);
	sc->mctx = pcre2_match_context_create(NULL);
	sc->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (!sc->fired || !sc->memo || !sc->memo_off || !sc->md || !sc->mctx || !sc->jit) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
	pcre2_set_match_limit(sc->mctx, MW_SIG_MATCH_LIMIT);
	pcre2_set_depth_limit(sc->mctx, MW_SIG_DEPTH_LIMIT);
	pcre2_set_heap_limit(sc->mctx, MW_SIG_HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(sc->mctx, NULL, sc->jit);
#ifdef MW_HAVE_VECTORSCAN
	if (hs_alloc_scratch(db->hs, &sc->hs) != HS_SUCCESS) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
#endif
	*out = sc;
	return MW_OK;
}

#ifdef MW_HAVE_VECTORSCAN
static int on_hs_match(unsigned id, unsigned long long from,
		       unsigned long long to, unsigned flags, void *ctx)
{
	(void)from;
	(void)to;
	(void)flags;
	((unsigned char *)ctx)[id] = 1;
	return 0;
}
#endif

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static enum mw_err prefilter(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			     const char *buf, size_t len)
{
	memset(sc->fired, 0, db->npats + db->nlits);
	memset(sc->memo, MEMO_UNKNOWN, db->npats);
#ifdef MW_HAVE_VECTORSCAN
	if (len > 0xffffffffu)
		len = 0xffffffffu;
	if (hs_scan(db->hs, buf, (unsigned)len, 0, sc->hs, on_hs_match,
		    sc->fired) != HS_SUCCESS)
		return MW_ERR_INTERNAL;
#else
	{
		size_t i;

		mw_buf_reset(&sc->lower);
		if (mw_buf_reserve(&sc->lower, len))
			return MW_ERR_NOMEM;
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)buf[i];

			sc->lower.data[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		sc->lower.len = len;
		for (i = 0; i < db->nlits; i++)
			if (memmem(sc->lower.data, len, db->lits[i], db->litlen[i]))
				sc->fired[db->npats + i] = 1;
	}
#endif
	return MW_OK;
}

static const char *pcre2_limit_name(int rc)
{
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT: return "match limit";
	case PCRE2_ERROR_DEPTHLIMIT: return "depth limit";
	case PCRE2_ERROR_HEAPLIMIT: return "heap limit";
	case PCRE2_ERROR_JIT_STACKLIMIT: return "JIT stack limit";
	case PCRE2_ERROR_NOMEMORY: return "memory";
	default: return "PCRE2 error";
	}
}

/*
 * Confirm one rule whose prefilter fired. Patterns are confirmed in
 * declaration order until the condition is decided.
 */
static int confirm_rule(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			const struct rule_rt *rt, const char *buf, size_t len,
			mw_sig_hit_fn hit, mw_sig_fault_fn fault, void *ud)
{
	const struct mw_sig_rule *r = rt->r;
	uint64_t yes = 0, maybe = 0, bit;
	size_t offs[MW_SIG_MAX_PATTERNS];
	struct mw_sig_hit h;
	unsigned i, lit_fired = 0;
	int v, rc;

	for (i = 0; i < rt->nlits; i++)
		if (sc->fired[db->npats + rt->first_lit + i])
			lit_fired = 1;
	if (!lit_fired)
		return 0;
	/*
	 * Once a literal made the rule a candidate, every pattern may match:
	 * Vectorscan 5.4.9 has been seen to drop a prefilter match when
	 * several patterns share a prefix, so "did not fire" only orders the
	 * work (reported patterns first) and does not decide a rule in which
	 * another pattern was confirmed.
	 */
	maybe = r->npatterns >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << r->npatterns) - 1;
	v = mw_cond_eval(r, yes, maybe);
	for (i = 0; v == 2 && i < 2 * r->npatterns; i++) {
		unsigned k = i % r->npatterns;
		const struct pat_rt *p = &db->pats[rt->first_pat + k];
		int reported = p->via_literal || sc->fired[rt->first_pat + k];

		bit = (uint64_t)1 << k;
		if (!(maybe & bit) || (i < r->npatterns) != reported)
			continue;
		/* Second pass (unreported patterns) only for a rule that some
		 * confirmed pattern already makes a real candidate: keeps the
		 * cost of distrust to the files that matter. */
		if (i >= r->npatterns && !yes)
			break;
		maybe &= ~bit;
		if (sc->memo[p->same_as] == MEMO_MATCH) {
			yes |= bit;
			offs[k] = sc->memo_off[p->same_as];
			v = mw_cond_eval(r, yes, maybe);
			continue;
		}
		if (sc->memo[p->same_as] == MEMO_NOMATCH) {
			v = mw_cond_eval(r, yes, maybe);
			continue;
		}
		rc = pcre2_match(p->code, (PCRE2_SPTR)buf, len, 0, 0, sc->md, sc->mctx);
		if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
			sc->memo[p->same_as] = rc >= 0 ? MEMO_MATCH : MEMO_NOMATCH;
		if (rc >= 0) {
			yes |= bit;
			offs[k] = pcre2_get_ovector_pointer(sc->md)[0];
			sc->memo_off[p->same_as] = offs[k];
		} else if (rc != PCRE2_ERROR_NOMATCH) {
			struct mw_sig_fault f;

			f.rule = r;
			f.pattern = r->patterns[k].name;
			f.code = rc == PCRE2_ERROR_NOMEMORY ? MW_ERR_NOMEM : MW_ERR_LIMIT;
			f.what = pcre2_limit_name(rc);
			if (fault)
				fault(ud, &f);
			/* Undecidable pattern: counted as not matching. */
		}
		v = mw_cond_eval(r, yes, maybe);
	}
	if (v != 1)
		return 0;
	h.rule = r;
	h.offset = 0;
	for (i = 0; i < r->npatterns; i++) {
		bit = (uint64_t)1 << i;
		if ((yes & bit) && (r->positive_mask & bit)) {
			h.offset = offs[i];
			break;
		}
	}
	if (h.offset > len)
		h.offset = len;
	h.line = mw_line_of(buf, h.offset);
	return hit ? hit(ud, &h) : 0;
}

enum mw_err mw_sig_match(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			 const char *buf, size_t len, mw_sig_hit_fn hit,
			 mw_sig_fault_fn fault, void *ud, double *slowest_ms,
			 const struct mw_sig_rule **slowest_rule)
{
	double t0, dt, worst = 0;
	const struct mw_sig_rule *worst_rule = NULL;
	enum mw_err e;
	size_t i;
	int stop = 0;

	if (!buf)
		buf = "";
	e = prefilter(db, sc, buf, len);
	if (e)
		return e;
	for (i = 0; i < db->nrules && !stop; i++) {
		t0 = slowest_ms ? now_ms() : 0;
		stop = confirm_rule(db, sc, &db->rules[i], buf, len, hit, fault, ud);
		if (slowest_ms) {
			dt = now_ms() - t0;
			if (dt > worst || !worst_rule) {
				worst = dt;
				worst_rule = db->rules[i].r;
			}
		}
	}
	if (slowest_ms)
		*slowest_ms = worst;
	if (slowest_rule)
		*slowest_rule = worst_rule;
	return MW_OK;
}
