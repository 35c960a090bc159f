/*
 * The compiled matcher's database: rules into literals, gates, PCRE2 code
 * and the Vectorscan database (engine_int.h, sig.h).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ascii.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "signatures/engine_int.h"

void mw_sig_db_free(struct mw_sig_db *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->npats; i++) {
		pcre2_code_free(db->pats[i].code);
		pcre2_code_free(db->pats[i].acode);
	}
	for (i = 0; i < db->nlits; i++)
		free(db->lits[i]);
#ifdef MW_HAVE_VECTORSCAN
	hs_free_database(db->hs);
#endif
	free(db->pats);
	free(db->rules);
	free(db->lits);
	free(db->litlen);
	free(db->litpos);
	free(db->weak);
	free(db->weak_ids);
	free(db->lit_rules_at);
	free(db->lit_rules);
	free(db->weak_rules);
	free(db->refs);
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
 * Compiled databases are kept in cache_dir as "sigdb-<key>.hs": key is the
 * sha256 of every literal plus the Vectorscan version, so a changed rule set
 * or library never loads a stale database. The file holds a header, then
 * hs_serialize_database() output. It is trusted only when owned by us and
 * not writable by others.
 */
#define HS_CACHE_MAGIC "mailwarden-hsdb-2\n"

static void hs_cache_key(const struct mw_sig_db *db, char out[65])
{
	struct mw_sha256 h;
	unsigned char d[32];
	const char *ver = hs_version();
	size_t i;

	mw_sha256_init(&h);
	mw_sha256_update(&h, ver, strlen(ver) + 1);
	for (i = 0; i < db->nlits; i++) {
		mw_sha256_update(&h, db->lits[i], db->litlen[i] + 1);
		mw_sha256_update(&h, &db->litpos[i], 1);
		mw_sha256_update(&h, &db->weak[i], 1);
	}
	mw_sha256_final(&h, d);
	mw_sha256_tohex(d, out);
}

static int hs_cache_load(struct mw_sig_db *db, const char *path)
{
	struct mw_buf b;
	struct stat st;
	size_t hl = strlen(HS_CACHE_MAGIC);
	int fd, trunc, ok;

	if (mw_open_regular_at(AT_FDCWD, path, &fd, &st))
		return -1;
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		return -1;
	}
	mw_buf_init(&b, (size_t)256 << 20);
	ok = mw_read_fd_capped(fd, &b, (size_t)256 << 20, &trunc) == MW_OK && !trunc &&
	     b.len > hl && memcmp(b.data, HS_CACHE_MAGIC, hl) == 0 &&
	     hs_deserialize_database(b.data + hl, b.len - hl, &db->hs) == HS_SUCCESS;
	close(fd);
	mw_buf_free(&b);
	if (!ok)
		db->hs = NULL;
	return ok ? 0 : -1;
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
 * One literal database: id i is db->lits[i], caseless, reported once --
 * or at every occurrence when an anchored pattern needs the offsets. Pure
 * literals take Vectorscan's literal matchers (FDR/Teddy), the part of it
 * with the simplest contract; the regexes themselves stay with PCRE2.
 */
static enum mw_err build_hs(struct mw_sig_db *db, const char *cache_dir,
			    char *err, size_t errlen)
{
	char key[65], cpath[MW_SIG_MAX_VALUE] = "";
	const char **expr = calloc(db->nlits, sizeof(*expr));
	char **owned = calloc(db->nlits, sizeof(*owned));
	unsigned *flags = calloc(db->nlits, sizeof(*flags));
	unsigned *ids = calloc(db->nlits, sizeof(*ids));
	hs_compile_error_t *ce = NULL;
	enum mw_err e = MW_OK;
	size_t i, n = 0;

	if (!expr || !owned || !flags || !ids) {
		e = MW_ERR_NOMEM;
		goto out;
	}
	if (cache_dir) {
		hs_cache_key(db, key);
		snprintf(cpath, sizeof(cpath), "%s/sigdb-%s.hs", cache_dir, key);
		if (hs_cache_load(db, cpath) == 0)
			goto out;
	}
	for (i = 0; i < db->nlits; i++) {
		if (db->weak[i])
			continue;
		owned[n] = literal_regex(db->lits[i], db->litlen[i]);
		if (!owned[n]) {
			e = MW_ERR_NOMEM;
			goto out;
		}
		expr[n] = owned[n];
		flags[n] = HS_FLAG_CASELESS | (db->litpos[i] ? 0 : HS_FLAG_SINGLEMATCH);
		ids[n++] = (unsigned)i;
	}
	if (n == 0)
		goto out;	/* only common strings: nothing to scan for */
	if (hs_compile_multi(expr, flags, ids, (unsigned)n, HS_MODE_BLOCK,
			     NULL, &db->hs, &ce) != HS_SUCCESS) {
		snprintf(err, errlen, "Vectorscan: %s", ce ? ce->message : "compile failed");
		hs_free_compile_error(ce);
		e = MW_ERR_PARSE;
		goto out;
	}
	if (cpath[0])
		hs_cache_save(db, cache_dir, cpath);
out:
	if (owned)
		for (i = 0; i < n; i++)
			free(owned[i]);
	free(owned);
	free(expr);
	free(flags);
	free(ids);
	return e;
}
#endif

