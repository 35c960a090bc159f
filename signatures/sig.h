/*
 * The signature engine: rule files (signatures/README.md) are parsed into a
 * rule set, linted, and compiled once into one matcher; matching a buffer is
 * one function call with a callback per rule that matched (YARA's habit).
 *
 * Prefilter: every rule literal and every literal gate of a pattern
 * (mw_sig_factors: strings one of which every match contains) go into one
 * Vectorscan literal database -- built with VECTORSCAN=0, memmem over a
 * lower-cased copy. A rule is confirmed only when one of its literals
 * occurs; a pattern with a gate set none of whose strings occurs is false
 * without PCRE2; the others are confirmed with PCRE2 (JIT) under match,
 * depth and heap limits, a pattern whose matches start with a gate string
 * only where one starts.
 */
#ifndef MW_SIG_H
#define MW_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/severity.h"
#include "core/strlist.h"
#include "reports/report.h"

/* Limits of the rule language and engine (one place, YARA's habit). */
#define MW_SIG_MAX_RULE_FILE	(4u << 20)	/* bytes per .rules file */
#define MW_SIG_MAX_RULES	4096		/* rules per set */
#define MW_SIG_MAX_PATTERNS	64		/* patterns per rule (bit mask) */
#define MW_SIG_MAX_LITERALS	32		/* literals per rule */
#define MW_SIG_MAX_SAMPLES	64		/* positive/negative per rule */
#define MW_SIG_MAX_COND_NODES	256		/* condition expression size */
#define MW_SIG_MAX_COND_DEPTH	32		/* nesting of parentheses/not */
#define MW_SIG_MIN_LITERAL	4		/* bytes */
#define MW_SIG_MIN_FACTOR	3		/* bytes, a pattern's gate */
#define MW_SIG_MAX_FACTORS	32		/* strings in one gate set */
#define MW_SIG_MAX_GATES	3		/* gate sets per pattern */
#define MW_SIG_MAX_REACH	1024		/* bytes, an anchor set's window */
#define MW_SIG_MAX_VALUE	4096		/* bytes of one key's value */
#define MW_SIG_MAX_ERRORS	200		/* parse/lint messages kept */
/* PCRE2 bounds per match: calibrated so that the classic catastrophic
 * patterns stop within a few ms on a 64 KiB line (tests/unit/test_sig.c). */
#define MW_SIG_MATCH_LIMIT	1000000u
#define MW_SIG_DEPTH_LIMIT	10000u
#define MW_SIG_HEAP_LIMIT_KIB	65536u
#define MW_SIG_SLOW_MS		100		/* slower than this = finding */
/* Decode-and-rescan, per file (README.md, "Decoded layers"). */
#define MW_SIG_DECODE_BUDGET	(16u << 20)	/* bytes decoders may produce */
#define MW_SIG_DECODE_MS	1000		/* then the layers left are skipped */
#define MW_SIG_MAX_LAYERS	64		/* decoded layers scanned */
/* A view for any sign but packing (eval(gz..., eval(base64...): files up
 * to this size. Real webshells and mailers are smaller (95 % under 167 KB
 * in the corpus); the big clean files with such signs are libraries,
 * grammars and editor modes (on the bench tree the view went from 7.6 %
 * to 2.3 % of the PHP bytes). */
#define MW_SIG_VIEW_PLAIN_MAX	(256u << 10)
#define MW_SIG_VIEW_DYNCALL_MAX	(8u << 10)	/* "($_post" alone: small files */
#define MW_SIG_VIEW_SMALL_MAX	(32u << 10)	/* callback callers, ${' */
/* PHP this small with request input or a call through an expression
 * ("$f(", "'x'(", ")(") gets a view: one-line shells hide every name
 * (built from fragments, XOR, string indexing); 0.5 MB of the 124 MB of
 * clean PHP in the corpus. */
#define MW_SIG_VIEW_TINY_MAX	(2u << 10)
/* request input next to a file-system sink (engine_view.c view_fs_sinks):
 * the corpus's shells that need it are all under 32 KiB; above 64 KiB
 * they were two thirds of the PHP-heavy bench tree's views */
