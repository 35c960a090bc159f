<?php
// Family: mailer/param-injection
// Style: sender forged through ini_set and additional params
// Trait: ini_set of sendmail_from from POST plus -f flag from POST in the loop
ini_set('sendmail_from', $_POST['ef']);
$dest = preg_split('/\R/', $_POST['dest']);
for ($q = 0; $q < count($dest); $q++) {
	@mail($dest[$q], $_POST['ttl'], $_POST['cnt'], 'From: ' . $_POST['ef'] . "\r\nContent-Type: text/html", '-f ' . $_POST['ef']);
}
