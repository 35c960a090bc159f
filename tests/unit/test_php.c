/* PHP lexer, static decoders, normalised view, decode-and-rescan. */
#define _GNU_SOURCE
#include "testutil.h"

#include <time.h>
#include <zlib.h>

#include "core/buf.h"
#include "signatures/php_decode.h"
#include "signatures/php_lex.h"
#include "signatures/php_norm.h"
#include "signatures/sig.h"
#include "signatures/wordtab.h"

/* ---- helpers ---- */

/* "KIND:text|KIND:text|..." of every token but whitespace, lexed from an
 * exact-size heap copy (ASan catches a read past it). */
static char *lex_dump(const char *src, int in_php)
{
	size_t n = strlen(src);
	char *copy = malloc(n ? n : 1);
	struct mw_php_lexer lx;
	struct mw_php_token t;
	struct mw_buf out;

	assert_non_null(copy);
	memcpy(copy, src, n);
	mw_buf_init(&out, 1 << 20);
	mw_php_lex_init(&lx, copy, n, in_php);
	while (mw_php_lex_next(&lx, &t)) {
		assert_true(t.len > 0);
		assert_true(t.start + t.len <= n);
		if (t.kind == MW_PT_WS)
			continue;
		if (out.len)
			mw_buf_putc(&out, '|');
		mw_buf_printf(&out, "%s:%.*s", mw_php_tok_name(t.kind), (int)t.len,
			      copy + t.start);
	}
	free(copy);
	return mw_buf_steal(&out);
}

#define LEX_EQ(src, in_php, want) do { \
	char *got_ = lex_dump(src, in_php); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

/* Value of the first string token of src (in code). */
static char *str_value(const char *src, size_t *vlen)
{
	struct mw_php_lexer lx;
	struct mw_php_token t;
	struct mw_buf out;

	mw_buf_init(&out, 1 << 20);
	mw_php_lex_init(&lx, src, strlen(src), 1);
	while (mw_php_lex_next(&lx, &t))
		if (t.kind == MW_PT_STRING) {
			assert_int_equal(mw_php_string_value(src, &t, &out), MW_OK);
			break;
		}
	*vlen = out.len;
	mw_buf_putc(&out, '\0');
	return mw_buf_steal(&out);
}

static struct mw_php_norm *nm;

static const char *view_of(const char *src, int in_php)
{
	size_t len;

	assert_int_equal(mw_php_normalise(nm, src, strlen(src), in_php, 16u << 20, NULL),
			 MW_OK);
	return mw_php_norm_text(nm, &len);
}

#define VIEW_EQ(src, want) assert_string_equal(view_of(src, 1), want)

static int setup(void **state)
{
	(void)state;
	nm = mw_php_norm_new();
	return nm ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	mw_php_norm_free(nm);
	return 0;
}

