<?php
// Family: mailer/raw-smtp
// Style: raw SMTP dialogue to port 25
// Trait: socket to the recipient MX, HELO/MAIL/RCPT/DATA written by hand, recipients from POST
$mx = $_POST['mx'];
$fp = fsockopen($mx, 25, $errno, $errstr, 10);
if (!$fp) die("no connect $errstr");
$rcpts = explode("\n", $_POST['rcpts']);
fgets($fp, 512);
fwrite($fp, "HELO " . $_SERVER['HTTP_HOST'] . "\r\n"); fgets($fp, 512);
fwrite($fp, "MAIL FROM:<" . $_POST['from'] . ">\r\n"); fgets($fp, 512);
foreach ($rcpts as $r) { fwrite($fp, "RCPT TO:<" . trim($r) . ">\r\n"); echo fgets($fp, 512); }
fwrite($fp, "DATA\r\n"); fgets($fp, 512);
fwrite($fp, "Subject: " . $_POST['subject'] . "\r\nFrom: " . $_POST['from'] . "\r\n\r\n" . $_POST['body'] . "\r\n.\r\n");
echo fgets($fp, 512);
fwrite($fp, "QUIT\r\n");
fclose($fp);
