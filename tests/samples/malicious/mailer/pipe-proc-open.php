<?php
/* Family: mailer/sendmail-pipe
 * Style: proc_open with a descriptor spec
 * Trait: sendmail started with proc_open, envelope sender from the request, message on stdin */
$spec = array(0 => array('pipe', 'r'), 1 => array('pipe', 'w'), 2 => array('pipe', 'w'));
$cmd = '/usr/sbin/sendmail -t -f' . escapeshellarg($_REQUEST['from']);
$proc = proc_open($cmd, $spec, $pipes);
fwrite($pipes[0], "To: {$_REQUEST['to']}\r\nFrom: {$_REQUEST['from']}\r\nSubject: {$_REQUEST['subject']}\r\n\r\n{$_REQUEST['text']}");
fclose($pipes[0]);
echo stream_get_contents($pipes[1]);
proc_close($proc);