static char *b64(const unsigned char *p, size_t n)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = malloc(n / 3 * 4 + 8), *q = o;
	size_t i;

	assert_non_null(o);
	for (i = 0; i + 2 < n; i += 3) {
		*q++ = a[p[i] >> 2];
		*q++ = a[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*q++ = a[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*q++ = a[p[i + 2] & 63];
	}
	if (n - i == 1) {
		*q++ = a[p[i] >> 2];
		*q++ = a[(p[i] & 3) << 4];
		*q++ = '=';
		*q++ = '=';
	} else if (n - i == 2) {
		*q++ = a[p[i] >> 2];
		*q++ = a[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*q++ = a[(p[i + 1] & 15) << 2];
		*q++ = '=';
	}
	*q = '\0';
	return o;
}

/* zlib compress with windowBits w (-15 raw, 15 zlib, 31 gzip). */
static unsigned char *zpack(const char *in, size_t n, int w, size_t *outlen)
{
	z_stream z;
	size_t cap = n + n / 10 + 1024;
	unsigned char *o = malloc(cap);

	assert_non_null(o);
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, w, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = z.total_out;
	deflateEnd(&z);
	return o;
}

/* ---- lexer ---- */

static void test_lex_tags(void **state)
{
	(void)state;
	LEX_EQ("<b>x</b><?php echo 1; ?>\ntail", 0,
	       "HTML:<b>x</b>|OPEN:<?php |IDENT:echo|NUMBER:1|OP:;|CLOSE:?>\n|HTML:tail");
	LEX_EQ("a<?=$x?>b", 0, "HTML:a|OPEN_ECHO:<?=|VAR:$x|CLOSE:?>|HTML:b");
	LEX_EQ("<? f(); ?>", 0, "OPEN:<?|IDENT:f|OP:(|OP:)|OP:;|CLOSE:?>");
	LEX_EQ("<?xml version=\"1.0\"?><a/>", 0, "HTML:<?xml version=\"1.0\"?><a/>");
	LEX_EQ("<script language=\"php\">f();</script >x", 0,
	       "OPEN:<script language=\"php\">|IDENT:f|OP:(|OP:)|OP:;|CLOSE:</script >|HTML:x");
	LEX_EQ("<SCRIPT LANGUAGE=php>f()</script>", 0,
	       "OPEN:<SCRIPT LANGUAGE=php>|IDENT:f|OP:(|OP:)|CLOSE:</script>");
	LEX_EQ("<script>f()</script>", 0, "HTML:<script>f()</script>");
	LEX_EQ("<?php", 0, "OPEN:<?php");
	LEX_EQ("<?PHP\r\nx", 0, "OPEN:<?PHP\r\n|IDENT:x");
	/* in code from the start (a decoded layer) */
	LEX_EQ("mail($a);", 1, "IDENT:mail|OP:(|VAR:$a|OP:)|OP:;");
}

static void test_lex_comments(void **state)
{
	(void)state;
	LEX_EQ("// a ?> b", 1, "COMMENT:// a |CLOSE:?>|HTML: b");
	LEX_EQ("# x\ny", 1, "COMMENT:# x|IDENT:y");
	LEX_EQ("#[Attr] function f(){}", 1,
	       "ATTR:#[|IDENT:Attr|OP:]|IDENT:function|IDENT:f|OP:(|OP:)|OP:{|OP:}");
	LEX_EQ("ev/* x */al(1)", 1, "IDENT:ev|COMMENT:/* x */|IDENT:al|OP:(|NUMBER:1|OP:)");
	LEX_EQ("/*/ x", 1, "COMMENT:/*/ x");
	LEX_EQ("/**/x", 1, "COMMENT:/**/|IDENT:x");
	LEX_EQ("/* ?> */x", 1, "COMMENT:/* ?> */|IDENT:x");
}

static void test_lex_strings(void **state)
{
	size_t n;
	char *v;

	(void)state;
	LEX_EQ("'a\\'b' \"c\" \"$x y\" `ls` b'z'", 1,
	       "STRING:'a\\'b'|STRING:\"c\"|ISTRING:\"$x y\"|ISTRING:`ls`|STRING:b'z'");
	LEX_EQ("\"{$a[\"k\"]} }\"", 1, "ISTRING:\"{$a[\"k\"]} }\"");
	LEX_EQ("\"${a}\" \"\\$x\"", 1, "ISTRING:\"${a}\"|STRING:\"\\$x\"");
	LEX_EQ("'open", 1, "STRING:'open");
	v = str_value("'a\\'b\\\\c\\n'", &n);
	assert_int_equal(n, 7);
	assert_memory_equal(v, "a'b\\c\\n", 7);
	free(v);
	v = str_value("\"\\x65\\166\\u{41}\\u{20AC}\\e\\$\\\"\\q\\400\"", &n);
	assert_int_equal(n, 12);
	assert_memory_equal(v, "ev" "A" "\xe2\x82\xac" "\x1b" "$\"\\q\x00", 12);
	free(v);
	v = str_value("\"\\xZ\\u{zz}\\t\\r\\v\\f\\0\"", &n);
	assert_int_equal(n, 14);
	assert_memory_equal(v, "\\xZ\\u{zz}\t\r\v\f\0", 14);
	free(v);
}

static void test_lex_heredoc(void **state)
{
	size_t n;
	char *v;

	(void)state;
	LEX_EQ("<<<EOT\nhi\nEOT;\nx", 1, "STRING:<<<EOT\nhi\nEOT|OP:;|IDENT:x");
	LEX_EQ("<<<\"E\"\na $b\nE;", 1, "ISTRING:<<<\"E\"\na $b\nE|OP:;");
	LEX_EQ("<<<'N'\na $b\nN;", 1, "STRING:<<<'N'\na $b\nN|OP:;");
	/* the closing label must not be the start of a longer name */
	LEX_EQ("<<<E\nEE\nE;", 1, "STRING:<<<E\nEE\nE|OP:;");
	LEX_EQ("$a <<< 2", 1, "VAR:$a|OP:<<|OP:<|NUMBER:2");
	v = str_value("<<<E\n    a\\x41\n      b\\\"\n    E;", &n);
	assert_int_equal(n, 8);
	assert_memory_equal(v, "aA\n  b\\\"", 8);
	free(v);
	v = str_value("<<<'E'\n  x\\x41\n  E;", &n);
	assert_int_equal(n, 5);
	assert_memory_equal(v, "x\\x41", 5);
	free(v);
	v = str_value("<<<E\nE;", &n);
	assert_int_equal(n, 0);
	free(v);
	LEX_EQ("<<<E\nnever closed", 1, "STRING:<<<E\nnever closed");
}

static void test_lex_code(void **state)
{
	(void)state;
	LEX_EQ("$a $$b ${'c'} $_POST", 1,
	       "VAR:$a|DOLLAR:$|VAR:$b|DOLLAR:$|OP:{|STRING:'c'|OP:}|VAR:$_POST");
	LEX_EQ("( int )$x (String)$y (foo)", 1,
	       "CAST:( int )|VAR:$x|CAST:(String)|VAR:$y|OP:(|IDENT:foo|OP:)");
	LEX_EQ("0x1F 1_000 .5 1e3 0b11 0o17 017 1.5E-3", 1,
	       "NUMBER:0x1F|NUMBER:1_000|NUMBER:.5|NUMBER:1e3|NUMBER:0b11|NUMBER:0o17|"
	       "NUMBER:017|NUMBER:1.5E-3");
	LEX_EQ("'a'.5", 1, "STRING:'a'|NUMBER:.5");
	LEX_EQ("$a<=>$b===$c?\?=$d?->e**=2...", 1,
	       "VAR:$a|OP:<=>|VAR:$b|OP:===|VAR:$c|OP:?\?=|VAR:$d|OP:?->|IDENT:e|OP:**=|"
	       "NUMBER:2|OP:...");
	LEX_EQ("\\Foo\\bar(1) namespace\\x", 1,
	       "IDENT:\\Foo\\bar|OP:(|NUMBER:1|OP:)|IDENT:namespace\\x");
	LEX_EQ("\xe9t\xe9()", 1, "IDENT:\xe9t\xe9|OP:(|OP:)");
}

/* Every prefix of tricky input, from exact-size copies: never past the end,
 * every token non-empty and inside the buffer (lex_dump asserts). */
static void test_lex_prefixes(void **state)
{
	static const char src[] =
		"<b><?php $a = \"x{$b['c']}\\x4\"; /* c */ # d\n <<<'E'\n q\n E;\n"
		"<<<F\n$x\nF; (int)$y; ${'z'}; `id`; ?>t<script language='php'>1</script>"
		"<?= 'e\\";
	size_t n;

	(void)state;
	for (n = 0; n <= sizeof(src) - 1; n++) {
		char tmp[sizeof(src)];
		char *d;

		memcpy(tmp, src, n);
		tmp[n] = '\0';
		d = lex_dump(tmp, 0);
		free(d);
		d = lex_dump(tmp, 1);
		free(d);
	}
}

static void test_lex_token_cap(void **state)
{
	size_t n = (size_t)MW_PHP_MAX_TOKENS + 1000, count = 0;
	char *b = malloc(n);
	struct mw_php_lexer lx;
	struct mw_php_token t;

	(void)state;
	assert_non_null(b);
	memset(b, ';', n);
	mw_php_lex_init(&lx, b, n, 1);
	while (mw_php_lex_next(&lx, &t))
		count++;
	assert_int_equal(count, MW_PHP_MAX_TOKENS);
	assert_true(lx.capped);
	free(b);
}

/* ---- decoders ---- */

static void apply_eq(enum mw_php_fn fn, const char *in, const char *want)
{
	struct mw_buf o;

	mw_buf_init(&o, 1 << 20);
	assert_int_equal(mw_php_apply(fn, in, strlen(in), &o, 1 << 20), MW_OK);
	assert_int_equal(o.len, strlen(want));
	assert_memory_equal(o.data, want, o.len);
	mw_buf_free(&o);
}

static void test_decoders(void **state)
{
	struct mw_buf o;
	unsigned char *z;
	char *s;
	size_t zl;
	int w;
	static const int windows[] = { -15, 15, 31 };
	static const enum mw_php_fn zf[] = { MW_FN_GZINFLATE, MW_FN_GZUNCOMPRESS,
					     MW_FN_GZDECODE };

	(void)state;
	apply_eq(MW_FN_BASE64_DECODE, "bWFp bA==", "mail");
	apply_eq(MW_FN_BASE64_DECODE, "YW@Jj", "abc");	/* PHP skips junk */
	apply_eq(MW_FN_STR_ROT13, "znvy(Z)", "mail(M)");
	apply_eq(MW_FN_STRREV, "liam", "mail");
	apply_eq(MW_FN_HEX2BIN, "6d61694C", "maiL");
	apply_eq(MW_FN_URLDECODE, "m%61il+x%4", "mail x%4");
	apply_eq(MW_FN_RAWURLDECODE, "m%61il+x", "mail+x");
	apply_eq(MW_FN_CONVERT_UUDECODE, "+:&5L;&\\@=V]R;&0`\n`\n", "hello world");
	apply_eq(MW_FN_STRTOLOWER, "MaIL", "mail");
	mw_buf_init(&o, 1 << 20);
	assert_int_equal(mw_php_apply(MW_FN_HEX2BIN, "abc", 3, &o, 100), MW_ERR_PARSE);
	assert_int_equal(mw_php_apply(MW_FN_HEX2BIN, "zz", 2, &o, 100), MW_ERR_PARSE);
	assert_int_equal(mw_php_apply(MW_FN_GZINFLATE, "junk", 4, &o, 100), MW_ERR_PARSE);
	mw_buf_free(&o);
	for (w = 0; w < 3; w++) {
		z = zpack("mail($to);", 10, windows[w], &zl);
		mw_buf_init(&o, 1 << 20);
		assert_int_equal(mw_php_apply(zf[w], (char *)z, zl, &o, 1 << 20), MW_OK);
		assert_int_equal(o.len, 10);
		assert_memory_equal(o.data, "mail($to);", 10);
		/* truncated stream: false in PHP */
		mw_buf_reset(&o);
		assert_int_equal(mw_php_apply(zf[w], (char *)z, zl - 3, &o, 1 << 20),
				 MW_ERR_PARSE);
		mw_buf_free(&o);
		free(z);
	}
	/* an inflate bomb stops at the ratio cap */
	s = calloc(1, 8 << 20);
	assert_non_null(s);
	z = zpack(s, 8 << 20, -15, &zl);
	mw_buf_init(&o, 64 << 20);
	assert_int_equal(mw_php_apply(MW_FN_GZINFLATE, (char *)z, zl, &o, 64 << 20),
			 MW_ERR_TOOBIG);
	assert_true(o.len <= zl * MW_PHP_MAX_INFLATE_RATIO + 4096);
	mw_buf_free(&o);
	free(z);
	free(s);
	assert_int_equal(mw_php_fn_lookup("\\BASE64_Decode", 14), MW_FN_BASE64_DECODE);
	assert_int_equal(mw_php_fn_lookup("base64", 6), MW_FN_NONE);
}

/* ---- the view ---- */

static void test_view_form(void **state)
{
	(void)state;
	/* comments gone, one space only between word-like tokens, ";\n" */
	VIEW_EQ("$a  =  1 ; // x\n/* y */ return  $a ;", "$a=1;\nreturn$a;\n");
	VIEW_EQ("echo  \"it's\\n\\\\\" ,\t'\\x'", "echo'it\\'s\\n\\\\','\\\\x'");
	VIEW_EQ("\"\\0\\x7f\\xff\\t\"", "'\\x00\\x7f\\xff\\t'");
	VIEW_EQ("( STRING )$a; new  Foo", "(string)$a;\nnew Foo");
	/* names before "(" lower-cased, others kept */
	VIEW_EQ("EVAL(Base64_Encode(FOO))", "eval(base64_encode(FOO))");
	/* inline HTML as it is; tags canonical */
	assert_string_equal(view_of("<textarea name=x></textarea>\n<?PHP  f(1)?>\n<b><?= $x ?>", 0),
			    "<textarea name=x></textarea>\n<?php f(1)?><b><?php echo $x?>");
	/* strings with interpolation stay as written */
	VIEW_EQ("\"a $b\"", "\"a $b\"");
}

static void test_view_folds(void **state)
{
	(void)state;
	VIEW_EQ("'ev'.'al'", "'eval'");
	VIEW_EQ("\"as\" . 's' . \"ert\"", "'assert'");
	VIEW_EQ("chr(101).chr(0x76).CHR(0141).chr(364)", "'eval'");
	VIEW_EQ("\"\\x65\\166\\x61\\154\"", "'eval'");
	VIEW_EQ("strrev('tressa')", "'assert'");
	VIEW_EQ("str_rot13('riny')", "'eval'");
	VIEW_EQ("base64_decode('ZXZhbA==')", "'eval'");
	VIEW_EQ("\\base64_decode(\"ZXZhbA\")", "'eval'");
	VIEW_EQ("hex2bin('6576616c')", "'eval'");
	VIEW_EQ("urldecode('%65v%61l')", "'eval'");
	VIEW_EQ("rawurldecode('%65val')", "'eval'");
	VIEW_EQ("pack('H*', '6576616c')", "'eval'");
	VIEW_EQ("strtolower('EVAL')", "'eval'");
	VIEW_EQ("'ABC' ^ \"\\x24\\x34\\x22\"", "'eva'");
	VIEW_EQ("('ev'.'al')", "'eval'");
	VIEW_EQ("str_replace('xq', '', 'evxqaxql')", "'eval'");
	VIEW_EQ("STR_REPLACE('_', 'a', 'ev_l')", "'eval'");
	VIEW_EQ("strtr('riny', 'nopqrstuvwxyzabcdefghijklm', 'abcdefghijklmnopqrstuvwxyz')",
		"'eval'");
	VIEW_EQ("$o->str_replace('a', 'b', 'c')", "$o->str_replace('a','b','c')");
	VIEW_EQ("str_replace($a, '', 'x')", "str_replace($a,'','x')");
	VIEW_EQ("strrev('la'.'ve')", "'eval'");
	VIEW_EQ("${'_PO'.'ST'}['x']", "$_POST['x']");
	VIEW_EQ("${\"_\\x47ET\"}", "$_GET");
	VIEW_EQ("$v='_REQUEST'; $$v['c']", "$v='_REQUEST';\n$_REQUEST['c']");
	VIEW_EQ("$f='ass'.'ert'; $f($_POST['x']);",
		"$f='assert';\nassert($_POST['x']);\n");
	VIEW_EQ("$f = 'MAIL'; $f .= ''; $f($to);", "$f='MAIL';\n$f.='';\nmail($to);\n");
	VIEW_EQ("$a='ma'; $a.='il'; $a($to);", "$a='ma';\n$a.='il';\nmail($to);\n");
	VIEW_EQ("('sys'.'tem')('id');", "system('id');\n");
	VIEW_EQ("$p='ZXZhbA=='; base64_decode($p);", "$p='ZXZhbA==';\n'eval';\n");
	/* bytes of a literal: [N], {N}, through a variable, as a name */
	VIEW_EQ("'abc'[1]", "'b'");
	VIEW_EQ("$k='tsyem'; $f=$k[1].$k{2}.$k[0x1].$k[0].$k[3].$k['4']; $f($c);",
		"$k='tsyem';\n$f='system';\nsystem($c);\n");
	VIEW_EQ("$n='_TSOP'; ${$n[0].$n[4].$n[3].$n[2].$n[1]}['x'];",
		"$n='_TSOP';\n$_POST['x'];\n");
	VIEW_EQ("$v='_GET'; ${$v}", "$v='_GET';\n$_GET");
	VIEW_EQ("$c='assert'; ${c}($x);", "$c='assert';\nassert($x);\n");
	/* function f() { return L; }: f() is L; not a method, not before */
	VIEW_EQ("function f(){ return 'sys'.'tem'; } F()($x); $o->f(); g(); function g(){return 'x';}",
		"function f(){return'system';\n}system($x);\n$o->f();\ng();\nfunction g(){return'x';\n}");
	/* $GLOBALS['_POST'] is $_POST, $GLOBALS['cfg'] is $cfg; not a
	 * computed key */
	VIEW_EQ("eval($GLOBALS['_PO'.'ST']['x']);", "eval($_POST['x']);\n");
	VIEW_EQ("$GLOBALS['cfg']['x']", "$cfg['x']");
	VIEW_EQ("$GLOBALS[$k]", "$GLOBALS[$k]");
	VIEW_EQ("$GLOBALS['a-b']", "$GLOBALS['a-b']");
	/* string functions of literals and integers */
	VIEW_EQ("substr('xxsystemyy', 2, 6)", "'system'");
	VIEW_EQ("substr('abcsystem', -6)", "'system'");
	VIEW_EQ("substr('systx', 0, -1) . 'em'", "'system'");
	VIEW_EQ("$m='sysatem'; (substr($m,0,3).substr($m, 4))($x);",
		"$m='sysatem';\nsystem($x);\n");
	VIEW_EQ("substr_replace('aert', 'ss', 1, 0)", "'assert'");
	VIEW_EQ("trim(\"\\x0Bassert \")", "'assert'");
	VIEW_EQ("ltrim('  ab ') . rtrim(' cd  ')", "'ab  cd'");
	VIEW_EQ("str_repeat('ab', 3)", "'ababab'");
	VIEW_EQ("substr('abc', 9)", "''");
	/* not: a method, a variable argument, too many arguments */
	VIEW_EQ("$o->substr('abc', 1)", "$o->substr('abc',1)");
	VIEW_EQ("substr('abc', $i)", "substr('abc',$i)");
	VIEW_EQ("trim('abc', 'a', 'b')", "trim('abc','a','b')");
	/* string bit operators, ~, and bare words next to a literal */
	VIEW_EQ("'A' | ' '", "'a'");
	VIEW_EQ("'abc' & '___'", "'ABC'");
	VIEW_EQ("'ab' | 'ABCD'", "'abCD'");
	VIEW_EQ("~\"\\x9e\\x9d\"", "'ab'");
	VIEW_EQ("'s' . ysTem", "'sysTem'");
	VIEW_EQ("aSsErT ^ '      '", "'AsSeRt'");
	/* upper-case words next to a string bit operator, ~word, and after
	 * one of those also next to "." (the packers' alphabet) */
	VIEW_EQ("'ab' ^ CD", "'\"&'");
	VIEW_EQ("~Sz", "'\\xac\\x85'");
	VIEW_EQ("$a = 'A' | ' '; $b = EV . 'al';", "$a='a';\n$b='EVal';\n");
	/* two bare words next to a bit operator; a variable & a variable is
	 * a bit AND, = &$v and f(&$v) are references */
	VIEW_EQ("(AQ1deh|s8cTDm)", "'system'");
	VIEW_EQ("$a = 'sysue}'; $b = 'wystem'; $c = $a & $b;",
		"$a='sysue}';\n$b='wystem';\n$c='system';\n");
	VIEW_EQ("$a = 'x'; $c = &$a; $c;", "$a='x';\n$c=&$a;\n$c;\n");
	VIEW_EQ("EV . AL", "EV.AL");
	/* arrays of literals: an element by index; $GLOBALS['x'] is $x */
	VIEW_EQ("$GLOBALS['_1_'] = Array(base64_decode('c3lzdGVt'), 'x'); $GLOBALS['_1_'][0]($c);",
		"$_1_=array('system','x');\nsystem($c);\n");
	VIEW_EQ("$n = ['eval', 'exec']; $n[1]($x); $n[0] = 'y'; $n[0](1); $n[5];",
		"$n=['eval','exec'];\nexec($x);\n$n[0]='y';\n$n[0](1);\n$n[5];\n");
	VIEW_EQ("$n = array('a', $b); $n[0];", "$n=array('a',$b);\n$n[0];\n");
	VIEW_EQ("$n = array('a'); $n = $m; $n[0];", "$n=array('a');\n$n=$m;\n$n[0];\n");
	/* a callback held by a variable is the function it names */
	VIEW_EQ("$c='system'; ob_start($c); call_user_func($c, 1); usort($a, $c);",
		"$c='system';\nob_start('system');\nsystem(1);\nusort($a,$c);\n");
	/* call_user_func('f', ...) is f(...); not a computed name */
	VIEW_EQ("call_user_func('preg_replace', $p, $r, 'x'); call_user_func('phpinfo');",
		"preg_replace($p,$r,'x');\nphpinfo();\n");
	VIEW_EQ("call_user_func($o, 'a'); call_user_func('a b', 1);",
		"call_user_func($o,'a');\ncall_user_func('a b',1);\n");
	/* preg_replace($p, ...) with an /e pattern in $p: the pattern */
	VIEW_EQ("$p = '/x/e'; preg_replace($p, $r, 'x'); $q = '/x/'; preg_replace($q, $r, 'x');",
		"$p='/x/e';\npreg_replace('/x/e',$r,'x');\n$q='/x/';\npreg_replace($q,$r,'x');\n");
	/* getenv($v) of a known name */
	VIEW_EQ("$h = 'HTTP_X_K'; getenv($h);", "$h='HTTP_X_K';\ngetenv('HTTP_X_K');\n");
	/* not: upper-case constants, keywords, calls, class constants */
	VIEW_EQ("'x' . PHP_EOL", "'x'.PHP_EOL");
	VIEW_EQ("'x' . true", "'x'.true");
	VIEW_EQ("'x' . foo()", "'x'.foo()");
	VIEW_EQ("'x' . Foo::bar", "'x'.Foo::bar");
	/* silenced assignments are remembered too */
	VIEW_EQ("@$_='ass'.'ert'; @$_($x);", "@$_='assert';\n@assert($x);\n");
	/* "$v" alone is what $v holds */
	VIEW_EQ("$t='base64_decode'; (\"$t\")('ZXZhbA==');", "$t='base64_decode';\n'eval';\n");
	VIEW_EQ("\"$u\" . \"$t x\"", "\"$u\".\"$t x\"");
	/* the right-hand side of an assignment still sees the old value */
	VIEW_EQ("$f='create_'.'function'; $f=$f('', $b); $f();",
		"$f='create_function';\n$f=create_function('',$b);\n$f();\n");
}

static void test_view_no_fold(void **state)
{
	(void)state;
	/* precedence: these are not constant concatenations */
	VIEW_EQ("$x - 'a' . 'b'", "$x-'a'.'b'");
	VIEW_EQ("'a' . 'b' [0] + 1", "'a'.'b'+1");
	VIEW_EQ("'a' . 'bc' [1] . 'd'", "'acd'");
	VIEW_EQ("'a' . 'b' + 1", "'a'.'b'+1");
	/* . binds tighter than ^: 'a' ^ 'bc', one byte long */
	VIEW_EQ("'a' ^ 'b' . 'c'", "'\\x03'");
	VIEW_EQ("'a' . 'b' == 'c'", "'ab'=='c'");
	/* methods and definitions are not PHP's functions */
	VIEW_EQ("$o->base64_decode('ZXZhbA==')", "$o->base64_decode('ZXZhbA==')");
	VIEW_EQ("Foo::strrev('ba')", "Foo::strrev('ba')");
	VIEW_EQ("foo('a')", "foo('a')");
	/* reassigned: not a literal any more */
	VIEW_EQ("$f='assert'; $f=$g; $f(1);", "$f='assert';\n$f=$g;\n$f(1);\n");
	VIEW_EQ("foreach ($l as $f) $f(1);", "foreach($l as$f)$f(1);\n");
	/* a method through a variable stays */
	VIEW_EQ("$f='x'; $o->$f(1);", "$f='x';\n$o->$f(1);\n");
	/* out of range, negative, a write or a property: not a byte */
	VIEW_EQ("$k='ab'; $k[2]", "$k='ab';\n$k[2]");
	VIEW_EQ("$k='ab'; $k[-1]", "$k='ab';\n$k[-1]");
	VIEW_EQ("$k='ab'; $k[0]='x'; $k[0].'c'", "$k='ab';\n$k[0]='x';\n$k[0].'c'");
	VIEW_EQ("$k='ab'; $o->k[0]", "$k='ab';\n$o->k[0]");
	VIEW_EQ("$k='ab'; Foo::$k[0]", "$k='ab';\nFoo::$k[0]");
	/* a parameter is not the file's variable of the same name, inside
	 * its function only */
	VIEW_EQ("$a='ab'; function f($a){eval($a);} f(strrev($a));",
		"$a='ab';\nfunction f($a){eval($a);\n}f('ba');\n");
	VIEW_EQ("$a='ab'; $f=function($b, $a=array()) use ($c) {return strrev($a);}; strrev($a);",
		"$a='ab';\n$f=function($b,$a=array())use($c){return strrev($a);\n};\n'ba';\n");
	VIEW_EQ("$a=array('system'); function f($a){$a[0]($x);} $a[0]($y);",
		"$a=array('system');\nfunction f($a){$a[0]($x);\n}system($y);\n");
	VIEW_EQ("$a='ab'; abstract function g($a); strrev($a);",
		"$a='ab';\nabstract function g($a);\n'ba';\n");
	/* hex2bin of odd length is false in PHP: left alone */
	VIEW_EQ("hex2bin('abc')", "hex2bin('abc')");
}

static void test_view_map(void **state)
{
	const char src[] = "<?php\n// c\n$a = 'x';\n\n  eval(str_rot13('znvy'));\n";
	const char *v;
	size_t len, at;

	(void)state;
	assert_int_equal(mw_php_normalise(nm, src, sizeof(src) - 1, 0, 1 << 20, NULL), MW_OK);
	v = mw_php_norm_text(nm, &len);
	assert_string_equal(v, "<?php $a='x';\neval('mail');\n");
	at = (size_t)(strstr(v, "'mail'") - v);
	/* the folded literal maps to the start of its call */
	assert_int_equal(mw_php_norm_raw_offset(nm, at), (size_t)(strstr(src, "str_rot13") - src));
	at = (size_t)(strstr(v, "eval") - v);
	assert_int_equal(mw_php_norm_raw_offset(nm, at + 2), (size_t)(strstr(src, "eval") - src));
	assert_int_equal(mw_php_norm_raw_offset(nm, 0), 0);
}

/* payload wrapped by the decoders named in fns (innermost first) */
static char *wrap(const char *payload, const enum mw_php_fn *fns, size_t n)
{
	struct mw_buf cur, call;
	size_t i, k;
	char *lit;

	mw_buf_init(&cur, 64 << 20);
	mw_buf_puts(&cur, payload);
	for (i = n; i-- > 0;) {
		/* encode cur for fns[i] */
		struct mw_buf enc;

		mw_buf_init(&enc, 64 << 20);
		switch (fns[i]) {
		case MW_FN_BASE64_DECODE:
			lit = b64((unsigned char *)cur.data, cur.len);
			mw_buf_puts(&enc, lit);
			free(lit);
			break;
		case MW_FN_STRREV:
			for (k = cur.len; k-- > 0;)
				mw_buf_putc(&enc, cur.data[k]);
			break;
		case MW_FN_STR_ROT13:
			mw_php_apply(MW_FN_STR_ROT13, cur.data, cur.len, &enc, 0);
			break;
		case MW_FN_HEX2BIN:
			for (k = 0; k < cur.len; k++)
				mw_buf_printf(&enc, "%02x", (unsigned char)cur.data[k]);
			break;
		default:
			fail();
		}
		mw_buf_free(&cur);
		cur = enc;
	}
	/* the literal may hold quotes only for strrev/rot13 payloads: use a
	 * nowdoc */
	mw_buf_init(&call, 64 << 20);
	mw_buf_puts(&call, "<?php\neval(");
	for (i = n; i-- > 0;)
		mw_buf_printf(&call, "%s(", mw_php_fn_name(fns[i]));
	mw_buf_puts(&call, "<<<'P'\n");
	mw_buf_append(&call, cur.data, cur.len);
	mw_buf_puts(&call, "\nP\n");
	for (i = 0; i < n; i++)
		mw_buf_putc(&call, ')');
	mw_buf_puts(&call, ");\n");
	mw_buf_free(&cur);
	return mw_buf_steal(&call);
}

static void test_view_layers(void **state)
{
	static const enum mw_php_fn fns[] = {
		MW_FN_BASE64_DECODE, MW_FN_STR_ROT13, MW_FN_STRREV, MW_FN_HEX2BIN,
		MW_FN_BASE64_DECODE, MW_FN_STRREV, MW_FN_BASE64_DECODE, MW_FN_STR_ROT13,
		MW_FN_BASE64_DECODE,
	};
	const char payload[] = "mail($_POST['to'], 'x', 'y');";
	const struct mw_php_layer *l;
	size_t d;

	(void)state;
	for (d = 1; d <= 9; d++) {
		char *src = wrap(payload, fns, d);

		assert_int_equal(mw_php_normalise(nm, src, strlen(src), 0, 16 << 20, NULL),
				 MW_OK);
		if (d <= MW_PHP_MAX_DEPTH) {
			assert_int_equal(mw_php_norm_nlayers(nm), 1);
			l = mw_php_norm_layer(nm, 0);
			assert_int_equal(l->depth, d);
			assert_int_equal(l->len, sizeof(payload) - 1);
			assert_memory_equal(l->data, payload, l->len);
			assert_int_equal(l->chain[0], fns[0]);
			assert_int_equal(l->chain[d - 1], fns[d - 1]);
			assert_int_equal(l->raw_off, strlen("<?php\neval("));
			if (mw_php_norm_caps(nm))
				print_error("d %zu caps %#x\n%s\n", d, mw_php_norm_caps(nm), src);
			assert_int_equal(mw_php_norm_caps(nm), 0);
		} else {
			assert_int_equal(mw_php_norm_nlayers(nm), 0);
			assert_true(mw_php_norm_caps(nm) & MW_PHP_CAP_DEPTH);
		}
		free(src);
	}
}

/* eval() or assert() of a literal is a layer; a literal elsewhere, not */
static void test_view_eval_literal(void **state)
{
	const struct mw_php_layer *l;

	(void)state;
	view_of("<?php eval(chr(109).chr(97).chr(105).chr(108).'($_POST[1]);');", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 1);
	l = mw_php_norm_layer(nm, 0);
	assert_int_equal(l->depth, 1);
	assert_int_equal(l->chain[0], MW_FN_EVAL);
	assert_int_equal(l->len, strlen("mail($_POST[1]);"));
	assert_memory_equal(l->data, "mail($_POST[1]);", l->len);
	view_of("<?php @ASSERT(\"\\x6dail(\\$_GET[1]);\");", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 1);
	/* a plain literal too: packers hide calls behind escaped quotes */
	view_of("<?php eval('?><? eval(strrev(\\'\\'));');", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 1);
	assert_memory_equal(mw_php_norm_layer(nm, 0)->data, "?><? eval(strrev(''));", 22);
	view_of("<?php eval(\"mail(\\$_POST[1]);\");", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 1);
	view_of("<?php foo(chr(109).chr(97).chr(105).chr(108).'($_POST[1]);');", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 0);
	/* eval() of a variable holding a literal: the literal is the layer */
	view_of("<?php $c = 'mail'; $c .= '($_POST[1]);'; eval($c);", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 1);
	assert_memory_equal(mw_php_norm_layer(nm, 0)->data, "mail($_POST[1]);", 16);
	/* the replacement of preg_replace with the e modifier is code, also
	 * through a variable (replaced by its value in the view) */
	view_of("<?php $r = 'mail'.'($_POST[1]);'; preg_replace('#x#ie', $r, 'x');", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 1);
	l = mw_php_norm_layer(nm, 0);
	assert_int_equal(l->chain[0], MW_FN_PREG_E);
	assert_memory_equal(l->data, "mail($_POST[1]);", l->len);
	{
		size_t vl;

		assert_non_null(strstr(mw_php_norm_text(nm, &vl),
				       "preg_replace('#x#ie','mail($_POST[1]);','x');"));
	}
	view_of("<?php preg_replace('(x)e', 'mail($_POST[1]);', 'x');", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 1);
	/* without e, or a method: not code */
	view_of("<?php preg_replace('/e/i', 'mail($_POST[1]);', 'x');", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 0);
	view_of("<?php $o->preg_replace('/x/e', 'mail($_POST[1]);', 'x');", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 0);
	/* the body of create_function() is code */
	view_of("<?php $b = 'mail'.'($a);'; $f = create_function('$a', $b); $f($_GET[1]);", 0);
	assert_int_equal(mw_php_norm_nlayers(nm), 1);
	l = mw_php_norm_layer(nm, 0);
	assert_int_equal(l->chain[0], MW_FN_LAMBDA);
	assert_memory_equal(l->data, "mail($a);", l->len);
}

/* CPU seconds of this thread: the bounds below are about work done, and
 * wall time grows with whatever else runs on the machine (make check
 * runs tests in parallel). */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_view_bombs(void **state)
{
	struct mw_buf b;
	size_t i, len, used = 0;
	double t0;

	(void)state;
	/* 1000 nested decoders in one expression */
	mw_buf_init(&b, 64 << 20);
	mw_buf_puts(&b, "<?php eval(");
	for (i = 0; i < 1000; i++)
		mw_buf_puts(&b, "base64_decode(");
	mw_buf_puts(&b, "'bWFpbA=='");
	for (i = 0; i < 1000; i++)
		mw_buf_putc(&b, ')');
	mw_buf_puts(&b, ");");
	t0 = now_s();
	assert_int_equal(mw_php_normalise(nm, b.data, b.len, 0, 16 << 20, NULL), MW_OK);
	assert_true(mw_php_norm_caps(nm) & MW_PHP_CAP_DEPTH);
	assert_true(now_s() - t0 < 5);
	mw_buf_free(&b);
	/* 10 MB of chr() concatenation */
	mw_buf_init(&b, 64 << 20);
	mw_buf_puts(&b, "<?php $x = ");
	while (b.len < (10u << 20))
		mw_buf_puts(&b, "chr(109).chr(97).");
	mw_buf_puts(&b, "chr(0);");
	t0 = now_s();
	assert_int_equal(mw_php_normalise(nm, b.data, b.len, 0, 16 << 20, NULL), MW_OK);
	assert_true(mw_php_norm_caps(nm) & MW_PHP_CAP_TOKENS);
	mw_php_norm_text(nm, &len);
	assert_true(len >= b.len / 10);
	print_message("10 MB of chr(): %.2f s, view %zu bytes\n", now_s() - t0, len);
	assert_true(now_s() - t0 < 20);
	mw_buf_free(&b);
	/* a literal of 1M tokens' worth of concatenations, folded to one */
	mw_buf_init(&b, 64 << 20);
	mw_buf_puts(&b, "<?php $x = 'a'");
	for (i = 0; i < 300000; i++)
		mw_buf_puts(&b, ".'b'");
	mw_buf_puts(&b, ";");
	assert_int_equal(mw_php_normalise(nm, b.data, b.len, 0, 16 << 20, &used), MW_OK);
	mw_php_norm_text(nm, &len);
	assert_int_equal(len, strlen("<?php $x='a'") + 300000 + strlen(";\n"));
	mw_buf_free(&b);
	/* a million failing decodes of a big literal: bounded work */
	mw_buf_init(&b, 64 << 20);
	mw_buf_puts(&b, "<?php $v = '");
	for (i = 0; i < (1u << 20); i++)
		mw_buf_putc(&b, 'z');
	mw_buf_puts(&b, "';\n");
	for (i = 0; i < 200000; i++)
		mw_buf_puts(&b, "hex2bin($v);str_replace('zy','',$v);");
	t0 = now_s();
	assert_int_equal(mw_php_normalise(nm, b.data, b.len, 0, 16 << 20, NULL), MW_OK);
	assert_true(mw_php_norm_caps(nm) & MW_PHP_CAP_DECODED);
	print_message("200k failing decodes of 1 MiB: %.2f s\n", now_s() - t0);
	assert_true(now_s() - t0 < 30);	/* unbounded: hours */
	mw_buf_free(&b);
	/* 64 MiB of zeros packed 1000:1: stopped by the ratio cap */
	{
		char *zero = calloc(1, 64 << 20), *lit;
		unsigned char *z;
		size_t zl;

		assert_non_null(zero);
		z = zpack(zero, 64 << 20, -15, &zl);
		lit = b64(z, zl);
		mw_buf_init(&b, 64 << 20);
		mw_buf_printf(&b, "<?php eval(gzinflate(base64_decode('%s')));", lit);
		assert_int_equal(mw_php_normalise(nm, b.data, b.len, 0, 16 << 20, &used),
				 MW_OK);
		assert_true(mw_php_norm_caps(nm) & MW_PHP_CAP_RATIO);
		assert_true(used <= zl * MW_PHP_MAX_INFLATE_RATIO + 4096);
		mw_buf_free(&b);
		free(lit);
		free(z);
		free(zero);
	}
	/* 1 GiB inflate: stopped, reported */
	{
		z_stream z;
		unsigned char *zero = calloc(1, 1 << 20), *out = malloc(8 << 20);
		char *lit;

		assert_non_null(zero);
		assert_non_null(out);
		memset(&z, 0, sizeof(z));
		assert_int_equal(deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY),
				 Z_OK);
		z.next_out = out;
		z.avail_out = 8 << 20;
		for (i = 0; i < 1024; i++) {
			z.next_in = zero;
			z.avail_in = 1 << 20;
			assert_int_equal(deflate(&z, i == 1023 ? Z_FINISH : Z_NO_FLUSH),
					 i == 1023 ? Z_STREAM_END : Z_OK);
		}
		lit = b64(out, z.total_out);
		deflateEnd(&z);
		mw_buf_init(&b, 64 << 20);
		mw_buf_printf(&b, "<?php eval(gzinflate(base64_decode('%s')));", lit);
		t0 = now_s();
		assert_int_equal(mw_php_normalise(nm, b.data, b.len, 0, 16 << 20, &used),
				 MW_OK);
		/* level 1 packs 1 GiB of zeros 170:1: the decode budget stops it */
		assert_true(mw_php_norm_caps(nm) & MW_PHP_CAP_DECODED);
		assert_true(used <= (16u << 20));
		print_message("1 GiB inflate bomb (%zu bytes): %.2f s\n", b.len, now_s() - t0);
		assert_true(now_s() - t0 < 10);
		mw_buf_free(&b);
		free(lit);
		free(zero);
		free(out);
	}
	mw_php_norm_trim(nm, 1 << 20);
}

/* ---- the engine with both views ---- */

struct hits {
	char ids[8][64];
	unsigned long lines[8];
	int views[8];
	char layers[8][256];
	int n;
};

static int on_hit(void *ud, const struct mw_sig_hit *h)
{
	struct hits *hs = ud;

	if (hs->n < 8) {
		snprintf(hs->ids[hs->n], sizeof(hs->ids[0]), "%s", h->rule->id);
		hs->lines[hs->n] = h->line;
		hs->views[hs->n] = h->view;
		snprintf(hs->layers[hs->n], sizeof(hs->layers[0]), "%s",
			 h->layer ? h->layer : "");
		hs->n++;
	}
	return 0;
}

static const char norm_rules[] =
	"rule mailer.norm-post-mail\n"
	"  family: mailer/eval-dropper\n"
	"  severity: high\n"
	"  description: mail() over request input, seen through obfuscation\n"
	"  literal: mail(\n"
	"  pattern: send norm /\\bmail\\(\\$_(?:POST|GET|REQUEST)\\[/\n"
	"  positive: a.php\n"
	"  negative: b.php\n"
	"end\n"
	"rule mailer.raw-post-mail\n"
	"  family: mailer/eval-dropper\n"
	"  severity: medium\n"
	"  description: the same on the bytes\n"
	"  literal: mail(\n"
	"  pattern: send raw /\\bmail\\s*\\(\\s*\\$_POST/\n"
	"  positive: a.php\n"
	"  negative: b.php\n"
	"end\n"
	"rule obfuscation.both-views\n"
	"  family: obfuscation/var-function\n"
	"  severity: high\n"
	"  description: assert called, with a request key on the bytes\n"
	"  literal: assert\n"
	"  pattern: call norm /\\bassert\\(\\$_POST/\n"
	"  pattern: key /\\[\\s*'k'\\s*\\]/\n"
	"  condition: call and key\n"
	"  positive: a.php\n"
	"  negative: b.php\n"
	"end\n";

static void match_src(struct mw_sig_db *db, const char *src, struct hits *h,
		      unsigned *caps)
{
	struct mw_sig_scratch *sc;

	memset(h, 0, sizeof(*h));
	assert_int_equal(mw_sig_scratch_new(db, &sc), MW_OK);
	assert_int_equal(mw_sig_match(db, sc, src, strlen(src), on_hit, NULL, h, NULL, NULL),
			 MW_OK);
	if (caps)
		*caps = mw_sig_scratch_caps(sc);
	mw_sig_scratch_free(sc);
}

static int find_hit(const struct hits *h, const char *id)
{
	int i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->ids[i], id) == 0)
			return i;
	return -1;
}

