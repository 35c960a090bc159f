<?php
/* Family: mailer/kit
 * Style: inbox mass mailer with mail()/SMTP selector and attachments
 * Trait: "use SMTP" checkbox, attachment from upload encoded inline, list textarea, spoofed Message-ID
 */
@set_time_limit(0);
$smtp_on = isset($_POST['use_smtp']);
$attach = '';
if (!empty($_FILES['attach']['tmp_name'])) {
	$attach = chunk_split(base64_encode(file_get_contents($_FILES['attach']['tmp_name'])));
}
$bnd = '==Multipart_Boundary_x' . md5(time()) . 'x';
$mailist = explode("\n", $_POST['mailist']);
foreach ($mailist as $adr) {
	$hd = "From: " . $_POST['fname'] . " <" . $_POST['femail'] . ">\n";
	$hd .= "Message-ID: <" . md5(rand()) . "@" . $_POST['msgid_domain'] . ">\n";
	$hd .= "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"$bnd\"\n";
	$bd = "--$bnd\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n" . $_POST['content'] . "\n";
	if ($attach) $bd .= "--$bnd\nContent-Type: application/octet-stream; name=\"" . $_FILES['attach']['name'] . "\"\nContent-Transfer-Encoding: base64\n\n$attach\n";
	$bd .= "--$bnd--";
	if ($smtp_on) { include 'smtp_send.php'; smtp_send($_POST['smtp_host'], $adr, $_POST['subject'], $bd, $hd); }
	else { mail(trim($adr), $_POST['subject'], $bd, $hd); }
	echo trim($adr) . "<br>";
}
?><html><title>Inbox Mass Mailer</title></html>
