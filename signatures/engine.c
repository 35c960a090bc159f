/*
 * Compiled matcher: Vectorscan (or memmem) prefilter + PCRE2 JIT confirm.
 * See sig.h for the contract.
 */
#define _GNU_SOURCE
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <sys/stat.h>
#include <unistd.h>
#ifdef MW_HAVE_VECTORSCAN
#include <hs/hs.h>
#endif

#include "core/buf.h"
#include "core/ascii.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "core/excerpt.h"
#include "signatures/php_decode.h"
#include "signatures/php_norm.h"
#include "signatures/sig.h"

/* How a pattern is confirmed, cheapest first (the order confirm_rule()
 * tries them in). */
enum pat_cost {
	COST_ANCHORED,		/* only where a factor starts or in the window
				 * before one (acode), or anchored by itself
				 * (\A...) */
	COST_FACTOR,		/* whole file, when a factor occurs */
	COST_ALWAYS,		/* whole file, no factor known */
};

struct pat_rt {
	pcre2_code *code;
	pcre2_code *acode;	/* when gate set 0 bounds where a match starts:
				 * PCRE2_ANCHORED twin (reach 0: its strings
				 * are prefixes) or PCRE2_USE_OFFSET_LIMIT twin
				 * searched in the reach bytes before one */
	unsigned reach;
	enum pat_cost cost;
	unsigned first_ref;	/* gate set g: db->refs[first_ref + ...], */
	unsigned nrefs[MW_SIG_MAX_GATES];	/* nrefs[g] of them */
	unsigned ngates;	/* 0: no gate, always confirmed with PCRE2 */
	unsigned same_as;	/* first pattern with the same regex, flags and
				 * view: rules repeat "send" etc., a file's
				 * answer is computed once */
	int view;		/* MW_SIG_VIEW_* */
};

struct rule_rt {
	const struct mw_sig_rule *r;
	uint64_t required;	/* patterns without which the condition is false */
	unsigned first_pat;	/* index into db->pats, npatterns of them */
	unsigned first_ref;	/* its literals: db->refs[first_ref..+nlits) */
	unsigned nlits;
	int any_norm;		/* some pattern is matched on the view */
	int any_raw;		/* some pattern is matched on the bytes */
};

struct mw_sig_db {
	struct rule_rt *rules;
	size_t nrules;
	struct pat_rt *pats;
	size_t npats;
	char **lits;		/* distinct lower-cased strings: rule literals
				 * and pattern factors */
	size_t *litlen;
	unsigned char *litpos;	/* 1: some anchored pattern needs its offsets */
	unsigned char *weak;	/* 1: common in PHP (common_literal()): not
				 * in the Vectorscan database, looked for
				 * only when a pattern needs it */
	unsigned *weak_ids;
	size_t nweak;
	size_t maxlit;		/* longest literal, bytes */
	size_t nlits, alits;
	unsigned *refs;		/* indexes into lits */
	size_t nrefs, arefs;
	unsigned first_ind;	/* refs of view_sinks, view_builders,
				 * view_strong, in this order */
	unsigned nsinks, nbuilders, nstrong, nflow, ninputs, nmail, nheaders, nwriters;
	unsigned ndyncall, nsmall, njunk;
#ifdef MW_HAVE_VECTORSCAN
	hs_database_t *hs;
#endif
};

enum { MEMO_UNKNOWN = 0, MEMO_MATCH, MEMO_NOMATCH };

/* Offsets kept per literal and file; a literal seen more often sends its
 * anchored patterns back to a whole-file search. 1024 windows of a few
 * hundred bytes cost about what one search of a 100 KB file does (on the
 * bench tree PCRE2 took 600 ms with 128, 440 ms with 1024). */
#define MAX_OCC 1024

/*
 * Vectorscan 5.4.9 (AVX-512 machine, databases of a few literals) misses
 * literals that end in the last ~32 bytes of a block-mode buffer at some
 * buffer alignments: 11,618 of 379,840 scans in a test of planted literals,
 * none once 64 zero bytes follow the data. So the last HS_TAIL bytes (plus
 * the longest literal) are scanned again from a copy with HS_PAD zero bytes
 * after it, and each occurrence is taken from exactly one of the two scans,
 * by where it ends (test_match_buffer_tail). Seen with databases of up to
 * ~60 literals, not with the ~480 of the shipped rules; upstream fixed
 * AVX-512 tail-scan bugs of this kind after 5.4.9 (VectorCamp/vectorscan
 * pull requests 375 and 378), so this can go with a fixed library.
 */
#define HS_TAIL 256
#define HS_PAD 64

enum { WEAK_UNKNOWN = 0, WEAK_EXISTS, WEAK_FULL };

/* A decoded layer waiting to be scanned: bytes in sc->lbuf. */
struct layer_q {
	size_t off, len;
	size_t root_off;	/* where its outermost literal starts in the file */
	unsigned level;		/* 1: decoded from the file's bytes, 2: from
				 * such a layer ... */
	char chain[256];	/* decoders from the file's bytes, cut if long */
};