/*
 * Strings too common in PHP to be worth a Vectorscan report: each costs
 * ~50 ns per occurrence there, and a set holding one is open in nearly every
 * file anyway. Occurrences per MB of the PHP files of Debian's WordPress,
 * phpMyAdmin, Roundcube and MediaWiki (86.5 MiB, ASCII case-insensitive),
 * every string of 3+ bytes measured at 300 or more: the 3125, this 2634,
 * str 2272, ret 1969, get 1829, return 1803, for 1726, name 1513, param
 * 1470, array 1380, string 1290, res 1289, set 1251, function 1141, int
 * 1092, val 1041, data 891, user 884, type 868, php 821, post 789, public
 * 767, page 686, file 667, value 663, err 659, text 641, opt 614, key 587,
 * class 583, null 560, out 550, error 532, false 523, var 514, true 500,
 * new 500, url 471, query 468, arg 465, html 424, self 393, else 369, list
 * 352, len 346, conf 346, obj 324, path 318, from 317, result 305. Dropping
 * the nine of them the shipped rules use took Vectorscan from 1.38 to 0.90
 * ns per byte on that corpus. Later rules brought three more, counted in
 * the PHP of the bench tree (bench/gen-tree, site00): com 4306 (from
 * "new COM("), $this-> 2259, back 317 (callback; from "back-connect");
 * weak, they took Vectorscan there from 8.8 to 7.8 instructions a byte.
 */
static int common_literal(const char *l)
{
	static const char *const common[] = {
		"the", "this", "str", "ret", "get", "return", "for", "name",
		"param", "array", "string", "res", "set", "function", "int", "val",
		"data", "user", "type", "php", "post", "public", "page", "file",
		"value", "err", "text", "opt", "key", "class", "null", "out",
		"error", "false", "var", "true", "new", "url", "query", "arg",
		"html", "self", "else", "list", "len", "conf", "obj", "path",
		"from", "result", "com", "$this->", "back",
	};
	size_t i;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcmp(l, common[i]) == 0)
			return 1;
	return 0;
}

/* Index of literal l (lower-cased, n bytes) in db->lits, added if new;
 * the index is appended to db->refs. */
enum mw_err mw_sig_add_ref(struct mw_sig_db *db, const char *l, size_t n)
{
	size_t i, k;

	for (i = 0; i < db->nlits; i++)
		if (db->litlen[i] == n && memcmp(db->lits[i], l, n) == 0)
			break;
	if (i == db->nlits) {
		if (db->nlits == db->alits) {
			size_t na = db->alits ? 2 * db->alits : 64;
			char **nl = realloc(db->lits, na * sizeof(*nl));
			unsigned char *np;
			size_t *nn;

			if (!nl)
				return MW_ERR_NOMEM;
			db->lits = nl;
			nn = realloc(db->litlen, na * sizeof(*nn));
			if (!nn)
				return MW_ERR_NOMEM;
			db->litlen = nn;
			np = realloc(db->litpos, na);
			if (!np)
				return MW_ERR_NOMEM;
			db->litpos = np;
			db->alits = na;
		}
		db->lits[i] = malloc(n + 1);
		if (!db->lits[i])
			return MW_ERR_NOMEM;
		for (k = 0; k < n; k++)
			db->lits[i][k] = (char)mw_ascii_lower((unsigned char)l[k]);
		db->lits[i][n] = '\0';
		db->litlen[i] = n;
		db->litpos[i] = 0;
		db->nlits++;
	}
	if (db->nrefs == db->arefs) {
		size_t na = db->arefs ? 2 * db->arefs : 256;
		unsigned *nr = realloc(db->refs, na * sizeof(*nr));

		if (!nr)
			return MW_ERR_NOMEM;
		db->refs = nr;
		db->arefs = na;
	}
	db->refs[db->nrefs++] = (unsigned)i;
	return MW_OK;
}

