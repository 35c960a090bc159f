<?php
// Family: obfuscation/preg-e
// Style: e-modifier replacement whose regex is delimited by quotes, evaluator spelled out in pieces
// Trait: preg_replace("'x'e", 'e'.'v'.'a'.'l'.'(...)', 'x') runs the folded replacement as code (PHP < 7)
$f = str_replace('q', '', 'bqaqse64_qdecqode');
$payload = 'ZWNobyAiZGVtbyI7';
preg_replace("'x'e", 'e' . 'v' . 'a' . 'l' . '($f($payload))', 'x');
