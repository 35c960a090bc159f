<?php
/* Family: mailer/mass-form
 * Style: remote-controlled sender with a helper function
 * Trait: recipient, sender and subject from POST go through trim() and a helper whose parameters become mail()'s recipient and headers
 */
function send_one($from, $to, $subject, $text)
{
	$h  = "From: <" . trim($from) . ">\n";
	$h .= "MIME-Version: 1.0\n";
	return mail("$to", "$subject", $text, $h);
}
@$who  = trim($_POST['who']);
@$rcpt = trim($_POST['rcpt']);
@$subj = trim($_POST['s']);
print send_one($who, $rcpt, $subj, $_POST['t']) ? 'OK' : 'FAIL';