#define MW_SIG_VIEW_FS_MAX	(64u << 10)
/* A run of this many base64 bytes in PHP: a packed payload, whatever
 * names its decoder (1 clean file of 17,191 has one). */
#define MW_SIG_VIEW_BLOB_RUN	256u

#define MW_SIG_MAX_LAYER_LEVEL	32		/* layers inside layers (each up
						 * to MW_PHP_MAX_DEPTH decoders) */

/* Caps hit while matching one file (mw_sig_scratch_caps); the first seven
 * are php_norm.h's MW_PHP_CAP_* bits. */
#define MW_SIG_CAP_TOKENS	0x01u
#define MW_SIG_CAP_VALUES	0x02u
#define MW_SIG_CAP_DEPTH	0x04u
#define MW_SIG_CAP_DECODED	0x08u
#define MW_SIG_CAP_RATIO	0x10u
#define MW_SIG_CAP_OUTPUT	0x20u
#define MW_SIG_CAP_LAYERS	0x40u
#define MW_SIG_CAP_TIME		0x80u
#define MW_SIG_CAP_FLOW		0x100u	/* MW_PHP_CAP_FLOW */

/* Pattern flags (from /REGEX/flags). */
#define MW_SIG_F_CASELESS	0x1u
#define MW_SIG_F_DOTALL		0x2u
#define MW_SIG_F_MULTILINE	0x4u
#define MW_SIG_F_EXTENDED	0x8u

/* Which text a pattern is matched against (signatures/README.md). */
#define MW_SIG_VIEW_RAW		0	/* the file's bytes (default) */
#define MW_SIG_VIEW_NORM	1	/* the normalised view of its PHP */

struct mw_sig_pattern {
	char *name;
	char *regex;
	unsigned flags;
	int view;		/* MW_SIG_VIEW_* */
	unsigned line;
};

enum mw_cond_op { MW_COND_VAR, MW_COND_NOT, MW_COND_AND, MW_COND_OR, MW_COND_NOF };

/* Condition as a tree in a flat array; children come before parents. */
struct mw_cond_node {
	enum mw_cond_op op;
	unsigned a, b;		/* children (NOT uses a) or VAR index */
	unsigned n;		/* NOF: how many must hold */
	uint64_t set;		/* NOF: pattern indexes */
};

struct mw_sig_rule {
	char *id, *family, *description, *remediation, *condition;
	enum mw_severity severity;
	int has_severity;
	enum mw_cause cause;	/* cause: key; when absent, lint sets the family's */
	struct mw_strlist literals, positives, negatives;
	struct mw_sig_pattern *patterns;
	unsigned npatterns;
	struct mw_cond_node *cond;	/* NULL until compiled by lint */
	unsigned ncond, cond_root;
	uint64_t positive_mask;	/* patterns that occur outside any "not" */
	char *file;		/* rule file name as given */
	unsigned line;		/* line of "rule ID" */
	int broken;		/* syntax error inside the stanza */
};

/* A parse or lint problem: shown as "file: line N: text". */
struct mw_sig_db;
struct mw_sig_scratch;

struct mw_sig_msg {
	char *file;
	unsigned long line;
	char *text;
};

struct mw_sig_set {
	struct mw_sig_rule *rules;
	size_t nrules, alloc;
	struct mw_sig_msg *errors;	/* at most MW_SIG_MAX_ERRORS kept */
	size_t nerrors, errors_alloc, errors_dropped;
	unsigned char version[32];	/* sha256 over the files read */
	int have_version;
};

void mw_sig_set_init(struct mw_sig_set *s);
void mw_sig_set_free(struct mw_sig_set *s);
/* Record a problem in s->errors (printf-style text). */
void mw_sig_set_error(struct mw_sig_set *s, const char *file,
		      unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Literal gates of a pattern: each set holds lower-cased strings of at least
 * MW_SIG_MIN_FACTOR bytes such that every match of the regex contains one of
 * them (compared ASCII case-insensitively); every set holds at once. When
 * anchored is set, every match moreover has a string of sets[0] starting at
 * most reach bytes after the match's own start (reach 0: every match starts
 * with one; reach <= MW_SIG_MAX_REACH). The engine skips PCRE2 for a pattern
 * with a set none of whose strings occurs, and searches an anchored pattern
 * only in the windows of reach bytes before where a sets[0] string starts:
 * so the analysis must never claim too much. Syntax it does not model gives
 * no set.
 */
