<?php
/* Family: mailer/sendmail-pipe
   Style: mail command line client through shell_exec
   Trait: mail/mailx binary invoked with a request subject and recipients, body piped from a temp file */
$tmp = tempnam('/tmp', 'm');
file_put_contents($tmp, $_POST['body']);
foreach (explode(',', $_POST['rcpt']) as $r) {
	shell_exec('mail -s ' . escapeshellarg($_POST['subject']) . ' -a "From: ' . $_POST['from'] . '" ' . escapeshellarg(trim($r)) . ' < ' . $tmp);
}
unlink($tmp);
