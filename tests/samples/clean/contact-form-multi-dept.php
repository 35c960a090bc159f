<?php
/* Clean: contact form with a department selector. Recipients come from a
 * server-side whitelist keyed by the posted department, never from input. */
$departments = array(
	'sales'   => 'sales@example.com',
	'support' => 'support@example.com',
	'press'   => 'press@example.com',
);
$dept = isset($_POST['dept'], $departments[$_POST['dept']]) ? $_POST['dept'] : 'support';
$from = filter_var($_POST['email'], FILTER_SANITIZE_EMAIL);
$body = wordwrap(strip_tags($_POST['body']), 70);
$sent = mail($departments[$dept], '[Contact] ' . $dept, $body, 'Reply-To: ' . $from);
header('Location: /thanks.html');