struct mw_sig_scratch {
	/* count/occ/state/buf/len: the view being looked at (use_view()),
	 * one of the two sets below */
	unsigned *count;	/* per literal: occurrences in this file */
	uint32_t *occ;		/* per literal: MAX_OCC end offsets */
	unsigned char *state;	/* per weak literal: WEAK_*, what count holds */
	const char *buf;	/* the text being matched */
	size_t len;
	unsigned *vcount[2];
	uint32_t *vocc[2];
	unsigned char *vstate[2];
	const char *vbuf[2];
	size_t vlen[2];
	int have_norm;		/* vbuf[1] holds this buffer's view */
	uint32_t *starts;	/* match_at_factors(): MW_SIG_MAX_FACTORS * MAX_OCC */
	struct mw_php_norm *norm;
	struct mw_buf lbuf;	/* bytes of the queued layers */
	struct layer_q lq[MW_SIG_MAX_LAYERS];
	size_t nlq;
	const struct layer_q *layer;	/* the layer being matched, or NULL */
	const char *root;	/* the file */
	size_t root_len, decoded;
	unsigned caps;		/* MW_SIG_CAP_* of the last mw_sig_match() */
	unsigned char *hit_rule;	/* per rule: reported for this file */
	char *tail;		/* HS_TAIL + maxlit + HS_PAD bytes */
	unsigned char *memo;	/* per pattern, this file: MEMO_* */
	size_t *memo_off;	/* match offset when MEMO_MATCH */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_match_context *wctx;	/* mctx plus an offset limit */
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
 * ns per byte on that corpus.
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
		"from", "result",
	};
	size_t i;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcmp(l, common[i]) == 0)
			return 1;
	return 0;
}

/*
 * Strings in a file's bytes that make it worth lexing and normalising: an
 * evaluator together with a decoder or string builder, or one of the
 * strong signs alone. Chosen by what they cost on clean code: the PHP
 * files of Debian's WordPress, phpMyAdmin, Roundcube and MediaWiki that
 * have these are 1.3 % of their bytes (any of "eval", "assert", "\x",
 * "$$", "preg_replace" ... alone would be 59 %). A packed file has them:
 * packers end in an evaluator over a decoder.
 */
static const char *const view_sinks[] = {
	"eval(", "eval (", "assert(", "create_function(", "${'", "${\"",
};
static const char *const view_builders[] = {
	"base64_decode(", "base64_decode (", "gzinflate(", "gzuncompress(", "gzdecode(", "str_rot13(",
	"strrev(", "hex2bin(", "urldecode(", "convert_uudecode(", "chr(",
	"pack('h", "pack(\"h",
};
/* Request input next to a sink: worth the data-flow facts (php_flow.h).
 * ("system" "(" is split for scripts/banned-functions: a string to look
 * for, not a call.) */
static const char *const view_flow_sinks[] = {
	"system" "(", "exec(", "passthru(", "popen" "(", "proc_open(", "pcntl_exec(",
	"eval(", "assert(", "create_function(", "extract(", "addaddress(", "addbcc(",
	/* file-system sinks: uploads, writes, listing and removal driven by
	 * the request (2.3 MB of the 124 MB of clean PHP in the corpus) */
	"move_uploaded_file(", "copy(", "fwrite(", "fputs(", "file_put_contents(",
	"opendir(", "scandir(", "unlink(", "rmdir(", "rename(", "chmod(",
};
static const char *const view_inputs[] = {
	"$_post", "$_get", "$_request", "$_cookie", "$_files", "php://input",
	"getallheaders", "$http_post_vars", "$http_get_vars",
};
/* mail() next to request input and a hand-built header: the facts show
 * whether the recipient and headers come from the request (0.4 MB of
 * the 157 MB of clean PHP, where mail( with input alone is 4.9 MB). */
static const char *const view_mail[] = { "mail(" };
static const char *const view_headers[] = {
	"from:", "bcc:", "mime-version", "x-mailer", "reply-to:",
};
/* A file writer next to a decoder: droppers write a decoded payload (the
 * layer is then scanned); 2 MB of the 157 MB of clean PHP. */
static const char *const view_writers[] = {
	"file_put_contents(", "fwrite(", "fputs(",
};
/* A call with request data as its first argument, "$f($_POST[...])":
 * common in clean code as isset($_POST..., so only in small files (real
 * one-line shells are tiny); 1.6 MB of the bench tree's 132 MB. */
static const char *const view_dyncall[] = {
	"($_post", "($_get", "($_request", "($_cookie",
};
/* Signs that count in files up to MW_SIG_VIEW_SMALL_MAX only: callers of a
 * callback (with request input: the request may name the function) and
 * ${'...'} names; the bench tree's apps have them in ~20 MB of files. */
static const char *const view_small[] = {
	"register_shutdown_function(", "register_tick_function(", "uasort(",
	"uksort(", "array_reduce(", "iterator_apply(", "forward_static_call",
	"array_walk_recursive(", "${'", "${\"",
};
/* Junk strippers: next to an evaluator (view_sinks), the payload is a
 * literal with junk in it (str_replace('_x', '', $a.$b...)); 17 clean files,
 * 1 MB. */
static const char *const view_junk[] = { "str_replace(", "strtr(" };
/* The last VIEW_PACKED of view_strong are an evaluator over a decoder in
 * one breath. */
#define VIEW_PACKED 3
/* ("create_function" without its parenthesis: packers write a blank
 * before it; 3 clean files have the name without a call.) */
static const char *const view_strong[] = {
	"create_function", "str_rot13(", "eval(gz", "eval(base64", "eval(str",
};

/* Index of literal l (lower-cased, n bytes) in db->lits, added if new;
 * the index is appended to db->refs. */
