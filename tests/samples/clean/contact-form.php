<?php
// Clean: a site contact form. The recipient is fixed; the visitor's address only
// goes into Reply-To after validation; this must not be reported above info.
$to = 'info@example.org';
$errors = array();
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
	$name = trim($_POST['name'] ?? '');
	$email = filter_var($_POST['email'] ?? '', FILTER_VALIDATE_EMAIL);
	$message = trim($_POST['message'] ?? '');
	$subject = 'Website contact: ' . substr(preg_replace('/[\r\n]+/', ' ', $_POST['subject'] ?? ''), 0, 80);
	if (!$email) $errors[] = 'Please enter a valid address.';
	if ($message === '') $errors[] = 'Please write a message.';
	if (!$errors) {
		$headers = "From: Website <noreply@example.org>\r\n";
		$headers .= "Reply-To: $email\r\n";
		$headers .= "Content-Type: text/plain; charset=UTF-8\r\n";
		$ok = mail($to, $subject, "From: $name <$email>\n\n$message", $headers);
		echo $ok ? '<p>Thank you.</p>' : '<p>Sorry, try again later.</p>';
	}
}
?>
<html><head><title>Contact us</title></head><body>
<form method="post"><input name="name"><input name="email"><input name="subject">
<textarea name="message"></textarea><button>Send</button></form></body></html>
