<?php
$u = "rc";
$config['db_dsnw'] = 'mysql://' . $u . ":pw@{$u}db:3306/${u}mail?x=1";
$config['db_prefix'] = "rc_";
$rcmail_config['db_dsnw'] = 'pgsql://a:b@c/d';
$y = <<<EOT
$config['db_dsnw'] = 'x';
EOT;
$k = "\x41\101\t\q\u{41}";