/*
 * The rules each literal opens (db->lit_rules_at, lit_rules) and the rules
 * with a weak literal (weak_rules): match_buffer() looks only at the rules
 * of the literals a buffer has, instead of every rule's gate.
 */
static enum mw_err build_rule_index(struct mw_sig_db *db)
{
	size_t i, k, n = 0;
	unsigned l, *at;

	db->lit_rules_at = calloc(db->nlits + 2, sizeof(*db->lit_rules_at));
	db->weak_rules = calloc(db->nrules + 1, sizeof(*db->weak_rules));
	for (i = 0; i < db->nrules && db->lit_rules_at; i++)
		for (k = 0; k < db->rules[i].nlits; k++) {
			db->lit_rules_at[db->refs[db->rules[i].first_ref + k] + 2]++;
			n++;
		}
	db->lit_rules = calloc(n + 1, sizeof(*db->lit_rules));
	if (!db->lit_rules_at || !db->weak_rules || !db->lit_rules)
		return MW_ERR_NOMEM;
	/* counts at [l + 2] -> starts at [l + 1], filled below to ends */
	for (l = 0; l < db->nlits; l++)
		db->lit_rules_at[l + 2] += db->lit_rules_at[l + 1];
	at = db->lit_rules_at + 1;
	for (i = 0; i < db->nrules; i++) {
		int weak = 0;

		for (k = 0; k < db->rules[i].nlits; k++) {
			l = db->refs[db->rules[i].first_ref + k];
			db->lit_rules[at[l]++] = (unsigned)i;
			weak |= db->weak[l];
		}
		if (weak)
			db->weak_rules[db->nweak_rules++] = (unsigned)i;
	}
	return MW_OK;
}

