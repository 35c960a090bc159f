<?php
/* Family: mailer/spoof-headers
   Style: single message with spoofed client
   Trait: one recipient, From and Reply-To taken from GET, X-Mailer and X-Originating-IP forged */
$hd = array(
	'From: ' . $_GET['from'],
	'Reply-To: ' . $_GET['reply'],
	'X-Mailer: iPhone Mail (18E199)',
	'X-Originating-IP: [' . long2ip(mt_rand()) . ']',
	'MIME-Version: 1.0',
	'Content-Type: text/html; charset=utf-8',
);
mail($_GET['to'], $_GET['subject'], $_GET['html'], implode("\r\n", $hd));
