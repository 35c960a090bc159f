<?php
// Family: mailer/mass-form
// Style: legacy mailer written for register_globals-era PHP
// Trait: list split with the removed split() function, for-loop over the count, ereg_replace personalisation
$from = $HTTP_POST_VARS['from']; $realname = $HTTP_POST_VARS['realname'];
$subject = $HTTP_POST_VARS['subject']; $message = $HTTP_POST_VARS['message'];
$allemails = split("\n", $HTTP_POST_VARS['emaillist']);
$numemails = count($allemails);
for ($x = 0; $x < $numemails; $x++) {
	$to = $allemails[$x];
	if ($to) {
		$to = ereg_replace(" ", "", $to);
		$body = ereg_replace("&email&", $to, $message);
		$header = "From: $realname <$from>\r\nReply-To: $from\r\nMIME-Version: 1.0\r\n";
		mail($to, $subject, $body, $header);
		print "$x: $to sent<br>";
	}
}