struct mw_sig_gate {
	struct mw_strlist sets[MW_SIG_MAX_GATES];
	unsigned nsets;
	int anchored;
	unsigned reach;
};

/* Fill g (need not be initialised; free with mw_sig_gate_clear) for regex
 * with MW_SIG_F_* flags; returns g->nsets. */
unsigned mw_sig_factors(const char *regex, unsigned flags, struct mw_sig_gate *g);
void mw_sig_gate_clear(struct mw_sig_gate *g);

/* PCRE2 compile options for MW_SIG_F_* flags (engine internal). */
uint32_t mw_sig_pcre2_options(unsigned flags);

/*
 * Load dir, lint it and compile the valid rules (cache_dir as for
 * mw_sig_compile): the one call the commands use. Problems of single rules stay in set->errors (the caller reports
 * them); returns an error with a message in err only when no matcher could
 * be built (unreadable dir, no valid rule).
 */
enum mw_err mw_sig_open(const char *dir, const char *cache_dir,
			struct mw_sig_set *set, struct mw_sig_db **db,
			struct mw_strlist *notes, char *err, size_t errlen);

/*
 * Parse one rule file's text (need not be NUL-terminated) into s. Syntax
 * errors are appended to s->errors; the run goes
 * on with the next stanza. Returns MW_ERR_NOMEM only; a syntax error is not
 * a failure of the call (check s->errors).
 */
enum mw_err mw_sig_parse(struct mw_sig_set *s, const char *name,
			 const char *text, size_t len);

/*
 * Read every *.rules file in dir (sorted by name, no symlinks, capped at
 * MW_SIG_MAX_RULE_FILE) into s and record the set's version (sha256 of the
 * names and contents). MW_ERR_IO when dir cannot be read or holds no rule
 * file (errno kept); errors of single files go to s->errors.
 */
enum mw_err mw_sig_load_dir(struct mw_sig_set *s, const char *dir);

/*
 * Lint every rule: required keys present (id, family, severity,
 * description, literal, pattern, positive, negative), id and family syntax,
 * the cause (the family's when the rule gives none),
 * literal length, unique ids, patterns compile with PCRE2, condition parses
 * and names only declared patterns. Compiles each valid rule's condition.
 * Messages go to s->errors; rules with a problem are marked broken.
 * Returns the number of broken rules.
 */
size_t mw_sig_lint(struct mw_sig_set *s);

/*
 * A rule's `cause:` (webshell, web-mailer or web-malware: mw_cause_name())
 * for the n bytes at name; MW_CAUSE_NONE when it is none of these three.
 * mw_sig_family_cause: the cause of a rule without the key, its family's:
 * webshell/ a webshell, mailer/ a web mailer, any other web malware.
 */
enum mw_cause mw_sig_cause_parse(const char *name, size_t n);
enum mw_cause mw_sig_family_cause(const char *family);

/*
 * Parse a condition over the rule's pattern names into rule->cond.
 * On error writes a message to err and returns MW_ERR_PARSE.
 */
enum mw_err mw_cond_compile(struct mw_sig_rule *rule, const char *text,
			    char *err, size_t errlen);

/* Three-valued evaluation: 0 false, 1 true, 2 unknown (pattern i is true
 * when bit i of yes is set, unknown when set in maybe, false otherwise). */
int mw_cond_eval(const struct mw_sig_rule *rule, uint64_t yes, uint64_t maybe);

/* ---- compiled matcher ---- */

/* One rule match on a buffer. offset/line point at the first match of the
 * first pattern (declaration order) that holds outside any "not" -- in the
 * file's bytes also for a norm pattern (the view maps back), and at the
 * outermost literal for a match inside a decoded layer. */
