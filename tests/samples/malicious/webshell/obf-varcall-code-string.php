<?php
// Family: obfuscation/var-function
// Style: function name picked from a scrambled alphabet in a loop, handed a code string
// Trait: a call through a computed name whose argument is PHP code that evaluates a decoded blob
$abc = 'qtrsxaevlpz';
$at = array(5, 3, 3, 6, 2, 1);
$blob = 'ZWNobyAnaGVsbG8nOw==';
$fn = '';
for ($i = 0; $i < 6; $i++) {
	$fn .= $abc[$at[$i]];
}
$fn('eval(base64_decode($blob))');
