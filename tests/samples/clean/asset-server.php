<?php
// Clean: a tiny endpoint serving a bundled favicon stored as base64 and a
// help page printing the name of a PHP function as plain text.
if (isset($_GET['icon'])) {
	header('Content-Type: image/x-icon');
	echo base64_decode('AAABAAEAEBAQAAEABAAoAQAAFgAAACgAAAAQAAAAIAAAAAEABAAAAAAAgAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAA/4QAAP///wA=');
	exit;
}
echo 'Use the PHP function system() only with fixed commands.';