static void test_engine_views(void **state)
{
	struct mw_sig_set s;
	struct mw_sig_db *db = NULL;
	struct hits h;
	char err[256];
	unsigned caps;
	int k;

	(void)state;
	mw_sig_set_init(&s);
	assert_int_equal(mw_sig_parse(&s, "t.rules", norm_rules, strlen(norm_rules)), MW_OK);
	assert_int_equal(s.nerrors, 0);
	assert_int_equal(mw_sig_lint(&s), 0);
	assert_int_equal(s.rules[0].patterns[0].view, MW_SIG_VIEW_NORM);
	assert_int_equal(s.rules[1].patterns[0].view, MW_SIG_VIEW_RAW);
	assert_int_equal(s.rules[2].patterns[1].view, MW_SIG_VIEW_RAW);
	assert_int_equal(mw_sig_compile(&s, &db, NULL, NULL, err, sizeof(err)), MW_OK);

	/* plain, with an evaluator and a builder (a view): both rules */
	match_src(db, "<?php\nmail($_POST['to'], 's', 'b');\neval(chr(49));\n", &h, NULL);
	assert_true(find_hit(&h, "mailer.raw-post-mail") >= 0);
	k = find_hit(&h, "mailer.norm-post-mail");
	assert_true(k >= 0);
	assert_int_equal(h.lines[k], 2);
	assert_int_equal(h.views[k], MW_SIG_VIEW_NORM);
	/* split by a comment, the name decoded: only the view sees it, and
	 * the literal "mail(" is not in the bytes */
	match_src(db, "<?php\n$f = str_rot13('znvy');\n\n$f /* x */ ($_POST['to'], 's', 'b');\n",
		  &h, NULL);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.ids[0], "mailer.norm-post-mail");
	assert_int_equal(h.lines[0], 4);
	/* one condition over both views */
	match_src(db, "<?php $a = str_rot13('nffreg'); $a($_POST['k']);", &h, NULL);
	assert_true(find_hit(&h, "obfuscation.both-views") >= 0);
	match_src(db, "<?php $a = str_rot13('nffreg'); $a($_POST['j']);", &h, NULL);
	assert_true(find_hit(&h, "obfuscation.both-views") < 0);
	/* no sign of obfuscation nor a sink next to request input, over
	 * MW_SIG_VIEW_TINY_MAX: no view (the cost of one), so no match
	 * ("$a($_POST" would be one: a direct dynamic call with request
	 * data, php_flow.h) */
	{
		char src[MW_SIG_VIEW_TINY_MAX + 128];

		snprintf(src, sizeof(src), "<?php $a = 'ass'.'ert'; $k = $_POST['k']; $a($k);\n/*%*s*/",
			 (int)MW_SIG_VIEW_TINY_MAX, "");
		match_src(db, src, &h, NULL);
		assert_int_equal(h.n, 0);
		/* the same tiny: a view, whose name is folded */
		match_src(db, "<?php $a = 'ass'.'ert'; $k = $_POST['k']; $a($k);", &h, NULL);
		assert_true(find_hit(&h, "obfuscation.both-views") >= 0);
		/* tiny without request input nor a call through an expression:
		 * no view */
		match_src(db, "<?php $f = str_replace('x', '', 'mxaxil'); echo $f;", &h, NULL);
		assert_int_equal(h.n, 0);
	}
	/* request input next to a file-system sink: a view up to
	 * MW_SIG_VIEW_FS_MAX (here past MW_SIG_VIEW_DYNCALL_MAX, so that is
	 * the sign that counts), none past it */
	{
		static char src[MW_SIG_VIEW_FS_MAX + 256];
		static const char code[] = "<?php unlink( $_POST['f']);\n"
					   "mail /* x */ ( $_POST['to'], 's', 'b');\n";

		snprintf(src, sizeof(src), "%s/*%*s*/", code, (int)MW_SIG_VIEW_DYNCALL_MAX, "");
		match_src(db, src, &h, NULL);
		assert_true(find_hit(&h, "mailer.norm-post-mail") >= 0);
		snprintf(src, sizeof(src), "%s/*%*s*/", code, (int)MW_SIG_VIEW_FS_MAX, "");
		match_src(db, src, &h, NULL);
		assert_true(find_hit(&h, "mailer.norm-post-mail") < 0);
	}
	/* a decoder next to a base64 run of MW_SIG_VIEW_BLOB_RUN bytes: a
	 * view, whatever the size and wherever the evaluator hides; the
	 * decoded code is a layer */
	{
		char code[512], src[MW_SIG_VIEW_TINY_MAX + 1024], *lit;

		snprintf(code, sizeof(code), "mail($_POST['to'], 's', 'b');%*s", 200, "");
		lit = b64((unsigned char *)code, strlen(code));
		assert_true(strlen(lit) >= MW_SIG_VIEW_BLOB_RUN);
		snprintf(src, sizeof(src), "<?php\n$c = base64_decode('%s');\n/*%*s*/", lit,
			 (int)MW_SIG_VIEW_TINY_MAX, "");
		match_src(db, src, &h, NULL);
		k = find_hit(&h, "mailer.raw-post-mail");
		assert_true(k >= 0);
		assert_string_equal(h.layers[k], "base64_decode");
		/* the literal wrapped at 76 columns: still one run; at 40
		 * columns (prose-like lines): not */
		{
			char wrapped[1024], big[MW_SIG_VIEW_TINY_MAX + 2048], *w;
			size_t i, ll = strlen(lit);
			unsigned cols[] = { 76, 40 };

			for (unsigned c = 0; c < 2; c++) {
				for (w = wrapped, i = 0; i < ll; i++) {
					if (i && i % cols[c] == 0)
						*w++ = '\n';
					*w++ = lit[i];
				}
				*w = '\0';
				snprintf(big, sizeof(big), "<?php\n$c = base64_decode(\"%s\");\n/*%*s*/",
					 wrapped, (int)MW_SIG_VIEW_TINY_MAX, "");
				match_src(db, big, &h, NULL);
				assert_int_equal(find_hit(&h, "mailer.raw-post-mail") >= 0, c == 0);
			}
		}
		/* a shorter run: no view, no layer */
		code[40] = '\0';
		free(lit);
		lit = b64((unsigned char *)code, strlen(code));
		snprintf(src, sizeof(src), "<?php\n$c = base64_decode('%s');\n/*%*s*/", lit,
			 (int)MW_SIG_VIEW_TINY_MAX, "");
		match_src(db, src, &h, NULL);
		assert_int_equal(h.n, 0);
		free(lit);
	}
	/* not PHP (no tag): no view */
	match_src(db, "$f = str_rot13('znvy'); $f($_POST['to']);", &h, NULL);
	assert_int_equal(h.n, 0);
	/* a payload in a decoded layer: found, said so, at the literal */
	{
		static const char payload[] = "mail($_POST['to'], 's', 'b');";
		size_t zl;
		unsigned char *z = zpack(payload, sizeof(payload) - 1, -15, &zl);
		char *lit = b64(z, zl), src[4096];

		snprintf(src, sizeof(src), "<?php\n\n$x = '%s';\n@eval(gzinflate(base64_decode($x)));\n",
			 lit);
		match_src(db, src, &h, &caps);
		k = find_hit(&h, "mailer.raw-post-mail");
		assert_true(k >= 0);
		assert_string_equal(h.layers[k], "base64_decode > gzinflate");
		assert_int_equal(h.lines[k], 4);
		assert_true(find_hit(&h, "mailer.norm-post-mail") >= 0);
		assert_int_equal(caps, 0);
		free(lit);
		free(z);
	}
	/* layers of layers: eval(base64_decode('<eval(strrev(...))>')) */
	{
		static const char inner[] = ";)\"b\" ,\"s\" ,]\"ot\"[TSOP_$(liam";
		char mid[256], *lit, src[1024];

		snprintf(mid, sizeof(mid), "eval(strrev('%s'));", inner);
		lit = b64((unsigned char *)mid, strlen(mid));
		snprintf(src, sizeof(src), "<?php\neval(base64_decode('%s'));\n", lit);
		match_src(db, src, &h, &caps);
		k = find_hit(&h, "mailer.raw-post-mail");
		assert_true(k >= 0);
		assert_string_equal(h.layers[k], "base64_decode > strrev");
		assert_int_equal(h.lines[k], 2);
		free(lit);
	}
	/* six layers of eval(gzinflate(base64_decode(...))), twelve decoders:
	 * found, the whole chain said */
	{
		struct mw_buf cur;
		unsigned char *z;
		size_t zl;
		char *lit, *src;
		int i;

		mw_buf_init(&cur, 1 << 24);
		mw_buf_puts(&cur, "mail($_POST['to'], 's', 'b');");
		for (i = 0; i < 6; i++) {
			z = zpack(cur.data, cur.len, -15, &zl);
			lit = b64(z, zl);
			free(z);
			mw_buf_reset(&cur);
			mw_buf_printf(&cur, "eval(gzinflate(base64_decode('%s')));", lit);
			free(lit);
		}
		src = malloc(cur.len + 16);
		assert_non_null(src);
		snprintf(src, cur.len + 16, "<?php\n%s", cur.data);
		match_src(db, src, &h, &caps);
		k = find_hit(&h, "mailer.raw-post-mail");
		assert_true(k >= 0);
		assert_int_equal(h.lines[k], 2);
		assert_string_equal(h.layers[k], "base64_decode > gzinflate > base64_decode > "
				    "gzinflate > base64_decode > gzinflate > base64_decode > "
				    "gzinflate > base64_decode > gzinflate > base64_decode > gzinflate");
		assert_int_equal(caps, 0);
		free(src);
		mw_buf_free(&cur);
	}
	/* 300 layers inside layers (eval of gzinflate of base64, 300 times
	 * over: 119 KB; each level grows ~1 %, so 1000 would be 127 MB) and
	 * 1000 layers side by side: stopped at MW_SIG_MAX_LAYER_LEVEL and
	 * MW_SIG_MAX_LAYERS, reported, bounded time */
	{
		struct mw_buf cur, many;
		unsigned char *z;
		size_t zl;
		char *lit, *src;
		double t0;
		int i;

		mw_buf_init(&cur, 1 << 26);
		mw_buf_puts(&cur, "mail($_POST['to'], 's', 'b');");
		for (i = 0; i < 300; i++) {
			z = zpack(cur.data, cur.len, -15, &zl);
			lit = b64(z, zl);
			free(z);
			mw_buf_reset(&cur);
			assert_int_equal(mw_buf_printf(&cur, "eval(gzinflate(base64_decode('%s')));",
						       lit), MW_OK);
			free(lit);
		}
		src = malloc(cur.len + 16);
		assert_non_null(src);
		snprintf(src, cur.len + 16, "<?php %s", cur.data);
		t0 = now_s();
		match_src(db, src, &h, &caps);
		print_message("300 nested layers (%zu bytes): %.2f s, caps %#x\n", cur.len,
			      now_s() - t0, caps);
		assert_true(caps & MW_SIG_CAP_DEPTH);
		assert_int_equal(find_hit(&h, "mailer.raw-post-mail"), -1);
		assert_true(now_s() - t0 < 10);
		free(src);
		mw_buf_free(&cur);

		mw_buf_init(&many, 1 << 26);
		mw_buf_puts(&many, "<?php\n");
		lit = b64((const unsigned char *)"echo 123;", 9);
		for (i = 0; i < 1000; i++)
			mw_buf_printf(&many, "eval(base64_decode('%s'));\n", lit);
		free(lit);
		mw_buf_puts(&many, "eval(base64_decode('bWFpbCgkX1BPU1RbJ3RvJ10sICdzJywgJ2InKTs='));\n");
		t0 = now_s();
		match_src(db, many.data, &h, &caps);
		print_message("1000 layers side by side: %.2f s, caps %#x\n", now_s() - t0, caps);
		assert_true(caps & MW_SIG_CAP_LAYERS);
		assert_true(now_s() - t0 < 10);
		mw_buf_free(&many);
	}
	mw_sig_db_free(db);
	mw_sig_set_free(&s);
}

