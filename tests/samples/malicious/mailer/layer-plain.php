<?php
// Family: mailer/mass-form
// Style: inert mass-mail loop, unwrapped (the reference for the layer-*.php samples)
// Trait: recipients split from a POST textarea and looped into mail()
$list = explode("\n", $_POST['emails']);
foreach ($list as $to) {
	mail(trim($to), $_POST['subject'], $_POST['body'], "From: " . $_POST['from']);
}