struct mw_sig_hit {
	const struct mw_sig_rule *rule;
	size_t offset;
	unsigned long line;
	int view;		/* MW_SIG_VIEW_* of that pattern */
	const char *layer;	/* "base64_decode > gzinflate" for a match in a
				 * decoded layer, else NULL; valid until the
				 * next mw_sig_match() with the scratch */
};

/* A PCRE2 limit hit or engine failure while confirming rule on a buffer. */
struct mw_sig_fault {
	const struct mw_sig_rule *rule;
	const char *pattern;
	enum mw_err code;	/* MW_ERR_LIMIT, MW_ERR_INTERNAL */
	const char *what;	/* "match limit", "depth limit", ... */
};

/* Callbacks return 0 to go on, non-zero to stop matching this buffer. */
typedef int (*mw_sig_hit_fn)(void *ud, const struct mw_sig_hit *hit);
typedef void (*mw_sig_fault_fn)(void *ud, const struct mw_sig_fault *f);

/*
 * Compile the non-broken rules of s into a matcher. s must outlive the db
 * (rules are referenced, not copied). cache_dir (may be NULL) keeps
 * compiled Vectorscan databases between runs. notes (may be NULL) receives
 * remarks on the rule set (none at present). Returns MW_ERR_PARSE with a
 * message in err when nothing can be compiled.
 */
enum mw_err mw_sig_compile(const struct mw_sig_set *s, struct mw_sig_db **out,
			   const char *cache_dir, struct mw_strlist *notes,
			   char *err, size_t errlen);
void mw_sig_db_free(struct mw_sig_db *db);
size_t mw_sig_db_nrules(const struct mw_sig_db *db);
/* "vectorscan" or "memmem" */
const char *mw_sig_db_prefilter(const struct mw_sig_db *db);

/* Per-thread state (Vectorscan scratch, PCRE2 match data, JIT stack). */
enum mw_err mw_sig_scratch_new(const struct mw_sig_db *db,
			       struct mw_sig_scratch **out);
void mw_sig_scratch_free(struct mw_sig_scratch *sc);

/*
 * Match buf[0..len) against every rule: hit() once per matching rule (in
 * rule order; a rule found in the file is not reported again from a
 * decoded layer), fault() once per rule whose confirmation hit a limit.
 * A PHP file with a trigger string (engine.c) is also normalised for the
 * norm patterns, and the literals it decodes that look like code are
 * matched again, with every rule, up to MW_SIG_MAX_LAYER_LEVEL layers deep,
 * within MW_SIG_DECODE_BUDGET bytes and MW_SIG_DECODE_MS.
 * Returns MW_OK, or an error when the prefilter itself failed.
 * If slowest_ms is given it receives the slowest rule's confirm time and
 * *slowest_rule that rule (NULL when no rule was confirmed).
 */
enum mw_err mw_sig_match(const struct mw_sig_db *db, struct mw_sig_scratch *sc,
			 const char *buf, size_t len, mw_sig_hit_fn hit,
			 mw_sig_fault_fn fault, void *ud, double *slowest_ms,
			 const struct mw_sig_rule **slowest_rule);

/* Caps hit by the last mw_sig_match() with sc: MW_SIG_CAP_* bits; a file
 * with caps was not fully seen through and the caller says so. */
unsigned mw_sig_scratch_caps(const struct mw_sig_scratch *sc);
/* "decode depth cap, inflate ratio cap" for caps, into buf. */
const char *mw_sig_caps_text(unsigned caps, char *buf, size_t n);

/*
 * Where to find the rule files: config signatures_dir, else opt (the
 * --signatures value), else MW_DATADIR "/signatures" if it exists, else
 * "signatures/" next to the running binary. Writes into dst; returns -1
 * when none exists.
 */
int mw_sig_default_dir(const char *cfg_dir, const char *opt, char *dst,
		       size_t dstlen);

/* Default remediation text for a family. */
const char *mw_sig_default_remediation(const char *family);

#endif
