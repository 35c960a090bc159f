<?php
// Family: mailer/param-injection
// Style: envelope sender forced through the fifth argument
// Trait: additional parameters built from POST with -f, used to forge the envelope sender for a list
$list = explode("\n", $_POST['to']);
$env = $_POST['envelope'];
foreach ($list as $to) {
	mail(trim($to), $_POST['subject'], $_POST['body'], "From: $env", "-f" . $env);
}
