<?php
/* Family: mailer/mass-form
 * Style: personalisation tags
 * Trait: [email] and [random] tags replaced per recipient, random sender local part
 */
error_reporting(0);
function rnd_str($n) { return substr(str_shuffle('abcdefghijklmnopqrstuvwxyz0123456789'), 0, $n); }
$recips = explode("\n", str_replace("\r", '', $_POST['recipients']));
$tpl = $_POST['template'];
$subj = $_POST['subject'];
$domain = $_POST['sender_domain'];
foreach ($recips as $idx => $rc) {
	$body = str_replace(array('[email]', '[random]'), array($rc, rnd_str(8)), $tpl);
	$snd = rnd_str(6) . '@' . $domain;
	$h = "From: Support <$snd>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=\"utf-8\"\r\n";
	mail($rc, str_replace('[email]', $rc, $subj), $body, $h);
	echo "[$idx] $rc\n";
}
