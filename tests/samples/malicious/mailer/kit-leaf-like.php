<?php
/**
 * Family: mailer/kit
 * Style: Leaf-like kit with an embedded mailer class
 * Trait: banner, SMTP host/user/pass fields from POST, list from textarea, random sender names, X-Mailer spoofing
 */
error_reporting(0);
set_time_limit(0);
class PHPMailerLite {
	public $Host = 'localhost'; public $Port = 25; public $Username = ''; public $Password = '';
	public $SMTPAuth = false; public $From = ''; public $FromName = ''; public $Subject = '';
	public $Body = ''; public $XMailer = ''; public $Mailer = 'mail'; private $to = array();
	public function addAddress($a) { $this->to[] = $a; }
	public function clearAddresses() { $this->to = array(); }
	public function send() {
		$h = "From: {$this->FromName} <{$this->From}>\r\nX-Mailer: {$this->XMailer}\r\nMIME-Version: 1.0\r\n";
		if ($this->Mailer == 'smtp') { return $this->smtpSend($h); }
		return mail(implode(',', $this->to), $this->Subject, $this->Body, $h);
	}
	private function smtpSend($h) {
		$s = fsockopen($this->Host, $this->Port, $en, $es, 15);
		if (!$s) return false;
		fgets($s, 515);
		fputs($s, "EHLO " . gethostname() . "\r\n"); fgets($s, 515);
		if ($this->SMTPAuth) {
			fputs($s, "AUTH LOGIN\r\n"); fgets($s, 515);
			fputs($s, base64_encode($this->Username) . "\r\n"); fgets($s, 515);
			fputs($s, base64_encode($this->Password) . "\r\n"); fgets($s, 515);
		}
		fputs($s, "MAIL FROM:<{$this->From}>\r\n"); fgets($s, 515);
		foreach ($this->to as $t) { fputs($s, "RCPT TO:<$t>\r\n"); fgets($s, 515); }
		fputs($s, "DATA\r\n"); fgets($s, 515);
		fputs($s, $h . "Subject: {$this->Subject}\r\n\r\n{$this->Body}\r\n.\r\n"); fgets($s, 515);
		fputs($s, "QUIT\r\n"); fclose($s);
		return true;
	}
}
function randName() { $n = array('Service', 'Support', 'Billing', 'Security Team', 'Account'); return $n[array_rand($n)]; }
$senderEmail = $_POST['senderEmail']; $senderName = $_POST['senderName']; $subject = $_POST['subject'];
$messageLetter = $_POST['messageLetter']; $emailList = $_POST['emailList'];
$smtpHost = $_POST['smtp_host']; $smtpUser = $_POST['smtp_user']; $smtpPass = $_POST['smtp_pass'];
if ($_POST['action'] == 'send') {
	$maillist = explode("\r\n", $emailList);
	foreach ($maillist as $i => $email) {
		$m = new PHPMailerLite();
		if ($smtpHost) { $m->Mailer = 'smtp'; $m->Host = $smtpHost; $m->SMTPAuth = true; $m->Username = $smtpUser; $m->Password = $smtpPass; }
		$m->From = $senderEmail; $m->FromName = $senderName ? $senderName : randName();
		$m->XMailer = 'Microsoft Office Outlook, Build 11.0.5510';
		$m->Subject = $subject; $m->Body = $messageLetter; $m->addAddress(trim($email));
		echo ($i + 1) . '/' . count($maillist) . ' ' . $email . ' ' . ($m->send() ? 'Ok' : 'Not sent') . "<br>";
	}
}
?>
<title>Leaf PHPMailer</title>
<form method="post"><input name="senderEmail"><input name="senderName"><input name="subject">
<input name="smtp_host"><input name="smtp_user"><input name="smtp_pass">
<textarea name="messageLetter"></textarea><textarea name="emailList"></textarea>
<input type="hidden" name="action" value="send"><input type="submit"></form>
