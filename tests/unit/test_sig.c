/* Signature engine: rule parser errors, lint, conditions, matcher, limits. */
#include "tests/unit/testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <strings.h>
#include <time.h>

#include "core/sha256.h"
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/buf.h"
#include "core/safefile.h"
#include "signatures/php_norm.h"
#include "signatures/sig.h"

static int has_error(const struct mw_sig_set *s, unsigned long line,
		     const char *needle)
{
	size_t i;

	for (i = 0; i < s->nerrors; i++)
		if ((line == 0 || s->errors[i].line == line) &&
		    strstr(s->errors[i].text, needle))
			return 1;
	return 0;
}

static void parse_text(struct mw_sig_set *s, const char *text)
{
	mw_sig_set_init(s);
	assert_int_equal(mw_sig_parse(s, "t.rules", text, strlen(text)), MW_OK);
}

static const char good_rule[] =
	"# comment\n"
	"rule mailer.loop\n"
	"  family:      mailer/mass-form\n"
	"  severity:    high   # comment after value\n"
	"  description: recipients looped into mail()\n"
	"  literal:     mail(\n"
	"  pattern:     send  /\\bmail\\s*\\(\\s*\\$/i   # NAME /RE/flags\n"
	"  pattern:     input /\\$_(?:POST|REQUEST)\\s*\\[/\n"
	"  pattern:     split /explode\\s*\\(\\s*[\"']\\\\n[\"']/\n"
	"  pattern:     lib   /class\\s+PHPMailer\\b/\n"
	"  condition:   send and input and split and not lib\n"
	"  positive:    mailer/a.php\n"
	"  negative:    b.php\n"
	"end\n";

static void test_parse_good(void **state)
{
	struct mw_sig_set s;
	const struct mw_sig_rule *r;

	(void)state;
	parse_text(&s, good_rule);
	assert_int_equal(s.nerrors, 0);
	assert_int_equal(mw_sig_lint(&s), 0);
	assert_int_equal(s.nrules, 1);
	r = &s.rules[0];
	assert_string_equal(r->id, "mailer.loop");
	assert_int_equal(r->severity, MW_SEV_HIGH);
	assert_string_equal(r->literals.v[0], "mail(");
	assert_int_equal(r->npatterns, 4);
	assert_string_equal(r->patterns[0].regex, "\\bmail\\s*\\(\\s*\\$");
	assert_int_equal(r->patterns[0].flags, MW_SIG_F_CASELESS);
	assert_string_equal(r->patterns[2].regex, "explode\\s*\\(\\s*[\"']\\\\n[\"']");
	/* "lib" only occurs under "not": not a positive pattern */
	assert_int_equal(r->positive_mask, 0x7);
	mw_sig_set_free(&s);
}

static void test_parse_errors(void **state)
{
	struct mw_sig_set s;

	(void)state;
	parse_text(&s,
		   "rule a.b\n"			/* 1 */
		   "  family mailer/x\n"		/* 2 no colon */
		   "  colour: red\n"		/* 3 unknown key */
		   "  pattern: p /abc\n"		/* 4 unterminated */
		   "  pattern: Bad /x/\n"		/* 5 bad name */
		   "  pattern: q /x/z\n"		/* 6 bad flag */
		   "  literal: \\xZZ\n"		/* 7 bad escape */
		   "  severity: high\n"		/* 8 */
		   "  severity: low\n"		/* 9 twice */
		   "end\n"			/* 10 */
		   "end\n"			/* 11 end without rule */
		   "junk\n"			/* 12 outside */
		   "rule c.d\n"			/* 13 */
		   "rule e.f\n"			/* 14 missing end before */
		   "  pattern: r /[/]x/ trailing\n"	/* 15 text after */
		   );
	assert_true(has_error(&s, 2, "expected 'key: value'"));
	assert_true(has_error(&s, 3, "unknown key 'colour'"));
	assert_true(has_error(&s, 4, "unterminated"));
	assert_true(has_error(&s, 5, "expected NAME"));
	assert_true(has_error(&s, 6, "unknown flag 'z'"));
	assert_true(has_error(&s, 7, "bad \\x escape"));
	assert_true(has_error(&s, 9, "severity given twice"));
	assert_true(has_error(&s, 11, "'end' without 'rule'"));
	assert_true(has_error(&s, 12, "outside a rule"));
	assert_true(has_error(&s, 14, "missing 'end' before next rule"));
	assert_true(has_error(&s, 15, "unexpected text after"));
	assert_true(has_error(&s, 14, "rule e.f: missing 'end'"));
	assert_string_equal(s.errors[0].file, "t.rules");
	assert_int_equal(s.nrules, 3);
	assert_true(s.rules[0].broken);
	mw_sig_set_free(&s);
}

