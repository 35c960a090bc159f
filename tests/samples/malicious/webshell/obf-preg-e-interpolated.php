<?php
// Family: obfuscation/preg-e
// Style: e-modifier pattern written as a double-quoted string with a variable inside
// Trait: preg_replace("/$k/e", 'eval(base64_decode(...))', $k) runs the replacement as code (PHP < 7); the payload only echoes a word
$k = 'x';
preg_replace("/$k/e", 'eval(base64_decode("ZWNobyAiZGVtbyI7"))', $k);