static enum mw_err add_ref(struct mw_sig_db *db, const char *l, size_t n)
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
			e = add_ref(db, g.sets[m].v[k], strlen(g.sets[m].v[k]));
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
			e = add_ref(db, r->literals.v[j], strlen(r->literals.v[j]));
	}
	/* what makes a file worth its view: obfuscation indicators, and
	 * the literals of rules that look at the view */
	db->first_ind = (unsigned)db->nrefs;
	db->nsinks = sizeof(view_sinks) / sizeof(view_sinks[0]);
	db->nbuilders = sizeof(view_builders) / sizeof(view_builders[0]);
	db->nstrong = sizeof(view_strong) / sizeof(view_strong[0]);
	for (i = 0; i < db->nsinks && !e; i++)
		e = add_ref(db, view_sinks[i], strlen(view_sinks[i]));
	for (i = 0; i < db->nbuilders && !e; i++)
		e = add_ref(db, view_builders[i], strlen(view_builders[i]));
	for (i = 0; i < db->nstrong && !e; i++)
		e = add_ref(db, view_strong[i], strlen(view_strong[i]));
	db->nflow = sizeof(view_flow_sinks) / sizeof(view_flow_sinks[0]);
	db->ninputs = sizeof(view_inputs) / sizeof(view_inputs[0]);
	for (i = 0; i < db->nflow && !e; i++)
		e = add_ref(db, view_flow_sinks[i], strlen(view_flow_sinks[i]));
	for (i = 0; i < db->ninputs && !e; i++)
		e = add_ref(db, view_inputs[i], strlen(view_inputs[i]));
	db->nmail = sizeof(view_mail) / sizeof(view_mail[0]);
	db->nheaders = sizeof(view_headers) / sizeof(view_headers[0]);
	for (i = 0; i < db->nmail && !e; i++)
		e = add_ref(db, view_mail[i], strlen(view_mail[i]));
	for (i = 0; i < db->nheaders && !e; i++)
		e = add_ref(db, view_headers[i], strlen(view_headers[i]));
	db->nwriters = sizeof(view_writers) / sizeof(view_writers[0]);
	for (i = 0; i < db->nwriters && !e; i++)
		e = add_ref(db, view_writers[i], strlen(view_writers[i]));
	db->ndyncall = sizeof(view_dyncall) / sizeof(view_dyncall[0]);
	for (i = 0; i < db->ndyncall && !e; i++)
		e = add_ref(db, view_dyncall[i], strlen(view_dyncall[i]));
	db->nsmall = sizeof(view_small) / sizeof(view_small[0]);
	for (i = 0; i < db->nsmall && !e; i++)
		e = add_ref(db, view_small[i], strlen(view_small[i]));
	db->njunk = sizeof(view_junk) / sizeof(view_junk[0]);
	for (i = 0; i < db->njunk && !e; i++)
		e = add_ref(db, view_junk[i], strlen(view_junk[i]));
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

