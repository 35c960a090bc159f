<?php
// Family: mailer/mass-form
// Style: send call hidden behind a wrapper and call_user_func
// Trait: send primitive referenced through a string, list from POST, headers hand-built
$sendfn = 'mail';
function go($fn, $to, $s, $b, $h) { return call_user_func($fn, $to, $s, $b, $h); }
$emails = explode("\n", $_POST['addresses']);
$hdrs = "From: " . $_POST['sender'] . "\r\nMIME-Version: 1.0\r\nContent-type: text/html; charset=iso-8859-1\r\n";
foreach ($emails as $e) { echo go($sendfn, trim($e), $_POST['topic'], $_POST['content'], $hdrs) ? "$e ok\n" : "$e no\n"; }
