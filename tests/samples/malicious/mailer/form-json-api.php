<?php
// Family: mailer/mass-form
// Style: JSON endpoint for a remote control panel
// Trait: JSON body from php://input with a recipients array, per-recipient result returned as JSON
header('Content-Type: application/json');
$job = json_decode(file_get_contents('php://input'), true);
$report = [];
foreach ((array)$job['rcpts'] as $dst) {
	$hh = "From: {$job['from']}\r\nReply-To: {$job['reply']}\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n";
	$report[$dst] = mail($dst, $job['subject'], $job['html'], $hh);
}
echo json_encode($report);