static void test_rule_syntax(void **state)
{
	struct mw_sig_set s;
	static const char bad[] =
		"rule mailer.x\n"
		"  pattern: a nrom /x/\n"
		"  pattern: b norm/x/\n"
		"  pattern: c raw  /y/i\n"
		"end\n";

	(void)state;
	mw_sig_set_init(&s);
	assert_int_equal(mw_sig_parse(&s, "t.rules", bad, strlen(bad)), MW_OK);
	assert_true(s.nerrors >= 2);
	assert_non_null(strstr(s.errors[0].text, "unknown view 'nrom'"));
	assert_non_null(strstr(s.errors[1].text, "expected a blank after the view"));
	assert_int_equal(s.rules[0].npatterns, 1);
	assert_int_equal(s.rules[0].patterns[0].view, MW_SIG_VIEW_RAW);
	mw_sig_set_free(&s);
}

/* The word table the lexer's callers look identifiers up in: any case,
 * first id kept, bounded by length and by half the slots. */
static void test_wordtab(void **state)
{
	static struct mw_wordtab t;
	char w[8];
	unsigned i, added = 0;

	(void)state;
	assert_int_equal(mw_wordtab_add(&t, "Base64_Decode", 7), 0);
	assert_int_equal(mw_wordtab_get(&t, "base64_decode", 13), 7);
	assert_int_equal(mw_wordtab_get(&t, "BASE64_DECODE(", 13), 7);
	assert_int_equal(mw_wordtab_get(&t, "base64_decod", 12), 0);
	assert_int_equal(mw_wordtab_get(&t, "base64_decodex", 14), 0);
	assert_int_equal(mw_wordtab_add(&t, "base64_decode", 9), 0);	/* first wins */
	assert_int_equal(mw_wordtab_get(&t, "base64_decode", 13), 7);
	assert_int_equal(mw_wordtab_add(&t, "", 1), -1);
	assert_int_equal(mw_wordtab_add(&t, "x", 0), -1);
	assert_int_equal(mw_wordtab_add(&t, "a_name_of_thirty_two_bytes_long!", 1), -1);
	assert_int_equal(mw_wordtab_get(&t, "a_name_of_thirty_two_bytes_long!", 32), 0);
	assert_int_equal(mw_wordtab_get(&t, "", 0), 0);
	for (i = 0; i < MW_WORDTAB_SLOTS; i++) {
		snprintf(w, sizeof(w), "w%u", i);
		if (mw_wordtab_add(&t, w, (uint8_t)(1 + i % 200)) == 0)
			added++;
	}
	assert_int_equal(added, MW_WORDTAB_SLOTS / 2 - 1);
	assert_int_equal(mw_wordtab_get(&t, "W0", 2), 1);
	assert_int_equal(mw_wordtab_get(&t, "w9999", 5), 0);	/* half full: ends */
	assert_int_equal(mw_wordtab_get(&t, "base64_decode", 13), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lex_tags),
		cmocka_unit_test(test_lex_comments),
		cmocka_unit_test(test_lex_strings),
		cmocka_unit_test(test_lex_heredoc),
		cmocka_unit_test(test_lex_code),
		cmocka_unit_test(test_lex_prefixes),
		cmocka_unit_test(test_lex_token_cap),
		cmocka_unit_test(test_decoders),
		cmocka_unit_test(test_view_form),
		cmocka_unit_test(test_view_folds),
		cmocka_unit_test(test_view_no_fold),
		cmocka_unit_test(test_view_map),
		cmocka_unit_test(test_view_layers),
		cmocka_unit_test(test_view_eval_literal),
		cmocka_unit_test(test_view_bombs),
		cmocka_unit_test(test_engine_views),
		cmocka_unit_test(test_rule_syntax),
		cmocka_unit_test(test_wordtab),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