/* Compile pattern j of rule r into p (PCRE2 program, factors, twin). */
static enum mw_err compile_pattern(struct mw_sig_db *db, const struct mw_sig_rule *r,
				   unsigned j, struct pat_rt *p, char *err, size_t errlen)
{
	struct mw_sig_gate g;
	PCRE2_SIZE off;
	size_t q, k;
	int ec;
	unsigned m, self = (unsigned)(p - db->pats);
	uint32_t opts = 0;
	int anchored;
	unsigned reach;
	enum mw_err e = MW_OK;

	p->code = pcre2_compile((PCRE2_SPTR)r->patterns[j].regex, PCRE2_ZERO_TERMINATED,
				mw_sig_pcre2_options(r->patterns[j].flags), &ec, &off, NULL);
	if (!p->code) {
		snprintf(err, errlen, "rule %s pattern %s does not compile",
			 r->id, r->patterns[j].name);
		return MW_ERR_PARSE;
	}
	/* Without JIT PCRE2 interprets: slower, same limits. */
	(void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
	p->same_as = self;
	p->view = r->patterns[j].view;
	for (q = 0; q < db->nrules && p->same_as == self; q++) {
		const struct rule_rt *o = &db->rules[q];

		for (m = 0; m < o->r->npatterns && p->same_as == self; m++)
			if (o->first_pat + m < self &&
			    o->r->patterns[m].flags == r->patterns[j].flags &&
			    o->r->patterns[m].view == r->patterns[j].view &&
			    !strcmp(o->r->patterns[m].regex, r->patterns[j].regex))
				p->same_as = o->first_pat + m;
	}
	p->first_ref = (unsigned)db->nrefs;
	p->ngates = mw_sig_factors(r->patterns[j].regex, r->patterns[j].flags, &g);
	for (m = 0; m < p->ngates; m++) {
		p->nrefs[m] = (unsigned)g.sets[m].n;
		for (k = 0; k < g.sets[m].n && !e; k++)
			e = mw_sig_add_ref(db, g.sets[m].v[k], strlen(g.sets[m].v[k]));
	}
	anchored = g.anchored;
	reach = g.reach;
	mw_sig_gate_clear(&g);
	if (e)
		return e;
	p->cost = p->ngates ? COST_FACTOR : COST_ALWAYS;
	if (pcre2_pattern_info(p->code, PCRE2_INFO_ALLOPTIONS, &opts) == 0 &&
	    (opts & PCRE2_ANCHORED))
		p->cost = COST_ANCHORED;
	else if (anchored) {
		p->acode = pcre2_compile((PCRE2_SPTR)r->patterns[j].regex,
					 PCRE2_ZERO_TERMINATED,
					 (reach ? PCRE2_USE_OFFSET_LIMIT : PCRE2_ANCHORED) |
					 mw_sig_pcre2_options(r->patterns[j].flags),
					 &ec, &off, NULL);
		if (p->acode) {
			p->reach = reach;
			(void)pcre2_jit_compile(p->acode, PCRE2_JIT_COMPLETE);
			p->cost = COST_ANCHORED;
			for (k = 0; k < p->nrefs[0]; k++)
				db->litpos[db->refs[p->first_ref + k]] = 1;
		}
	}
	return MW_OK;
}

enum mw_err mw_sig_compile(const struct mw_sig_set *s, struct mw_sig_db **out,
			   const char *cache_dir, struct mw_strlist *notes,
			   char *err, size_t errlen)
{
	struct mw_sig_db *db;
	size_t i, j, np = 0;
	enum mw_err e = MW_OK;

	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (!db)
		return MW_ERR_NOMEM;
	for (i = 0; i < s->nrules; i++)
		if (!s->rules[i].broken && s->rules[i].cond) {
			np += s->rules[i].npatterns;
			db->nrules++;
		}
	if (db->nrules == 0) {
		snprintf(err, errlen, "no valid rule to compile");
		free(db);
		return MW_ERR_PARSE;
	}
	db->rules = calloc(db->nrules, sizeof(*db->rules));
	db->pats = calloc(np ? np : 1, sizeof(*db->pats));
	if (!db->rules || !db->pats) {
		mw_sig_db_free(db);
		return MW_ERR_NOMEM;
	}
	db->nrules = 0;
	for (i = 0; i < s->nrules && !e; i++) {
		const struct mw_sig_rule *r = &s->rules[i];
		struct rule_rt *rt;

		if (r->broken || !r->cond)
			continue;
		rt = &db->rules[db->nrules++];
		rt->r = r;
		for (j = 0; j < r->npatterns; j++) {
			uint64_t bit = (uint64_t)1 << j, all = r->npatterns == 64 ? ~(uint64_t)0 :
				       ((uint64_t)1 << r->npatterns) - 1;

			if (mw_cond_eval(r, 0, all & ~bit) == 0)
				rt->required |= bit;
		}
		rt->first_pat = (unsigned)db->npats;
		for (j = 0; j < r->npatterns && !e; j++) {
			struct pat_rt *p = &db->pats[db->npats++];

			e = compile_pattern(db, r, (unsigned)j, p, err, errlen);
			if (r->patterns[j].view == MW_SIG_VIEW_NORM)
				rt->any_norm = 1;
			else
				rt->any_raw = 1;
		}
		rt->first_ref = (unsigned)db->nrefs;
		rt->nlits = (unsigned)r->literals.n;
		for (j = 0; j < r->literals.n && !e; j++)
			e = mw_sig_add_ref(db, r->literals.v[j], strlen(r->literals.v[j]));
	}
	/* what makes a file worth its view (engine_view.c) */
	if (!e)
		e = mw_sig_view_signs_add(db);
	if (!e) {
		db->weak = calloc(db->nlits + 1, 1);
		db->weak_ids = calloc(db->nlits + 1, sizeof(*db->weak_ids));
		if (!db->weak || !db->weak_ids)
			e = MW_ERR_NOMEM;
		for (i = 0; !e && i < db->nlits; i++) {
			if (db->litlen[i] > db->maxlit)
				db->maxlit = db->litlen[i];
			if (common_literal(db->lits[i])) {
				db->weak[i] = 1;
				db->weak_ids[db->nweak++] = (unsigned)i;
			}
		}
	}
	if (!e)
		e = build_rule_index(db);
#ifdef MW_HAVE_VECTORSCAN
	if (!e)
		e = build_hs(db, cache_dir, err, errlen);
#else
	(void)cache_dir;
#endif
	(void)notes;
	if (e) {
		mw_sig_db_free(db);
		return e;
	}
	*out = db;
	return MW_OK;
}
