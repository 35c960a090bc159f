<?php
// Family: mailer/sendmail-pipe
// Style: shell pipeline through exec
// Trait: message echoed into sendmail in a shell command built from GET values
$m = "Subject: " . $_GET['s'] . "\nFrom: " . $_GET['f'] . "\n\n" . $_GET['b'];
exec('echo ' . escapeshellarg($m) . ' | sendmail ' . escapeshellarg($_GET['t']));
