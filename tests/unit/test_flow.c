/* The data-flow facts of signatures/php_flow.c, on the normalised view. */
#include "tests/unit/testutil.h"

#include "core/buf.h"
#include "signatures/php_flow.h"
#include "signatures/php_norm.h"

struct run {
	int capped;
};

/* Facts of PHP source src, as the scanner gets them: normalised, the
 * facts at the end of the view. */
static char *facts_of(const char *src, struct run *r)
{
	struct mw_php_norm *n = mw_php_norm_new();
	const char *facts, *v;
	size_t fl, vl, used = 0;
	char *s;

	assert_non_null(n);
	assert_int_equal(mw_php_normalise(n, src, strlen(src), 0, 1 << 20, &used), MW_OK);
	facts = mw_php_norm_facts(n, &fl);
	v = mw_php_norm_text(n, &vl);
	/* they are the view's last bytes */
	assert_true(fl <= vl);
	assert_memory_equal(v + vl - fl, facts, fl);
	r->capped = (mw_php_norm_caps(n) & MW_PHP_CAP_FLOW) != 0;
	s = strndup(facts, fl);
	mw_php_norm_free(n);
	return s;
}

#define EXPECT(src, want) do {						\
	struct run r_;							\
	char *got_ = facts_of(src, &r_);				\
	assert_string_equal(got_, want);				\
	free(got_);							\
} while (0)

static void test_assignments(void **state)
{
	(void)state;
	EXPECT("<?php $c = ($_REQUEST['x']); system($c);", "system($_REQUEST);\n");
	EXPECT("<?php $a = $_GET['a']; $b = \"ls $a\"; $d = $b . ' 2>&1'; passthru($d);",
	       "passthru($_GET);\n");
	EXPECT("<?php $a = $b = $_POST['x']; exec($b); exec($a);", "exec($_POST);\n");
	EXPECT("<?php $q['k'] = $_COOKIE['c']; shell_exec($q['k']);",
	       "shell_exec($_COOKIE);\n");
	/* a request key selects from a server-side array: not data */
	EXPECT("<?php $to = array('a' => 'x@example.org'); $d = $_POST['d']; mail($to[$d], 's', 'b');",
	       "");
	EXPECT("<?php $to = $_POST['list']; mail($to[0], 's', 'b');", "mail($_POST,0,0,0,0);\n");
	/* nothing from the request: no fact */
	EXPECT("<?php $c = 'uptime'; system($c); $x = $_POST['a'];", "");
	/* a value assigned below its use: the session slot an earlier
	 * request filled, a loop's next round */
	EXPECT("<?php session_start(); if (isset($_SESSION['p'])) { $p = $_SESSION['p']; eval($p); }"
	       " else { $_SESSION['p'] = base64_decode($_POST['c']); }", "eval($_POST);\n");
	EXPECT("<?php while (1) { if ($c) system($c); $c = $_GET['n']; }", "system($_GET);\n");
	/* a callable made from request data: ReflectionFunction, SQLite */
	EXPECT("<?php $p = json_decode($_GET['p'], true); $r = new ReflectionFunction($p['a']);",
	       "callback($_GET,$_GET);\n");
	EXPECT("<?php $e = $_REQUEST['e']; $db = new SQLite3('x'); $db->createFunction('f', $e);",
	       "callback($_REQUEST,$_REQUEST);\n");
	EXPECT("<?php $r = new ReflectionFunction('strlen'); $db->createFunction('f', 'strlen');", "");
	/* an element of the request called with request data */
	EXPECT("<?php $_POST['f']($_GET['a']);", "$_POST($_GET);\n");
	EXPECT("<?php $h['f']($_GET['a']);", "");
	/* direct code is in the view already; the fact says it once more */
	EXPECT("<?php eval($_POST['e']);", "eval($_POST);\n");
}

static void test_sanitisers_and_methods(void **state)
{
	(void)state;
	EXPECT("<?php $n = intval($_GET['n']); exec('convert -resize ' . $n);", "");
	EXPECT("<?php system('ls ' . escapeshellarg($_GET['d']));", "");
	EXPECT("<?php $s = (int)$_GET['s']; system(\"sleep $s\");", "");
	EXPECT("<?php if (isset($_POST['go'])) { exec('true'); }", "");
	/* a PDO statement is not a command */
	EXPECT("<?php $db->exec($_POST['sql']); $st::system($_POST['x']);", "");
}

static void test_wrappers(void **state)
{
	(void)state;
	/* used before it is defined */
	EXPECT("<?php echo ex($_GET['c']); function ex($in) { ob_start(); passthru($in); return ob_get_clean(); }",
	       "passthru($_GET);\n");
	/* a wrapper of a wrapper, second parameter */
	EXPECT("<?php function a($x, $y) { b($y); } function b($z) { shell_exec($z . ' 2>&1'); }"
	       " a(1, $_POST['p']);", "shell_exec($_POST);\n");
	/* a function that returns request data is a source */
	EXPECT("<?php function g() { return $_COOKIE['k']; } $v = g(); assert($v);",
	       "assert($_COOKIE);\n");
	/* a method wrapper */
	EXPECT("<?php class S { function run($c) { return `$c`; } } $s = new S; $s->run($_REQUEST['c']);",
	       "shell_exec($_REQUEST);\n");
	/* parameters untainted at the call: nothing */
	EXPECT("<?php function ex($in) { system($in); } ex('id');", "");
}