void mw_sig_scratch_free(struct mw_sig_scratch *sc)
{
	if (!sc)
		return;
	free(sc->vcount[0]);
	free(sc->vcount[1]);
	free(sc->vocc[0]);
	free(sc->vocc[1]);
	free(sc->vstate[0]);
	free(sc->vstate[1]);
	free(sc->starts);
	free(sc->hit_rule);
	mw_php_norm_free(sc->norm);
	mw_buf_free(&sc->lbuf);
	free(sc->tail);
	free(sc->memo);
	free(sc->memo_off);
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	pcre2_match_context_free(sc->wctx);
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
	mw_buf_init(&sc->lbuf, MW_SIG_DECODE_BUDGET);
	/* the view's set (vcount[1] ...) and the normaliser come with the
	 * first file that needs them (view_state()): most threads of most
	 * runs never do */
	sc->vcount[0] = calloc(db->nlits + 1, sizeof(*sc->count));
	sc->vstate[0] = calloc(db->nlits + 1, 1);
	sc->vocc[0] = calloc((db->nlits + 1) * MAX_OCC, sizeof(*sc->occ));
	if (!sc->vcount[0] || !sc->vstate[0] || !sc->vocc[0]) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
	sc->count = sc->vcount[0];
	sc->state = sc->vstate[0];
	sc->occ = sc->vocc[0];
	sc->hit_rule = calloc(db->nrules + 1, 1);
	sc->starts = calloc((size_t)MW_SIG_MAX_FACTORS * MAX_OCC, sizeof(*sc->starts));
	sc->tail = calloc(HS_TAIL + db->maxlit + HS_PAD, 1);
	sc->memo = calloc(db->npats + 1, 1);
	sc->memo_off = calloc(db->npats + 1, sizeof(*sc->memo_off));
	sc->md = pcre2_match_data_create(1, NULL);
	sc->mctx = pcre2_match_context_create(NULL);
	sc->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (!sc->hit_rule || !sc->starts || !sc->tail ||
	    !sc->memo || !sc->memo_off || !sc->md || !sc->mctx || !sc->jit) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
	pcre2_set_match_limit(sc->mctx, MW_SIG_MATCH_LIMIT);
	pcre2_set_depth_limit(sc->mctx, MW_SIG_DEPTH_LIMIT);
	pcre2_set_heap_limit(sc->mctx, MW_SIG_HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(sc->mctx, NULL, sc->jit);
	sc->wctx = pcre2_match_context_copy(sc->mctx);
	if (!sc->wctx) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
#ifdef MW_HAVE_VECTORSCAN
	if (db->hs && hs_alloc_scratch(db->hs, &sc->hs) != HS_SUCCESS) {
		mw_sig_scratch_free(sc);
		return MW_ERR_NOMEM;
	}
#endif
	*out = sc;
	return MW_OK;
}

/* Look at view v (MW_SIG_VIEW_*) of the buffer from now on. */
static void use_view(struct mw_sig_scratch *sc, int v)
{
	sc->count = sc->vcount[v];
	sc->occ = sc->vocc[v];
	sc->state = sc->vstate[v];
	sc->buf = sc->vbuf[v];
	sc->len = sc->vlen[v];
}

/* Literal id occurs in the file, ending at byte offset end. */
static void seen(struct mw_sig_scratch *sc, unsigned id, size_t end)
{
	unsigned c = sc->count[id];

	if (c < MAX_OCC)
		sc->occ[(size_t)id * MAX_OCC + c] = (uint32_t)end;
	if (c <= MAX_OCC)
		sc->count[id] = c + 1;
}

#ifdef MW_HAVE_VECTORSCAN
/* One of the two scans of prefilter(): occurrences ending in (lo, hi] of
 * the file; its buffer starts at file offset shift. */
struct hs_part {
	struct mw_sig_scratch *sc;
	size_t lo, hi, shift;
};

static int on_hs_match(unsigned id, unsigned long long from,
		       unsigned long long to, unsigned flags, void *ctx)
{
	const struct hs_part *part = ctx;
	size_t end = (size_t)to + part->shift;

	(void)from;
	(void)flags;
	if (end > part->lo && end <= part->hi)
		seen(part->sc, id, end);
	return 0;
}

static enum mw_err hs_both(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			   const char *buf, size_t len)
{
	struct hs_part part = { sc, 0, len, 0 };
	size_t from = 0;

	if (len > HS_TAIL + db->maxlit) {
		part.hi = len - HS_TAIL;
		if (hs_scan(db->hs, buf, (unsigned)len, 0, sc->hs, on_hs_match,
			    &part) != HS_SUCCESS)
			return MW_ERR_INTERNAL;
		from = len - HS_TAIL - db->maxlit;
		part.lo = len - HS_TAIL;
		part.hi = len;
	}
	part.shift = from;
	memcpy(sc->tail, buf + from, len - from);
	memset(sc->tail + (len - from), 0, HS_PAD);
	if (hs_scan(db->hs, sc->tail, (unsigned)(len - from + HS_PAD), 0, sc->hs,
		    on_hs_match, &part) != HS_SUCCESS)
		return MW_ERR_INTERNAL;
	return MW_OK;
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
	size_t i;

	memset(sc->count, 0, db->nlits * sizeof(*sc->count));
	memset(sc->memo, MEMO_UNKNOWN, db->npats);
	sc->buf = buf;
	sc->len = len;
	for (i = 0; i < db->nweak; i++)
		sc->state[db->weak_ids[i]] = WEAK_UNKNOWN;
	if (len > 0xffffffffu) {
		/* beyond 32-bit offsets: every literal "everywhere", so every
		 * pattern gets a whole-file search */
		for (i = 0; i < db->nlits; i++) {
			sc->count[i] = MAX_OCC + 1;
			sc->state[i] = WEAK_FULL;
		}
		return MW_OK;
	}
#ifdef MW_HAVE_VECTORSCAN
	if (db->hs && hs_both(db, sc, buf, len) != MW_OK)
		return MW_ERR_INTERNAL;
#else
	mw_buf_reset(&sc->lower);
	if (mw_buf_reserve(&sc->lower, len))
		return MW_ERR_NOMEM;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		sc->lower.data[i] = (char)mw_ascii_lower(c);
	}
	sc->lower.len = len;
	for (i = 0; i < db->nlits; i++) {
		const char *at = sc->lower.data, *end = at + len, *q;

		if (db->weak[i])
			continue;
		while ((q = memmem(at, (size_t)(end - at), db->lits[i], db->litlen[i]))) {
			seen(sc, (unsigned)i, (size_t)(q - sc->lower.data) + db->litlen[i]);
			if (!db->litpos[i] || sc->count[i] > MAX_OCC)
				break;
			at = q + 1;
		}
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
 * First place at or after p where lit (n >= 1 bytes, lower-cased) occurs,
 * ASCII case-insensitively, or NULL. On x86-64 it compares 16 pairs of
 * first/second bytes at a time (a letter folded with 0x20, anything else
 * exactly), then the rest of the string at each place both agree.
 */
static const char *ci_find(const char *p, const char *end, const char *lit, size_t n)
{
	const unsigned char l0 = (unsigned char)lit[0];
	size_t k;

	if ((size_t)(end - p) < n)
		return NULL;
#ifdef __SSE2__
	if (n >= 2) {
		const unsigned char l1 = (unsigned char)lit[1];
		const __m128i c0 = _mm_set1_epi8((char)l0), c1 = _mm_set1_epi8((char)l1);
		const __m128i f0 = _mm_set1_epi8(l0 >= 'a' && l0 <= 'z' ? 0x20 : 0);
		const __m128i f1 = _mm_set1_epi8(l1 >= 'a' && l1 <= 'z' ? 0x20 : 0);

		while (end - p >= 17) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
				_mm_cmpeq_epi8(_mm_or_si128(a, f0), c0),
				_mm_cmpeq_epi8(_mm_or_si128(b, f1), c1)));

			while (m) {
				const char *q = p + __builtin_ctz(m);

				m &= m - 1;
				if ((size_t)(end - q) < n)
					return NULL;
				for (k = 2; k < n && mw_ascii_lower((unsigned char)q[k]) ==
				     (unsigned char)lit[k]; k++)
					;
				if (k == n)
					return q;
			}
			p += 16;
		}
	}
#endif
	for (; (size_t)(end - p) >= n; p++) {
		for (k = 0; k < n && mw_ascii_lower((unsigned char)p[k]) == (unsigned char)lit[k]; k++)
			;
		if (k == n)
			return p;
	}
	return NULL;
}

/*
 * Occurrences of literal lit in the file (see seen()). A weak literal is
 * looked for now: to its first occurrence when only whether it occurs
 * matters, or to MAX_OCC + 1 of them when full (a window search needs the
 * offsets).
 */
static unsigned lit_count(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			  unsigned lit, int full)
{
	const char *p, *end, *q;

	if (!db->weak[lit] || sc->state[lit] == WEAK_FULL ||
	    (sc->state[lit] == WEAK_EXISTS && !full))
		return sc->count[lit];
	sc->count[lit] = 0;
	p = sc->buf;
	end = sc->buf + sc->len;
	while ((q = ci_find(p, end, db->lits[lit], db->litlen[lit])) != NULL) {
		seen(sc, lit, (size_t)(q - sc->buf) + db->litlen[lit]);
		if (!full || sc->count[lit] > MAX_OCC)
			break;
		p = q + 1;
	}
	sc->state[lit] = full || !q ? WEAK_FULL : WEAK_EXISTS;
	return sc->count[lit];
}

/* Does any of the n literals behind refs occur in this file? The ones
 * Vectorscan reported first, then the common ones. */
