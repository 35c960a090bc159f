<?php
// Clean: a mail transport in the style of PEAR Mail/sendmail: popen of the
// configured sendmail binary with escaped envelope arguments from the caller.
class Mail_SendmailLite {
	var $sendmail_path = '/usr/sbin/sendmail';
	var $sendmail_args = '-i';
	function send($recipients, $headers, $body) {
		$from = escapeshellarg($headers['Return-Path']);
		$rcpt = implode(' ', array_map('escapeshellarg', (array)$recipients));
		$mail = @popen($this->sendmail_path . (!empty($this->sendmail_args) ? ' ' . $this->sendmail_args : '') . " -f$from -- $rcpt", 'w');
		if (!$mail) return false;
		foreach ($headers as $k => $v) fputs($mail, "$k: $v\n");
		fputs($mail, "\n" . $body);
		return pclose($mail) >> 8 & 0xFF;
	}
}
