<?php
// Family: mailer/checker
// Style: capability probe
// Trait: probes that mail() exists and is not disabled, sends to a POST address, reports the result as JSON
$r = array('mail' => function_exists('mail'), 'disabled' => ini_get('disable_functions'));
if ($r['mail'] && !empty($_POST['probe'])) {
	$r['sent'] = mail($_POST['probe'], 'probe ' . uniqid(), 'ok from ' . gethostname());
}
echo json_encode($r);