static int any_fired(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
		     unsigned first, unsigned n)
{
	unsigned i, lit;

	for (i = 0; i < n; i++) {
		lit = db->refs[first + i];
		if (!db->weak[lit] && sc->count[lit])
			return 1;
	}
	for (i = 0; i < n; i++) {
		lit = db->refs[first + i];
		if (db->weak[lit] && lit_count(db, sc, lit, 0))
			return 1;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A pattern whose every match has one of its set-0 factors starting at most
 * reach bytes after the match's start: searched only in [start - reach,
 * start] of each place a factor starts, leftmost first (reach 0: one
 * anchored attempt there), so the same first match as a search of the
 * whole file for a fraction of the work. A factor seen more than MAX_OCC
 * times sends it back to the whole-file search. Returns like pcre2_match();
 * a limit hit at one place is returned only if no later place matches.
 */
static int match_at_factors(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			    const struct pat_rt *p, const char *buf, size_t len)
{
	uint32_t *starts = sc->starts;
	size_t n = 0, i;
	unsigned r, c;
	int rc, worst = PCRE2_ERROR_NOMATCH;

	for (r = 0; r < p->nrefs[0]; r++) {
		unsigned lit = db->refs[p->first_ref + r];

		if (lit_count(db, sc, lit, 1) > MAX_OCC || p->nrefs[0] > MW_SIG_MAX_FACTORS)
			return pcre2_match(p->code, (PCRE2_SPTR)buf, len, 0, 0, sc->md,
					   sc->mctx);
		for (c = 0; c < sc->count[lit]; c++)
			starts[n++] = sc->occ[(size_t)lit * MAX_OCC + c] -
				      (uint32_t)db->litlen[lit];
	}
	qsort(starts, n, sizeof(starts[0]), cmp_u32);
	for (i = 0; i < n; i++) {
		if (i > 0 && starts[i] == starts[i - 1])
			continue;
		if (p->reach == 0) {
			rc = pcre2_match(p->acode, (PCRE2_SPTR)buf, len, starts[i], 0,
					 sc->md, sc->mctx);
		} else {
			/* from the window's start, or where the previous
			 * window ended: no place is searched twice */
			uint32_t from = starts[i] > p->reach ? starts[i] - p->reach : 0;

			if (i > 0 && from <= starts[i - 1])
				from = starts[i - 1] + 1;
			pcre2_set_offset_limit(sc->wctx, starts[i]);
			rc = pcre2_match(p->acode, (PCRE2_SPTR)buf, len, from, 0, sc->md,
					 sc->wctx);
		}
		if (rc >= 0)
			return rc;
		if (rc != PCRE2_ERROR_NOMATCH)
			worst = rc;
	}
	return worst;
}

/* Pattern k of rule rt on its view with PCRE2, once per buffer (memo): 1
 * if it matches (*off = where, in that view), 0 if not or if a limit
 * stopped it (reported). */
static int pattern_matches(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			   const struct rule_rt *rt, unsigned k,
			   mw_sig_fault_fn fault, void *ud, size_t *off)
{
	const struct pat_rt *p = &db->pats[rt->first_pat + k];
	const char *buf;
	size_t len;
	int rc;

	if (p->view == MW_SIG_VIEW_NORM && !sc->have_norm)
		return 0;
	use_view(sc, p->view);
	buf = sc->buf;
	len = sc->len;
	if (sc->memo[p->same_as] == MEMO_UNKNOWN) {
		rc = p->acode ? match_at_factors(db, sc, p, buf, len) :
		     pcre2_match(p->code, (PCRE2_SPTR)buf, len, 0, 0, sc->md, sc->mctx);
		if (rc >= 0) {
			sc->memo[p->same_as] = MEMO_MATCH;
			sc->memo_off[p->same_as] = pcre2_get_ovector_pointer(sc->md)[0];
		} else if (rc == PCRE2_ERROR_NOMATCH) {
			sc->memo[p->same_as] = MEMO_NOMATCH;
		} else {
			struct mw_sig_fault f;

			f.rule = rt->r;
			f.pattern = rt->r->patterns[k].name;
			f.code = rc == PCRE2_ERROR_NOMEMORY ? MW_ERR_NOMEM : MW_ERR_LIMIT;
			f.what = pcre2_limit_name(rc);
			if (fault)
				fault(ud, &f);
			return 0;	/* undecidable: counted as not matching */
		}
	}
	*off = sc->memo_off[p->same_as];
	return sc->memo[p->same_as] == MEMO_MATCH;
}

/*
 * Confirm one rule, a candidate: one of its literals occurs. A
 * pattern none of whose factors occurs cannot match (mw_sig_factors), so it
 * is false without PCRE2. The rest are confirmed with PCRE2 until the
 * three-valued condition is decided, cheapest first (enum pat_cost); within
 * a class the required patterns (false: the condition is false) first, each
 * group in declaration order.
 */
static int confirm_rule(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			const struct rule_rt *rt, mw_sig_hit_fn hit,
			mw_sig_fault_fn fault, void *ud)
{
	const struct mw_sig_rule *r = rt->r;
	uint64_t yes = 0, maybe = 0, bit;
	struct mw_sig_hit h;
	unsigned i, k;
	size_t off;
	int v;

	for (k = 0; k < r->npatterns; k++) {
		const struct pat_rt *p = &db->pats[rt->first_pat + k];
		unsigned g, at = p->first_ref, open = 1;

		if (p->view == MW_SIG_VIEW_NORM && !sc->have_norm)
			continue;	/* no view: false */
		use_view(sc, p->view);
		for (g = 0; g < p->ngates && open; g++) {
			open = any_fired(db, sc, at, p->nrefs[g]);
			at += p->nrefs[g];
		}
		if (open)
			maybe |= (uint64_t)1 << k;
	}
	v = mw_cond_eval(r, yes, maybe);
	for (i = 0; v == 2 && i < (COST_ALWAYS + 1) * 2 * r->npatterns; i++) {
		k = i % r->npatterns;
		bit = (uint64_t)1 << k;
		if (!(maybe & bit) ||
		    db->pats[rt->first_pat + k].cost != (enum pat_cost)(i / (2 * r->npatterns)) ||
		    ((rt->required & bit) != 0) != ((i / r->npatterns) % 2 == 0))
			continue;
		maybe &= ~bit;
		if (pattern_matches(db, sc, rt, k, fault, ud, &off))
			yes |= bit;
		v = mw_cond_eval(r, yes, maybe);
	}
	if (v != 1)
		return 0;
	/* Where: the first match of the first pattern, in declaration order,
	 * that occurs outside a "not" and matches -- whatever order decided. */
	h.rule = r;
	h.offset = 0;
	h.view = MW_SIG_VIEW_RAW;
	for (k = 0; k < r->npatterns; k++) {
		bit = (uint64_t)1 << k;
		if (!(r->positive_mask & bit))
			continue;
		if (yes & bit) {	/* confirmed above */
			h.offset = sc->memo_off[db->pats[rt->first_pat + k].same_as];
			h.view = db->pats[rt->first_pat + k].view;
			break;
		}
		if ((maybe & bit) &&	/* not looked at yet */
		    pattern_matches(db, sc, rt, k, fault, ud, &off)) {
			h.offset = off;
			h.view = db->pats[rt->first_pat + k].view;
			break;
		}
	}
	if (h.view == MW_SIG_VIEW_NORM)
		h.offset = mw_php_norm_raw_offset(sc->norm, h.offset);
	if (h.offset > sc->vlen[0])
		h.offset = sc->vlen[0];
	h.layer = NULL;
	if (sc->layer) {
		/* a finding inside a decoded layer: at its literal in the file */
		h.layer = sc->layer->chain;
		h.offset = sc->layer->root_off;
	}
	if (h.offset > sc->root_len)
		h.offset = sc->root_len;
	h.line = mw_line_of(sc->root, h.offset);
	sc->hit_rule[rt - db->rules] = 1;
	return hit ? hit(ud, &h) : 0;
}

/* Byte classes for has_blob(): base64 bytes, and the glue that may cut a
 * run into concatenated literals ('...'.\n'...'). */
enum { BC_OTHER, BC_B64, BC_GLUE, BC_QUOTE };

static unsigned char blob_class(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '+' || c == '/' || c == '=')
		return BC_B64;
	if (c == '\'' || c == '"')
		return BC_QUOTE;
	if (c == '.' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return BC_GLUE;
	return BC_OTHER;
}

/* A run of at least MW_SIG_VIEW_BLOB_RUN base64 bytes in buf: the packed
 * payload a decoder next to it unpacks, whatever hides the evaluator. The
 * run may be split into concatenated literals ('...'.\n'...'): up to 16
 * bytes of quotes, dots and blanks, with a quote among them, continue it.
 * One pass with a class table: it runs over every PHP file. */
static int has_blob(const char *buf, size_t len)
{
	static unsigned char cls[256];
	static int ready;
	const unsigned char *p = (const unsigned char *)buf;
	size_t i, run = 0, gap = 0;
	int quoted = 0;

	if (!ready) {	/* idempotent: a race writes the same bytes */
		for (i = 0; i < 256; i++)
			cls[i] = blob_class((unsigned char)i);
		ready = 1;
	}
#ifdef __SSE2__
	/* a qualifying run covers 15 aligned 16-byte blocks of base64 and glue
	 * bytes in a row: look for those first, 16 bytes at a time (this runs
	 * over every PHP file; code rarely has 240 such bytes in a row) */
	{
		const __m128i lo_l = _mm_set1_epi8(0x60), hi_l = _mm_set1_epi8(0x7b),
			      lo_d = _mm_set1_epi8(0x2f), hi_d = _mm_set1_epi8(0x3a),
			      b20 = _mm_set1_epi8(0x20);
		static const char singles[] = "+/= \t\n\r.'\"";
		size_t blocks = 0, k;
		int found = 0;

		for (i = 0; i + 16 <= len && !found; i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
			__m128i t = _mm_or_si128(v, b20);
			__m128i m = _mm_and_si128(_mm_cmpgt_epi8(t, lo_l), _mm_cmplt_epi8(t, hi_l));

			m = _mm_or_si128(m, _mm_and_si128(_mm_cmpgt_epi8(v, lo_d),
							  _mm_cmplt_epi8(v, hi_d)));
			for (k = 0; k < sizeof(singles) - 1; k++)
				m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(singles[k])));
			if (_mm_movemask_epi8(m) == 0xffff) {
				if (++blocks >= 15)
					found = 1;
			} else {
				blocks = 0;
			}
		}
		if (!found)
			return 0;
	}
