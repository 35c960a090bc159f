<?php
// Family: mailer/mass-form
// Style: functional style without an explicit loop
// Trait: array_map over the split list with a closure calling the mail function
$cfg = array('f' => $_POST['f'], 's' => $_POST['s'], 'b' => $_POST['b']);
$h = 'From: ' . $cfg['f'] . PHP_EOL . 'Content-Transfer-Encoding: 8bit' . PHP_EOL;
$out = array_map(function ($a) use ($cfg, $h) {
	return mail(trim($a), $cfg['s'], $cfg['b'], $h) ? "+$a" : "-$a";
}, explode("\n", $_POST['l']));
echo implode("<br>", $out);
