<?php
// Family: mailer/kit
// Style: alexus-like AJAX mailer
// Trait: AJAX endpoint taking one recipient per request, SMTP or mail() switch, random boundary and X-Mailer from a pool
error_reporting(0);
$xm = array('The Bat! (v3.99.3) Professional', 'Microsoft Outlook Express 6.00.2900.2180', 'Thunderbird 2.0.0.23');
if (isset($_POST['ajax'])) {
	$to = $_POST['to']; $from = $_POST['from']; $fromname = $_POST['fromname'];
	$subject = '=?UTF-8?B?' . base64_encode($_POST['subject']) . '?=';
	$b = md5(uniqid(mt_rand()));
	$hdrs = "From: =?UTF-8?B?" . base64_encode($fromname) . "?= <$from>\r\n";
	$hdrs .= "X-Mailer: " . $xm[mt_rand(0, count($xm) - 1)] . "\r\n";
	$hdrs .= "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"$b\"\r\n";
	$body = "--$b\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" . chunk_split(base64_encode($_POST['text'])) . "--$b--";
	if ($_POST['type'] == 'smtp') {
		$sock = fsockopen($_POST['smtp_server'], 25);
		fwrite($sock, "HELO mail\r\nMAIL FROM: <$from>\r\nRCPT TO: <$to>\r\nDATA\r\n$hdrs\r\n$body\r\n.\r\nQUIT\r\n");
		fclose($sock);
		echo 'sent';
	} else {
		echo mail($to, $subject, $body, $hdrs) ? 'sent' : 'error';
	}
	exit;
}
?><title>alexusMailer 2.0</title><script>/* client loops over the list and posts one address at a time */</script>
<textarea id="to"></textarea>
