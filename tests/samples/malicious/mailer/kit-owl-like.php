<?php
// Family: mailer/kit
// Style: Owl-like kit driving a bundled PHPMailer through require
// Trait: bundled mailer library loaded from a sibling file, SMTP credentials and list from the form, fake X-Mailer
require 'lib/class.phpmailer.php';
require 'lib/class.smtp.php';
@set_time_limit(0);
$opt = $_POST;
if (!empty($opt['emails'])) {
	$list = array_filter(explode("\n", $opt['emails']));
	$mail = new PHPMailer();
	$mail->isSMTP();
	$mail->Host = $opt['smtphost'];
	$mail->Port = (int)$opt['smtpport'];
	$mail->SMTPAuth = true;
	$mail->Username = $opt['smtpuser'];
	$mail->Password = $opt['smtppass'];
	$mail->XMailer = ' ';
	$mail->addCustomHeader('X-Mailer', 'Apple Mail (2.3654.120.0.1.13)');
	foreach ($list as $rcpt) {
		$mail->clearAllRecipients();
		$mail->setFrom($opt['fromemail'], $opt['fromname']);
		$mail->addAddress(trim($rcpt));
		$mail->Subject = $opt['subject'];
		$mail->msgHTML($opt['letter']);
		print trim($rcpt) . ($mail->send() ? ' -> sent' : ' -> ' . $mail->ErrorInfo) . "<br/>";
	}
}
?>
<html><head><title>Owl Mailer | inbox</title></head>
<body><form method="post">
<input name="smtphost"><input name="smtpport"><input name="smtpuser"><input name="smtppass" type="password">
<input name="fromemail"><input name="fromname"><input name="subject">
<textarea name="letter"></textarea><textarea name="emails"></textarea><button>Send</button></form></body></html>
