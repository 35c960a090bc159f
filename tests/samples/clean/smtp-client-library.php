<?php
/**
 * Clean: a small SMTP client library. It contains the whole SMTP dialogue
 * but takes its data from the caller, never from the request.
 */
class Mini_SMTP {
	private $sock;
	public function connect($host, $port = 25, $timeout = 30) {
		$this->sock = stream_socket_client("tcp://$host:$port", $errno, $errstr, $timeout);
		if (!$this->sock) throw new RuntimeException("connect: $errstr");
		return $this->reply(220);
	}
	public function hello($name) { return $this->command("EHLO $name", 250); }
	public function mailFrom($addr) { return $this->command("MAIL FROM:<$addr>", 250); }
	public function rcptTo($addr) { return $this->command("RCPT TO:<$addr>", array(250, 251)); }
	public function data($msg) {
		$this->command('DATA', 354);
		fwrite($this->sock, preg_replace('/^\./m', '..', $msg) . "\r\n.\r\n");
		return $this->reply(250);
	}
	public function quit() { $this->command('QUIT', 221); fclose($this->sock); }
	private function command($line, $expect) { fwrite($this->sock, $line . "\r\n"); return $this->reply($expect); }
	private function reply($expect) {
		$r = '';
		while (($l = fgets($this->sock, 515)) !== false) { $r .= $l; if ($l[3] === ' ') break; }
		if (!in_array((int)substr($r, 0, 3), (array)$expect)) throw new RuntimeException($r);
		return $r;
	}
}
