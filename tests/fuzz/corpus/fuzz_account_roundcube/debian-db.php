<?php
##
## database access settings in php format
##
$dbuser='roundcube';
$dbpass='not-a-password';
$basepath='/var/lib/dbconfig-common/sqlite3/roundcube';
$dbname='roundcube';
$dbserver='';
$dbport='';
$dbtype='sqlite3';