/* cause: given (one of the three web causes), else the family's; an
 * unknown name, a cause of another check or a second cause is an error. */
static void test_parse_cause(void **state)
{
	struct mw_sig_set s;
	static const char *const rest =
		"  severity: low\n  description: d\n  literal: abcd\n"
		"  pattern: p /abcd/\n  positive: a\n  negative: b\nend\n";
	char text[2048];

	(void)state;
	snprintf(text, sizeof(text),
		 "rule mailer.a\n  family: mailer/x\n%s"			/* 1 */
		 "rule webshell.b\n  family: webshell/x\n%s"		/* 9 */
		 "rule dropper.c\n  family: dropper/x\n%s"			/* 17 */
		 "rule mailer.shell-d\n  family: mailer/x\n  cause: webshell\n%s"	/* 25 */
		 "rule obfuscation.e\n  family: obfuscation/x\n"		/* 34 */
		 "  cause: web-mailer # a comment\n%s",
		 rest, rest, rest, rest, rest);
	parse_text(&s, text);
	assert_int_equal(s.nerrors, 0);
	assert_int_equal(mw_sig_lint(&s), 0);
	assert_int_equal(s.nrules, 5);
	assert_int_equal(s.rules[0].cause, MW_CAUSE_WEB_MAILER);
	assert_int_equal(s.rules[1].cause, MW_CAUSE_WEBSHELL);
	assert_int_equal(s.rules[2].cause, MW_CAUSE_WEB_MALWARE);
	assert_int_equal(s.rules[3].cause, MW_CAUSE_WEBSHELL);
	assert_int_equal(s.rules[4].cause, MW_CAUSE_WEB_MAILER);
	mw_sig_set_free(&s);

	parse_text(&s, "rule mailer.a\n  family: mailer/x\n  cause: spam\nend\n"
		   "rule mailer.b\n  family: mailer/x\n  cause: forwarder\nend\n"
		   "rule mailer.c\n  family: mailer/x\n  cause: webshell\n"
		   "  cause: web-mailer\nend\n");
	assert_true(has_error(&s, 3, "cause: 'spam' is not webshell, web-mailer or web-malware"));
	assert_true(has_error(&s, 7, "cause: 'forwarder' is not"));
	assert_true(has_error(&s, 12, "cause given twice"));
	assert_true(s.rules[0].broken && s.rules[1].broken && s.rules[2].broken);
	mw_sig_set_free(&s);
}

static void test_lint_required(void **state)
{
	struct mw_sig_set s;

	(void)state;
	parse_text(&s,
		   "rule mailer.empty\n"
		   "end\n"
		   "rule mailer.weak\n"
		   "  family: spam/x\n"
		   "  severity: low\n"
		   "  description: d\n"
		   "  literal: foreach\n"
		   "  literal: ab\n"
		   "  pattern: p /(/\n"
		   "  condition: p or zz\n"
		   "  positive: /abs.php\n"
		   "  negative: ../up.php\n"
		   "end\n"
		   "rule mailer.empty\n"
		   "  family: mailer/x\n  severity: low\n  description: d\n"
		   "  literal: abcd\n  pattern: p /abcd/\n  positive: a\n  negative: b\n"
		   "end\n");
	assert_int_equal(mw_sig_lint(&s), 3);
	assert_true(has_error(&s, 1, "missing family"));
	assert_true(has_error(&s, 1, "missing severity"));
	assert_true(has_error(&s, 1, "missing description"));
	assert_true(has_error(&s, 1, "missing literal"));
	assert_true(has_error(&s, 1, "missing pattern"));
	assert_true(has_error(&s, 1, "missing positive"));
	assert_true(has_error(&s, 1, "missing negative"));
	assert_true(has_error(&s, 3, "family 'spam/x'"));
	assert_true(has_error(&s, 3, "bare PHP keyword"));
	assert_true(has_error(&s, 3, "shorter than 4"));
	assert_true(has_error(&s, 9, "pattern p: missing closing parenthesis"));
	assert_true(has_error(&s, 3, "relative path"));
	assert_true(has_error(&s, 14, "duplicate id"));
	mw_sig_set_free(&s);
}

