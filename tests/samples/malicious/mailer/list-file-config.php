<?php
// Family: mailer/mass-form
// Style: mass mailer whose list file name sits in a config array
// Trait: the list path is configured first and read later through a variable; each line gets mail() with a hand-built From and priority header
$cfg['list'] = 'targets.txt';
$cfg['from'] = 'Billing <billing@example.invalid>';
$cfg['subject'] = 'Account notice';
$path = $cfg['list'];
$lines = @file($path);
for ($i = 0; $i < count($lines); $i++) {
	$to = trim($lines[$i]);
	if (!strpos($to, '@')) {
		continue;
	}
	mail($to, $cfg['subject'], 'Please review your account.', "From: " . $cfg['from'] . "\nX-Priority: 1\nContent-type: text/html\n");
}
