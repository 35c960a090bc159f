<?php
// Clean: an admin status page running fixed commands for diagnostics.
$uptime = shell_exec('uptime');
exec('df -h /var/www', $df);
$load = sys_getloadavg();
echo '<pre>' . htmlspecialchars($uptime) . htmlspecialchars(implode("\n", $df)) . '</pre>';
echo 'Load: ' . implode(' ', $load);