static void test_scopes(void **state)
{
	(void)state;
	/* $cmd of the file is not the function's $cmd */
	EXPECT("<?php $cmd = $_GET['c']; function f() { $cmd = 'date'; system($cmd); } f();", "");
	/* unless the function says global */
	EXPECT("<?php $cmd = $_GET['c']; function f() { global $cmd; system($cmd); } f();",
	       "system($_GET);\n");
	/* a closure sees the enclosing scope */
	EXPECT("<?php $c = $_POST['c']; $run = function () use ($c) { exec($c); }; $run();",
	       "exec($_POST);\n");
}

static void test_other_flows(void **state)
{
	(void)state;
	EXPECT("<?php foreach ($_POST as $k => $v) { eval($v); }", "eval($_POST);\n");
	EXPECT("<?php @extract($_REQUEST); @die($ctime($atime));", "$_REQUEST($_REQUEST);\n");
	EXPECT("<?php $c = base64_decode('YQ==') . $_GET['n']; @$c($_POST['x']);", "$_GET($_POST);\n");
	EXPECT("<?php $k = implode('', array('as', 'sert')); $k($_POST['v']);",
	       "$f($_POST);\n");
	/* a name the normaliser folds is the call it names */
	EXPECT("<?php $k = substr_replace('asxx', 'sert', 2); $k($_POST['v']);",
	       "assert($_POST);\n");
	/* an invokable object given an options array is not a function call on
	 * request data */
	EXPECT("<?php $h = $c->get('x'); $h(['id' => $_GET['id']]);", "");
	EXPECT("<?php $e = $_SERVER['HTTP_X_CODE']; eval($e); $r = $_SERVER['DOCUMENT_ROOT']; eval($r);",
	       "eval($_SERVER['HTTP_']);\n");
	EXPECT("<?php $all = array_values($_SERVER); eval($all[3]);", "eval($_SERVER['HTTP_']);\n");
	EXPECT("<?php $b = file_get_contents('php://input'); eval($b);", "eval($_REQUEST);\n");
	EXPECT("<?php include('php://input');", "include($_REQUEST);\n");
	/* register_globals: $_GET['cmd'] is read, the bare $cmd is run */
	EXPECT("<?php if (isset($_GET['cmd'])) { system($cmd); }", "system($_GET);\n");
	EXPECT("<?php $n = intval($_GET['n']); if (isset($_GET['n'])) { system('sleep ' . $n); }", "");
	/* ... or the file's own form asks for it; in a string, after .= */
	EXPECT("<form><input type=text name=\"command\"></form><?php system(\"$command 2>&1\");",
	       "system($_REQUEST);\n");
	EXPECT("<?php echo '<input name=\\'cmd\\'>'; $cmd .= ' -la'; system($cmd);",
	       "system($_REQUEST);\n");
	EXPECT("<?php extract($_POST); $c .= ' -la'; passthru($c);", "passthru($_POST);\n");
	/* not: a field the file assigns itself, one inside a function, another name */
	EXPECT("<?php echo '<input name=\"cmd\">'; $cmd = 'ls'; system($cmd);", "");
	EXPECT("<?php echo '<input name=\"cmd\">'; function f() { system($cmd); }", "");
	EXPECT("<?php echo '<input name=\"dir\">'; system($cmd);", "");
	/* the request names the callback and gives its data */
	EXPECT("<?php $w = $_REQUEST['w']; $a = array($_REQUEST['v']); uasort($a, base64_decode($w));",
	       "callback($_REQUEST,$_REQUEST);\n");
	/* a callback registered on our side, picked by request data: not one */
	EXPECT("<?php $hooks['x'] = $_POST['h']; $cb = $hooks['x']; call_user_func($cb, $_POST['d']);"
	       " call_user_func($registry[$_GET['k']], $_POST['d']);", "");
	EXPECT("<?php $h = getallheaders(); assert($h['X']);", "assert($_SERVER['HTTP_']);\n");
	EXPECT("<?php $c = getenv('HTTP_X_K'); eval($c); eval(getenv('PATH'));",
	       "eval($_SERVER['HTTP_']);\n");
	EXPECT("<?php $r = $_GET['r']; preg_replace('/x/e', $r, 'x'); preg_replace('/x/', $r, 'x');",
	       "preg_replace_e(0,$_GET);\npreg_replace(0,$_GET);\n");
	EXPECT("<?php $to = $_POST['to']; mail($to, 'hi', $body, $h);",
	       "mail($_POST,0,0,0,0);\n");
	/* a wrapper's columns in one fact */
	EXPECT("<?php function s($f, $t, $j) { return mail(\"$t\", $j, 'x', \"From: $f\"); }"
	       " s($_POST['f'], $_POST['t'], 'hi');", "mail($_POST,0,0,$_POST,0);\n");
	EXPECT("<?php $p = $_GET['f']; $fh = fopen($p, 'w'); fwrite($fh, $_POST['c']);",
	       "fopen($_GET);\nfwrite($_GET,$_POST);\n");
}

