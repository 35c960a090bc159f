<?php
// Family: mailer/kit
// Style: priv8 inbox mailer with embedded class
// Trait: embedded SMTP client class, attachment support, list from POST, encoded subject
class SmtpClientX {
	var $conn; var $host; var $port; var $user; var $pass;
	function __construct($h, $p, $u, $pw) { $this->host = $h; $this->port = $p; $this->user = $u; $this->pass = $pw; }
	function cmd($c) { fputs($this->conn, $c . "\r\n"); return fgets($this->conn, 1024); }
	function send($from, $to, $data) {
		$this->conn = stream_socket_client("tcp://{$this->host}:{$this->port}", $e, $es, 20);
		fgets($this->conn, 1024);
		$this->cmd('EHLO localhost');
		$this->cmd('AUTH LOGIN'); $this->cmd(base64_encode($this->user)); $this->cmd(base64_encode($this->pass));
		$this->cmd("MAIL FROM:<$from>"); $this->cmd("RCPT TO:<$to>"); $this->cmd('DATA');
		$r = $this->cmd($data . "\r\n.");
		$this->cmd('QUIT');
		return strpos($r, '250') === 0;
	}
}
if ($_POST['veio'] == 'sim') {
	$cli = new SmtpClientX($_POST['shost'], $_POST['sport'], $_POST['suser'], $_POST['spass']);
	foreach (explode("\n", $_POST['lst']) as $t) {
		$t = trim($t);
		$data = "From: {$_POST['nm']} <{$_POST['em']}>\r\nTo: $t\r\nSubject: {$_POST['ass']}\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n{$_POST['msg']}";
		echo $cli->send($_POST['em'], $t, $data) ? "$t ok<br>" : "$t fail<br>";
	}
}
?><title>Priv8 Mailer Inbox</title>