static struct mw_sig_rule *cond_rule(const char *names)
{
	static struct mw_sig_rule r;
	static struct mw_sig_pattern pats[8];
	static char nbuf[8][8];
	unsigned i;

	memset(&r, 0, sizeof(r));
	r.patterns = pats;
	for (i = 0; names[i]; i++) {
		nbuf[i][0] = names[i];
		nbuf[i][1] = '\0';
		pats[i].name = nbuf[i];
	}
	r.npatterns = i;
	return &r;
}

#define BIT(c) ((uint64_t)1 << ((c) - 'a'))

static void test_conditions(void **state)
{
	struct mw_sig_rule *r = cond_rule("abcd");
	char err[256];

	(void)state;
	assert_int_equal(mw_cond_compile(r, "a and (b or c) and not d", err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cond_eval(r, BIT('a') | BIT('c'), 0), 1);
	assert_int_equal(mw_cond_eval(r, BIT('a') | BIT('c') | BIT('d'), 0), 0);
	assert_int_equal(mw_cond_eval(r, BIT('a'), 0), 0);
	/* unknown b: undecided; unknown d under not: undecided */
	assert_int_equal(mw_cond_eval(r, BIT('a'), BIT('b')), 2);
	assert_int_equal(mw_cond_eval(r, BIT('a') | BIT('b'), BIT('d')), 2);
	assert_int_equal(r->positive_mask, BIT('a') | BIT('b') | BIT('c'));
	free(r->cond);
	r->cond = NULL;

	assert_int_equal(mw_cond_compile(r, "2 of (a, b, c)", err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cond_eval(r, BIT('a'), 0), 0);
	assert_int_equal(mw_cond_eval(r, BIT('a') | BIT('c'), 0), 1);
	assert_int_equal(mw_cond_eval(r, BIT('a'), BIT('b')), 2);
	free(r->cond);
	r->cond = NULL;

	assert_int_equal(mw_cond_compile(r, "all", err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cond_eval(r, BIT('a') | BIT('b') | BIT('c'), 0), 0);
	assert_int_equal(mw_cond_eval(r, BIT('a') | BIT('b') | BIT('c') | BIT('d'), 0), 1);
	free(r->cond);
	r->cond = NULL;
	assert_int_equal(mw_cond_compile(r, NULL, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cond_eval(r, BIT('a'), 0), 0);
	free(r->cond);
	r->cond = NULL;
	assert_int_equal(mw_cond_compile(r, "any", err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cond_eval(r, BIT('d'), 0), 1);
	assert_int_equal(mw_cond_eval(r, 0, 0), 0);
	free(r->cond);
	r->cond = NULL;
	assert_int_equal(mw_cond_compile(r, "all of (a,b) or not any of (c, d)",
					 err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cond_eval(r, 0, 0), 1);
	assert_int_equal(mw_cond_eval(r, BIT('c'), 0), 0);
	assert_int_equal(mw_cond_eval(r, BIT('a') | BIT('b') | BIT('c'), 0), 1);
	free(r->cond);
	r->cond = NULL;

	assert_int_equal(mw_cond_compile(r, "a and", err, sizeof(err)), MW_ERR_PARSE);
	assert_non_null(strstr(err, "unexpected end"));
	assert_int_equal(mw_cond_compile(r, "a b", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_cond_compile(r, "4 of (a, b, c)", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_cond_compile(r, "0 of (a)", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_cond_compile(r, "1 of (a, a)", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_cond_compile(r, "(a or b", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_cond_compile(r, "e", err, sizeof(err)), MW_ERR_PARSE);
	assert_non_null(strstr(err, "unknown pattern name"));
	assert_int_equal(mw_cond_compile(r, "a & b", err, sizeof(err)), MW_ERR_PARSE);
	assert_int_equal(mw_cond_compile(r,
		"((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))",
		err, sizeof(err)), MW_ERR_PARSE);
	assert_non_null(strstr(err, "nested too deeply"));
	assert_null(r->cond);
}

struct hits {
	char ids[8][64];
	unsigned long lines[8];
	size_t offs[8];
	int n, faults;
	char fault_what[64];
};

static int on_hit(void *ud, const struct mw_sig_hit *h)
{
	struct hits *hs = ud;

	if (hs->n < 8) {
		snprintf(hs->ids[hs->n], sizeof(hs->ids[0]), "%s", h->rule->id);
		hs->lines[hs->n] = h->line;
		hs->offs[hs->n] = h->offset;
		hs->n++;
	}
	return 0;
}

static void on_fault(void *ud, const struct mw_sig_fault *f)
{
	struct hits *hs = ud;

	hs->faults++;
	snprintf(hs->fault_what, sizeof(hs->fault_what), "%s", f->what);
}

static struct mw_sig_db *compile_text(struct mw_sig_set *s, const char *text)
{
	struct mw_sig_db *db = NULL;
	char err[256];

	parse_text(s, text);
	assert_int_equal(mw_sig_lint(s), 0);
	assert_int_equal(mw_sig_compile(s, &db, NULL, NULL, err, sizeof(err)), MW_OK);
	return db;
}

static void match(struct mw_sig_db *db, const char *buf, size_t len, struct hits *h)
{
	struct mw_sig_scratch *sc;

	memset(h, 0, sizeof(*h));
	assert_int_equal(mw_sig_scratch_new(db, &sc), MW_OK);
	assert_int_equal(mw_sig_match(db, sc, buf, len, on_hit, on_fault, h, NULL, NULL),
			 MW_OK);
	mw_sig_scratch_free(sc);
}

static void test_match_combination(void **state)
{
	struct mw_sig_set s;
	struct mw_sig_db *db;
	struct hits h;
	const char mailer[] =
		"<form><textarea name=emails></textarea></form>\n"
		"<?php\n"
		"$l = explode(\"\\n\", $_POST['emails']);\n"
		"foreach ($l as $to) { MAIL($to, $_POST['s'], $_POST['b']); }\n";
	const char legit[] =
		"<?php class PHPMailer {}\n"
		"$l = explode(\"\\n\", $_POST['emails']);\n"
		"mail($to, 'x', 'y');\n";
	const char partial[] = "<?php mail($to, $_POST['s'], 'b');\n";

	(void)state;
	db = compile_text(&s, good_rule);
	match(db, mailer, sizeof(mailer) - 1, &h);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.ids[0], "mailer.loop");
	/* first pattern of the condition that matched: "send", line 4 */
	assert_int_equal(h.lines[0], 4);
	assert_memory_equal(mailer + h.offs[0], "MAIL(", 5);
	match(db, legit, sizeof(legit) - 1, &h);
	assert_int_equal(h.n, 0);
	match(db, partial, sizeof(partial) - 1, &h);
	assert_int_equal(h.n, 0);
	/* NUL bytes and binary around the code do not hide it */
	{
		char bin[4096];

		memset(bin, 0, sizeof(bin));
		memcpy(bin + 1000, mailer, sizeof(mailer) - 1);
		match(db, bin, sizeof(bin), &h);
		assert_int_equal(h.n, 1);
	}
	mw_sig_db_free(db);
	mw_sig_set_free(&s);
}

static void test_match_literal_gate(void **state)
{
	struct mw_sig_set s;
	struct mw_sig_db *db;
	struct hits h;

	(void)state;
	/* The pattern matches but the literal is absent: no match (the
	 * literal is a promise that every match contains it). */
	db = compile_text(&s,
		"rule backdoor.gate\n family: backdoor/x\n severity: low\n"
		" description: d\n literal: assert(\n pattern: p /\\bsystem\\s*\\(/\n"
		" positive: a\n negative: b\nend\n");
	match(db, "system(1)", 9, &h);
	assert_int_equal(h.n, 0);
	match(db, "ASSERT( system(1)", 17, &h);
	assert_int_equal(h.n, 1);
	mw_sig_db_free(db);
	mw_sig_set_free(&s);
}

/*
 * Vectorscan 5.4.9 misses, at some buffer alignments, literals of a small
 * database that end in the last bytes of the buffer (engine.c, HS_TAIL).
 * A literal at the very end (and 1..40 bytes before it), at every
 * alignment, in files short and long, must still make its rule match.
 */
static void test_match_buffer_tail(void **state)
{
	/* small databases where Vectorscan alone missed such literals */
	static const struct { const char *rule, *plant; } t[] = {
		{ " literal: addaddress\n literal: mailsent\n pattern: p /addaddress/i\n"
		  " pattern: q /mailsent/i\n condition: p or q\n", "AddAddress" },
		{ " literal: addaddress\n literal: mailsent\n pattern: p /addaddress/i\n"
		  " pattern: q /mailsent/i\n condition: p or q\n", "MAILSENT" },
		{ " literal: convert_uudecode\n literal: fputs\n"
		  " pattern: p /convert_uudecode/i\n", "convert_uudecode" },
		{ " literal: exploit\n literal: evilkit\n pattern: p /exploit/i\n", "eXploit" },
	};
	char *mem = aligned_alloc(64, 4096), text[1024];
	size_t i, len, back, off, runs = 0, n;

	(void)state;
	assert_non_null(mem);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mw_sig_set s;
		struct mw_sig_db *db;
		struct mw_sig_scratch *sc;
		struct hits h;

		n = strlen(t[i].plant);
		snprintf(text, sizeof(text), "rule webshell.tail\n family: webshell/x\n"
			 " severity: low\n description: d\n%s positive: a\n negative: b\nend\n",
			 t[i].rule);
		db = compile_text(&s, text);
		assert_int_equal(mw_sig_scratch_new(db, &sc), MW_OK);
		for (len = n; len < 1400; len += 37)
			for (back = 0; back <= 40 && back + n <= len; back += 5)
				for (off = 0; off < 64; off++) {
					char *b = mem + off;

					memset(b, 'x', len);
					memcpy(b + len - back - n, t[i].plant, n);
					memset(&h, 0, sizeof(h));
					assert_int_equal(mw_sig_match(db, sc, b, len, on_hit, on_fault,
								      &h, NULL, NULL), MW_OK);
					if (h.n != 1)
						fail_msg("%s missed: length %zu, %zu bytes after, "
							 "alignment %zu", t[i].plant, len, back, off);
					assert_int_equal(h.offs[0], len - back - n);
					runs++;
				}
		mw_sig_scratch_free(sc);
		mw_sig_db_free(db);
		mw_sig_set_free(&s);
	}
	print_message("%zu buffers, the literal found in each\n", runs);
	free(mem);
}

/*
 * Strings common in PHP ("class", "the") are not in the Vectorscan database
 * but looked for when a pattern needs them: whether one occurs (a gate) or
 * where (a window), in any case, at every offset, past MAX_OCC places.
 */
static void test_match_common_literals(void **state)
{
	struct mw_sig_set s;
	struct mw_sig_db *db;
	struct hits h;
	static char buf[32768];
	size_t k, n;

	(void)state;
	db = compile_text(&s,
		"rule webshell.evil-class\n family: webshell/x\n severity: low\n"
		" description: d\n literal: exploit\n pattern: p /\\bclass\\s+Evil\\w*\\s*\\{/i\n"
		" positive: a\n negative: b\nend\n"
		"rule webshell.evil-the\n family: webshell/x\n severity: low\n"
		" description: d\n literal: evilkit\n pattern: q /evilkit.{0,200}\\bthe\\b/is\n"
		" positive: a\n negative: b\nend\n");
	for (k = 0; k < 40; k++) {
		n = (size_t)snprintf(buf, sizeof(buf), "exploit;%*s cLaSs  Evil {", (int)k, "");
		match(db, buf, n, &h);
		assert_int_equal(h.n, 1);
		assert_memory_equal(buf + h.offs[0], "cLaSs", 5);
	}
	/* 1100 other places: beyond what is kept (MAX_OCC), so the whole file */
	for (n = 0, k = 0; k < 1100; k++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "class A%zu {}\n", k);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "exploit CLASS EvilX {");
	match(db, buf, n, &h);
	assert_int_equal(h.n, 1);
	assert_memory_equal(buf + h.offs[0], "CLASS EvilX", 11);
	match(db, "exploit klass Evil {", 20, &h);
	assert_int_equal(h.n, 0);
	match(db, "exploit Evil { clas", 19, &h);
	assert_int_equal(h.n, 0);
	/* a gate of one common string: absent, present in capitals */
	match(db, "evilkit: end of it", 18, &h);
	assert_int_equal(h.n, 0);
	match(db, "evilkit: at THE end", 19, &h);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.ids[0], "webshell.evil-the");
	mw_sig_db_free(db);
	mw_sig_set_free(&s);
}

/*
 * Vectorscan 5.4.9 drops the prefilter report of a pattern when several
 * patterns in the database share a "$var =" prefix and the match starts 64
 * or more bytes into the buffer. A rule with another confirmed pattern must
 * still be decided by PCRE2, not by the missing report.
 */
static void test_match_prefilter_miss(void **state)
{
	struct mw_sig_set s;
	struct mw_sig_db *db;
	struct hits h;
	char buf[512];
	int n;

	(void)state;
	db = compile_text(&s,
		"rule webshell.headers\n family: webshell/x\n severity: high\n"
		" description: d\n literal: getallheaders\n"
		" pattern: h /\\$\\w+\\s*=\\s*getallheaders/\n"
		" positive: a\n negative: b\nend\n"
		"rule webshell.varfunc\n family: webshell/x\n severity: high\n"
		" description: d\n literal: $_GET\n"
		" pattern: get /\\$_GET\\[/\n"
		" pattern: call /\\$\\w+\\s*=\\s*\\$_GET[\\s\\S]{0,400}?\\$\\w+\\s*\\(\\s*\\$_GET/\n"
		" condition: get and call\n"
		" positive: a\n negative: b\nend\n");
	memset(buf, 'x', 100);
	n = 100 + snprintf(buf + 100, sizeof(buf) - 100, "$f = $_GET['x'];\n$f($_GET['y']);\n");
	match(db, buf, (size_t)n, &h);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.ids[0], "webshell.varfunc");
	mw_sig_db_free(db);
	mw_sig_set_free(&s);
}

/* A catastrophic-backtracking pattern on a crafted file must stop at the
 * PCRE2 limit quickly and report a fault, not hang. */
static void test_match_limits(void **state)
{
	struct mw_sig_set s;
	struct mw_sig_db *db;
	struct hits h;
	struct timespec t0, t1;
	double ms;
	size_t n = 65536;
	char *buf = malloc(n);

	(void)state;
	assert_non_null(buf);
	memcpy(buf, "xxxx", 4);
	memset(buf + 4, 'a', n - 5);
	buf[n - 1] = '!';
	db = compile_text(&s,
		"rule obfuscation.evil\n family: obfuscation/x\n severity: low\n"
		" description: d\n literal: xxxx\n pattern: p /(\\w+\\s?)*$/\n"
		" pattern: q /(.*a){25}!/\n condition: p or q\n"
		" positive: a\n negative: b\nend\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	match(db, buf, n, &h);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_int_equal(h.n, 0);
	assert_true(h.faults >= 1);
	assert_non_null(strstr(h.fault_what, "limit"));
	print_message("catastrophic patterns stopped after %.1f ms (%s)\n", ms,
		      h.fault_what);
	assert_true(ms < 2000);	/* generous for sanitizer builds */
	mw_sig_db_free(db);
	mw_sig_set_free(&s);
	free(buf);
}

static void test_load_dir_and_fixtures(void **state)
{
	struct mw_sig_set s;
	struct mw_sig_db *db = NULL;
	struct mw_strlist notes = { 0 };
	char dir[1024], err[256];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tests/fixtures/rules/good", test_top());
	mw_sig_set_init(&s);
	assert_int_equal(mw_sig_open(dir, NULL, &s, &db, &notes, err, sizeof(err)), MW_OK);
	assert_int_equal(s.nerrors, 0);
	assert_true(s.have_version);
	assert_int_equal(mw_sig_db_nrules(db), 2);
	mw_sig_db_free(db);
	mw_sig_set_free(&s);
	mw_strlist_clear(&notes);

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/rules/bad", test_top());
	mw_sig_set_init(&s);
	assert_int_not_equal(mw_sig_open(dir, NULL, &s, &db, &notes, err, sizeof(err)), MW_OK);
	assert_null(db);
	assert_true(s.nerrors >= 10);
	mw_sig_set_free(&s);

	mw_sig_set_init(&s);
	assert_int_equal(mw_sig_load_dir(&s, "/nonexistent/dir"), MW_ERR_IO);
	mw_sig_set_free(&s);
}

/* "set|set..." rendering of a gate, strings of a set joined by ','. */
static void gate_text(const struct mw_sig_gate *g, char *out, size_t n)
{
	size_t i, l = 0;
	unsigned k;

	out[0] = '\0';
	for (k = 0; k < g->nsets; k++)
		for (i = 0; i < g->sets[k].n; i++)
			l += (size_t)snprintf(out + l, l < n ? n - l : 0, "%s%s",
					      i ? "," : (k ? "|" : ""), g->sets[k].v[i]);
}

static void test_factors_table(void **state)
{
	static const struct {
		const char *re;
		unsigned flags;
		const char *want;
		int anchored;
		unsigned reach;
	} t[] = {
		{ "(?<![\\w$>:])(?:mb_send_|imap_)?mail\\s*\\((?!\\s*\\))", 1,
		  "mb_send_mail,imap_mail,mail", 1, 0 },
		{ "\\b(?:eval|assert)\\s*\\(\\s*@?\\$_(?:POST|GET)\\b", 1,
		  "eval,assert|$_post,$_get", 1, 0 },
		{ "\\$(\\w+)\\s*=\\s*\\$_GET[\\s\\S]{0,400}?\\$\\1\\s*\\(", 0, "$_get", 0, 0 },
		{ "\\bfor(?:each)?\\s*\\(|\\bwhile\\s*\\(", 1, "for,while", 1, 0 },
		{ "[Mm][Aa][Ii][Ll]\\x20?\\(", 0, "mail (,mail(", 1, 0 },
		{ "x(?:abc)*y", 0, "", 0, 0 },		/* nothing of 3+ bytes */
		{ "(?:abc)?def", 0, "abcdef,def", 1, 0 },
		{ "ab(?#c)?cd", 0, "", 0, 0 },		/* comments: not modelled */
		{ "(?x) eval \\(", 0, "", 0, 0 },	/* extended: not modelled */
		{ "a\\Qeval\\E", 0, "", 0, 0 },
		{ "(?<name>passthru)\\s*\\(", 1, "passthru", 1, 0 },
		{ "\\x{41}\\x42C\\t", 0, "abc\t", 1, 0 },
		{ "foo{2}", 0, "foo", 1, 0 },	/* starts "fo" + one of the two o */
		{ "foo{2,x", 0, "", 0, 0 },	/* odd braces: not modelled */
		/* windows: the longest a match can run before the string */
		{ "[^\\n]{0,10}system\\(", 0, "system(", 1, 10 },
		{ "\\$\\w{1,40}\\s{0,8}\\(\\s?@?base64_decode\\(", 1, "@base64_decode(,base64_decode(", 1, 51 },
		{ "(?<=x)eval\\(|\\$\\w{1,4}\\(gzinflate", 1, "eval(,(gzinflate", 1, 5 },
		{ "\\R{2}(?:ab|cd){3}\\.{0,2}zzz", 0, "zzz", 1, 12 },
		{ "\\$\\w+\\(gzinflate", 1, "(gzinflate", 0, 0 },	/* unbounded */
		{ "[ \\t]{1100}eval\\(", 1, "eval(", 0, 0 },	/* beyond the limit */
		{ "(?:\\w{3}|x*)eval", 1, "eval", 0, 0 },
		/* "print(" inside "@print(" starts a byte later: both kept */
		{ ".@?print\\(", 0, "@print(,print(", 1, 1 },
	};
	struct mw_sig_gate g;
	char got[2048];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		(void)mw_sig_factors(t[i].re, t[i].flags, &g);
		gate_text(&g, got, sizeof(got));
		if (strcmp(got, t[i].want) != 0 || g.anchored != t[i].anchored ||
		    g.reach != t[i].reach)
			print_error("%s: got \"%s\" anchored=%d reach=%u\n", t[i].re, got,
				    g.anchored, g.reach);
		assert_string_equal(got, t[i].want);
		assert_int_equal(g.anchored, t[i].anchored);
		assert_int_equal(g.reach, t[i].reach);
		mw_sig_gate_clear(&g);
	}
}

static int occurs_ci(const char *hay, size_t n, const char *needle)
{
	size_t l = strlen(needle), i;

	for (i = 0; l <= n && i <= n - l; i++)
		if (strncasecmp(hay + i, needle, l) == 0)
			return 1;
	return 0;
}

/* Every pattern of the shipped rules against every sample it matches: the
 * gates it derives must hold there (the engine relies on them). */
static unsigned check_dir(const struct mw_sig_set *s, const char *dir, pcre2_match_data *md,
			  unsigned *matches, unsigned *anchored)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned files = 0;
	struct mw_php_norm *nm = mw_php_norm_new();
	struct mw_buf view;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[2048];
		struct mw_buf b;
		struct stat st;
		int fd, trunc;
		size_t r;
		unsigned k, m, i;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			files += check_dir(s, path, md, matches, anchored);
			continue;
		}
		if (mw_open_regular_at(AT_FDCWD, path, &fd, &st))
			continue;
		mw_buf_init(&b, 1 << 24);
		assert_int_equal(mw_read_fd_capped(fd, &b, 1 << 24, &trunc), MW_OK);
		close(fd);
		files++;
		/* a norm pattern is matched against the file's view */
		assert_int_equal(mw_php_normalise(nm, b.data ? b.data : "", b.len, 0,
						  MW_SIG_DECODE_BUDGET, NULL), MW_OK);
		view.data = (char *)mw_php_norm_text(nm, &view.len);
		for (r = 0; r < s->nrules; r++)
			for (k = 0; k < s->rules[r].npatterns; k++) {
				const struct mw_sig_pattern *p = &s->rules[r].patterns[k];
				struct mw_sig_gate g;
				pcre2_code *c;
				PCRE2_SIZE off;
				int ec, ok;
				const struct mw_buf *t = p->view == MW_SIG_VIEW_NORM ? &view : &b;

				c = pcre2_compile((PCRE2_SPTR)p->regex, PCRE2_ZERO_TERMINATED,
						  mw_sig_pcre2_options(p->flags), &ec, &off, NULL);
				assert_non_null(c);
				if (pcre2_match(c, (PCRE2_SPTR)t->data, t->len, 0, 0, md, NULL) < 0) {
					pcre2_code_free(c);
					continue;
				}
				(*matches)++;
				(void)mw_sig_factors(p->regex, p->flags, &g);
				for (m = 0; m < g.nsets; m++) {
					for (ok = 0, i = 0; i < g.sets[m].n && !ok; i++)
						ok = occurs_ci(t->data, t->len, g.sets[m].v[i]);
					if (!ok)
						print_error("%s: pattern %s gate %u absent\n", path, p->name, m);
					assert_true(ok);
				}
				if (g.anchored) {
					size_t at = pcre2_get_ovector_pointer(md)[0], q;

					ok = 0;
					for (q = at; q <= at + g.reach && q < t->len && !ok; q++)
						for (i = 0; i < g.sets[0].n && !ok; i++)
							ok = strncasecmp(t->data + q, g.sets[0].v[i],
									 strlen(g.sets[0].v[i])) == 0;
					if (!ok)
						print_error("%s: pattern %s: no anchor within %u bytes of the match\n",
							    path, p->name, g.reach);
					assert_true(ok);
					(*anchored)++;
				}
				mw_sig_gate_clear(&g);
				pcre2_code_free(c);
			}
		mw_buf_free(&b);
	}
	closedir(d);
	mw_php_norm_free(nm);
	return files;
}

static void test_factors_sound_on_samples(void **state)
{
	struct mw_sig_set s;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	char dir[1024];
	unsigned files, matches = 0, anchored = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/signatures", test_top());
	mw_sig_set_init(&s);
	assert_int_equal(mw_sig_load_dir(&s, dir), MW_OK);
	assert_true(s.nrules >= 30);
	snprintf(dir, sizeof(dir), "%s/tests/samples", test_top());
	files = check_dir(&s, dir, md, &matches, &anchored);
	print_message("%u samples, %u (pattern, sample) matches: every gate held, "
		      "%u anchored within reach\n", files, matches, anchored);
	assert_true(files >= 150);
	assert_true(matches >= 500);
	assert_true(anchored >= matches / 2);
	pcre2_match_data_free(md);
	mw_sig_set_free(&s);
}

static void test_sha256(void **state)
{
	char hex[65];

	(void)state;
	mw_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	mw_sha256_hex("", 0, hex);
	assert_string_equal(hex,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	mw_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex,
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_cause),
		cmocka_unit_test(test_lint_required),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_match_combination),
		cmocka_unit_test(test_match_literal_gate),
		cmocka_unit_test(test_match_prefilter_miss),
		cmocka_unit_test(test_match_common_literals),
		cmocka_unit_test(test_match_buffer_tail),
		cmocka_unit_test(test_match_limits),
		cmocka_unit_test(test_load_dir_and_fixtures),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_factors_table),
		cmocka_unit_test(test_factors_sound_on_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
