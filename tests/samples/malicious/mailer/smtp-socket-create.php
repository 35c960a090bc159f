<?php
/* Family: mailer/raw-smtp
   Style: sockets extension instead of streams
   Trait: socket_create and socket_connect to the SMTP port, verbs written with socket_write, list from GET */
$sk = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
socket_connect($sk, gethostbyname($_GET['relay']), 25);
$verb = function ($x) use ($sk) { socket_write($sk, $x . "\r\n"); return socket_read($sk, 1024); };
$verb('EHLO ' . php_uname('n'));
$verb('MAIL FROM:<' . $_GET['from'] . '>');
foreach (explode(';', $_GET['to']) as $rc) { $verb('RCPT TO:<' . $rc . '>'); }
$verb('DATA');
$verb("Subject: " . $_GET['subj'] . "\r\n\r\n" . base64_decode($_GET['body']) . "\r\n.");
$verb('QUIT');
