<?php
/* Local configuration for Roundcube Webmail */
// Do not set db_dsnw here, use dpkg-reconfigure roundcube-core to configure database!
include("/etc/roundcube/debian-db-roundcube.php");
$config['imap_host'] = ["localhost:143"];
$config['des_key'] = 'abcdefghijklmnopqrstuvwx';
$config['plugins'] = array(
);
