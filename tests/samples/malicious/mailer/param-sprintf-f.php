<?php
// Family: mailer/param-injection
// Style: additional parameters via sprintf with the request sender
// Trait: sprintf of -f with a GET value, then passed as fifth argument together with a cookie-supplied body
$sender = $_GET['sender'];
$extra = sprintf('-f%s -r%s', $sender, $sender);
$ok = mail($_GET['rcpt'], $_GET['title'], $_COOKIE['body'], "From: <$sender>\r\nX-Mailer: Lotus Notes", $extra);
exit($ok ? 'Y' : 'N');
