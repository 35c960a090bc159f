<?php
// Clean: a site that mails the administrator after repeated failed logins.
// It reports the user name and the client address, never the password.
function notify_failed_login($user, $count) {
	$ip = $_SERVER['REMOTE_ADDR'];
	$text = "Failed logins for user " . $user . ": " . $count . " from " . $ip . "\n";
	$headers = "From: site <noreply@example.org>\r\nContent-Type: text/plain\r\n";
	mail('admin@example.org', 'failed logins', $text, $headers);
}
if (isset($_POST['log']) && !check_password($_POST['log'], $_POST['pwd'])) {
	notify_failed_login($_POST['log'], count_failures($_POST['log']));
}