/* The pass is skipped for views without a request source (has_source());
 * every kind of source still gets it, in any case where PHP allows. */
static void test_source_precheck(void **state)
{
	(void)state;
	EXPECT("<?php $c = $argv[1]; system($c); $f = $_SESSION['x']; eval($f);", "");
	EXPECT("<?php $h = GetAllHeaders(); assert($h['X']);", "assert($_SERVER['HTTP_']);\n");
	EXPECT("<?php $h = APACHE_REQUEST_HEADERS(); eval($h['X']);", "eval($_SERVER['HTTP_']);\n");
	EXPECT("<?php $b = file_get_contents('PHP://input'); eval($b);", "eval($_REQUEST);\n");
	EXPECT("<?php system($HTTP_POST_VARS['c']);", "system($_POST);\n");
	EXPECT("<?php eval(${'_PO' . 'ST'}['c']);", "eval($_POST);\n");
	EXPECT("<?php $x = \"{$_COOKIE['c']}\"; passthru($x);", "passthru($_COOKIE);\n");
	EXPECT("<?php system($_FILES['f']['name']);", "system($_FILES);\n");
	EXPECT("<?php $u = $_SERVER['HTTP_USER_AGENT']; exec($u);", "exec($_SERVER['HTTP_']);\n");
}

static void test_facts_in_view_and_map(void **state)
{
	static const char src[] = "<?php\n$c = $_GET['c'];\n\n\nsystem($c);\n";
	struct mw_php_norm *n = mw_php_norm_new();
	const char *v, *at;
	size_t vl, used = 0, raw;

	(void)state;
	assert_int_equal(mw_php_normalise(n, src, strlen(src), 0, 1 << 20, &used), MW_OK);
	v = mw_php_norm_text(n, &vl);
	at = strstr(v, "\nsystem($_GET);\n");
	assert_non_null(at);
	/* the fact maps back to the sink call on line 5 */
	raw = mw_php_norm_raw_offset(n, (size_t)(at + 1 - v));
	assert_int_equal(raw, (size_t)(strstr(src, "system") - src));
	mw_php_norm_free(n);
}

static void test_dedup_and_bounds(void **state)
{
	struct mw_buf src;
	struct run r;
	char *got;
	size_t i;

	(void)state;
	EXPECT("<?php $a = $_GET['a']; system($a); system($a); system($_GET['b']);",
	       "system($_GET);\n");
	/* a million tokens: bounded, capped, no crash */
	mw_buf_init(&src, (size_t)64 << 20);
	assert_int_equal(mw_buf_puts(&src, "<?php $x = $_GET['x'];"), MW_OK);
	for (i = 0; i < 200000; i++)
		assert_int_equal(mw_buf_puts(&src, "$x=f($x);"), MW_OK);
	assert_int_equal(mw_buf_puts(&src, "system($x);"), MW_OK);
	got = facts_of(mw_buf_str(&src), &r);
	assert_true(r.capped);
	free(got);
	mw_buf_reset(&src);
	/* deep nesting: each call's arguments are read once, within budget */
	assert_int_equal(mw_buf_puts(&src, "<?php system("), MW_OK);
	for (i = 0; i < 50000; i++)
		assert_int_equal(mw_buf_puts(&src, "f("), MW_OK);
	assert_int_equal(mw_buf_puts(&src, "$_GET['x']"), MW_OK);
	for (i = 0; i < 50000; i++)
		assert_int_equal(mw_buf_putc(&src, ')'), MW_OK);
	assert_int_equal(mw_buf_puts(&src, ");"), MW_OK);
	got = facts_of(mw_buf_str(&src), &r);
	assert_string_equal(got, "system($_GET);\n");
	free(got);
	/* many functions, each a wrapper: the table's bound */
	mw_buf_reset(&src);
	assert_int_equal(mw_buf_puts(&src, "<?php "), MW_OK);
	for (i = 0; i < MW_FLOW_MAX_FUNCS + 50; i++)
		assert_int_equal(mw_buf_printf(&src, "function w%zu($a){system($a);}", i), MW_OK);
	assert_int_equal(mw_buf_puts(&src, "w3($_POST['c']);"), MW_OK);
	got = facts_of(mw_buf_str(&src), &r);
	assert_string_equal(got, "system($_POST);\n");
	assert_true(r.capped);
	free(got);
	mw_buf_free(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assignments),
		cmocka_unit_test(test_sanitisers_and_methods),
		cmocka_unit_test(test_wrappers),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_other_flows),
		cmocka_unit_test(test_source_precheck),
		cmocka_unit_test(test_facts_in_view_and_map),
		cmocka_unit_test(test_dedup_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