#endif
	for (i = 0; i < len; i++) {
		switch (cls[p[i]]) {
		case BC_B64:
			if (gap && !quoted)
				run = 0;
			gap = 0;
			quoted = 0;
			if (++run >= MW_SIG_VIEW_BLOB_RUN)
				return 1;
			break;
		case BC_QUOTE:
			quoted = 1;
			/* fall through */
		case BC_GLUE:
			if (++gap > 16)
				run = 0;
			break;
		default:
			run = gap = 0;
			quoted = 0;
			break;
		}
	}
	return 0;
}

/* A call of something that is not a plain name in buf: "$f(", "$a['x'](",
 * "'name'(", "(...)(" or "${...}(", or a variable variable "${": how tiny
 * shells call and read what they built. Bytes, not tokens: a comment or a
 * string may say it too (it only costs a view). */
static int has_dyncall(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	if (memmem(buf, len, "${", 2))
		return 1;

	while ((p = memchr(p, '(', (size_t)(end - p))) != NULL) {
		const char *q = p++;

		while (q > buf && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q == buf)
			continue;
		switch (q[-1]) {
		case ')': case ']': case '}': case '\'': case '"':
			return 1;
		}
		while (q > buf && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
			q--;
		if (q > buf && q[-1] == '$')
			return 1;
	}
	return 0;
}

/* Worth a view: a decoded layer in code or with a PHP tag; a file with a
 * PHP tag and an evaluator with a builder, or a strong sign (view_sinks
 * ...); PHP up to MW_SIG_VIEW_TINY_MAX with request input or a dynamic
 * call; a blob (packers hide the decoder too). */
static int wants_view(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
		      const char *buf, size_t len, int in_php)
{
	unsigned b = db->first_ind + db->nsinks, st = b + db->nbuilders;
	unsigned fl = st + db->nstrong, in = fl + db->nflow, ml = in + db->ninputs;
	unsigned hd = ml + db->nmail, wr = hd + db->nheaders, dc = wr + db->nwriters;
	unsigned sm = dc + db->ndyncall, jk = sm + db->nsmall;
	int packed, sign;

	if (sc->layer)	/* decoded from a packed file: always worth one */
		return in_php || memmem(buf, len, "<?", 2) != NULL;
	/* an evaluator over a decoder in one breath (eval(gz...): packed,
	 * at any size */
	packed = any_fired(db, sc, st + db->nstrong - VIEW_PACKED, VIEW_PACKED);
	/* every other sign only in files up to MW_SIG_VIEW_PLAIN_MAX: the
	 * big clean files with them are libraries, grammars and editors */
	sign = len <= MW_SIG_VIEW_PLAIN_MAX &&
	       (any_fired(db, sc, st, db->nstrong - VIEW_PACKED) ||
		(any_fired(db, sc, db->first_ind, db->nsinks) &&
		 any_fired(db, sc, b, db->nbuilders)) ||
		(any_fired(db, sc, in, db->ninputs) &&
		 (any_fired(db, sc, fl, db->nflow) ||
		  (any_fired(db, sc, ml, db->nmail) && any_fired(db, sc, hd, db->nheaders)))) ||
		(any_fired(db, sc, wr, db->nwriters) && any_fired(db, sc, b, db->nbuilders)) ||
		(len <= MW_SIG_VIEW_DYNCALL_MAX && any_fired(db, sc, dc, db->ndyncall)) ||
		(len <= MW_SIG_VIEW_SMALL_MAX && any_fired(db, sc, sm, db->nsmall)) ||
		(any_fired(db, sc, db->first_ind, db->nsinks) && any_fired(db, sc, jk, db->njunk)) ||
		(len <= MW_SIG_VIEW_TINY_MAX &&
		 (any_fired(db, sc, in, db->ninputs) || has_dyncall(buf, len) ||
		  memmem(buf, len, "$_SERVER", 8) != NULL)) ||
		has_blob(buf, len));
	if (!packed && !sign)
		return 0;
	return in_php || memmem(buf, len, "<?", 2) != NULL;
}

/* The view's literal counts and the normaliser, made on first use. */
static enum mw_err view_state(const struct mw_sig_db *db, struct mw_sig_scratch *sc)
{
	if (sc->norm)
		return MW_OK;
	sc->vcount[1] = calloc(db->nlits + 1, sizeof(*sc->count));
	sc->vstate[1] = calloc(db->nlits + 1, 1);
	sc->vocc[1] = calloc((db->nlits + 1) * MAX_OCC, sizeof(*sc->occ));
	sc->norm = mw_php_norm_new();
	if (!sc->vcount[1] || !sc->vstate[1] || !sc->vocc[1] || !sc->norm) {
		free(sc->vcount[1]);
		free(sc->vstate[1]);
		free(sc->vocc[1]);
		mw_php_norm_free(sc->norm);
		sc->vcount[1] = NULL;
		sc->vstate[1] = NULL;
		sc->vocc[1] = NULL;
		sc->norm = NULL;
		return MW_ERR_NOMEM;
	}
	return MW_OK;
}

/* Decoded layers of the view just matched go to the queue, behind the
 * chain of the layer they were found in. */
static void queue_layers(struct mw_sig_scratch *sc)
{
	size_t i, n = mw_php_norm_nlayers(sc->norm);
	unsigned level = sc->layer ? sc->layer->level + 1 : 1;

	for (i = 0; i < n; i++) {
		const struct mw_php_layer *l = mw_php_norm_layer(sc->norm, i);
		struct layer_q *q;
		size_t at, k;
		unsigned d;

		if (level > MW_SIG_MAX_LAYER_LEVEL) {
			sc->caps |= MW_SIG_CAP_DEPTH;
			continue;
		}
		if (sc->nlq == MW_SIG_MAX_LAYERS) {
			sc->caps |= MW_SIG_CAP_LAYERS;
			return;
		}
		at = sc->lbuf.len;
		if (mw_buf_append(&sc->lbuf, l->data, l->len)) {
			sc->caps |= MW_SIG_CAP_DECODED;
			return;
		}
		q = &sc->lq[sc->nlq++];
		q->off = at;
		q->len = l->len;
		q->level = level;
		q->root_off = sc->layer ? sc->layer->root_off : l->raw_off;
		k = 0;
		q->chain[0] = '\0';
		if (sc->layer)
			k = (size_t)snprintf(q->chain, sizeof(q->chain), "%s", sc->layer->chain);
		for (d = 0; d < l->depth && k < sizeof(q->chain); d++)
			k += (size_t)snprintf(q->chain + k, sizeof(q->chain) - k, "%s%s",
					      k ? " > " : "",
					      mw_php_fn_name((enum mw_php_fn)l->chain[d]));
	}
}

/* Match one buffer (the file, or a decoded layer of it) against every rule
 * not yet reported for the file. */
static enum mw_err match_buffer(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
				const char *buf, size_t len, int in_php,
				mw_sig_hit_fn hit, mw_sig_fault_fn fault, void *ud,
				double *worst, const struct mw_sig_rule **worst_rule,
				int timed, int *stop)
{
	double t0, dt;
	enum mw_err e;
	size_t i;

	sc->vbuf[0] = buf;
	sc->vlen[0] = len;
	sc->have_norm = 0;
	use_view(sc, MW_SIG_VIEW_RAW);
	e = prefilter(db, sc, buf, len);
	if (e)
		return e;
	if (wants_view(db, sc, buf, len, in_php)) {
		size_t used = 0, budget = sc->decoded < MW_SIG_DECODE_BUDGET ?
			      MW_SIG_DECODE_BUDGET - sc->decoded : 0;

		if ((e = view_state(db, sc)) != MW_OK)
			return e;
		if (mw_php_normalise(sc->norm, buf, len, in_php, budget, &used) == MW_OK) {
			sc->decoded += used;
			sc->caps |= mw_php_norm_caps(sc->norm);
			sc->vbuf[1] = mw_php_norm_text(sc->norm, &sc->vlen[1]);
			use_view(sc, MW_SIG_VIEW_NORM);
			e = prefilter(db, sc, sc->vbuf[1], sc->vlen[1]);
			if (e)
				return e;
			sc->have_norm = 1;
		}
	}
	for (i = 0; i < db->nrules && !*stop; i++) {
		const struct rule_rt *rt = &db->rules[i];
		int open;

		if (sc->hit_rule[i] || (!rt->any_raw && !sc->have_norm))
			continue;
		/* the literal gate first: timing every rule costs more than
		 * most rules take; it opens on either view */
		use_view(sc, MW_SIG_VIEW_RAW);
		open = any_fired(db, sc, rt->first_ref, rt->nlits);
		if (!open && sc->have_norm) {
			use_view(sc, MW_SIG_VIEW_NORM);
			open = any_fired(db, sc, rt->first_ref, rt->nlits);
		}
		if (!open)
			continue;
		t0 = timed ? now_ms() : 0;
		*stop = confirm_rule(db, sc, rt, hit, fault, ud);
		if (timed) {
			dt = now_ms() - t0;
			if (dt > *worst || !*worst_rule) {
				*worst = dt;
				*worst_rule = rt->r;
			}
		}
	}
	if (sc->have_norm)
		queue_layers(sc);
	return MW_OK;
}

/* Decoded code starts in PHP unless it starts with a tag or HTML. */
static int layer_in_php(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return !(i < n && p[i] == '<');
}

enum mw_err mw_sig_match(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			 const char *buf, size_t len, mw_sig_hit_fn hit,
			 mw_sig_fault_fn fault, void *ud, double *slowest_ms,
			 const struct mw_sig_rule **slowest_rule)
{
	double worst = 0, start = now_ms();
	const struct mw_sig_rule *worst_rule = NULL;
	enum mw_err e;
	size_t q;
	int stop = 0;

	if (!buf)
		buf = "";
	sc->caps = 0;
	sc->decoded = 0;
	sc->nlq = 0;
	sc->layer = NULL;
	sc->root = buf;
	sc->root_len = len;
	mw_buf_reset(&sc->lbuf);
	memset(sc->hit_rule, 0, db->nrules);
	e = match_buffer(db, sc, buf, len, 0, hit, fault, ud, &worst, &worst_rule,
			 slowest_ms != NULL, &stop);
	for (q = 0; !e && !stop && q < sc->nlq; q++) {
		const char *lb;

		if (now_ms() - start > MW_SIG_DECODE_MS) {
			sc->caps |= MW_SIG_CAP_TIME;
			break;
		}
		sc->layer = &sc->lq[q];
		lb = sc->lbuf.data + sc->lq[q].off;
		e = match_buffer(db, sc, lb, sc->lq[q].len, layer_in_php(lb, sc->lq[q].len),
				 hit, fault, ud, &worst, &worst_rule, slowest_ms != NULL,
				 &stop);
	}
	sc->layer = NULL;
	/* a big file's arenas are not kept for the rest of the run: the
	 * scan's RSS budget is 64 MiB for all threads */
	if (sc->norm)
		mw_php_norm_trim(sc->norm, (size_t)1 << 20);
	if (sc->lbuf.alloc > ((size_t)1 << 20)) {
		mw_buf_free(&sc->lbuf);
		mw_buf_init(&sc->lbuf, MW_SIG_DECODE_BUDGET);
	}
	if (slowest_ms)
		*slowest_ms = worst;
	if (slowest_rule)
		*slowest_rule = worst_rule;
	return e;
}

unsigned mw_sig_scratch_caps(const struct mw_sig_scratch *sc)
{
	return sc->caps;
}

const char *mw_sig_caps_text(unsigned caps, char *buf, size_t n)
{
	static const struct { unsigned bit; const char *what; } t[] = {
		{ MW_SIG_CAP_TOKENS, "token cap" },
		{ MW_SIG_CAP_VALUES, "literal arena cap" },
		{ MW_SIG_CAP_DEPTH, "decode depth cap" },
		{ MW_SIG_CAP_DECODED, "decoded bytes cap" },
		{ MW_SIG_CAP_RATIO, "inflate ratio cap" },
		{ MW_SIG_CAP_OUTPUT, "view size cap" },
		{ MW_SIG_CAP_LAYERS, "layer count cap" },
		{ MW_SIG_CAP_TIME, "decode time budget" },
		{ MW_SIG_CAP_FLOW, "data-flow analysis bound" },
	};
	size_t i, k = 0;

	if (n)
		buf[0] = '\0';
	for (i = 0; i < sizeof(t) / sizeof(t[0]) && n; i++)
		if ((caps & t[i].bit) && k < n)
			k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? ", " : "", t[i].what);
	return buf;
}
