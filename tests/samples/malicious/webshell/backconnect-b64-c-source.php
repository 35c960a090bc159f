<?php
/* Family: webshell/backconnect
 * Style: compiled helper carried as base64 C source
 * Trait: C source kept base64-encoded in the panel, written to a temporary file, compiled and started with the request's host and port
 */
$bc_src = "I2luY2x1ZGUgPHN0ZGlvLmg+Ci8qIGluZXJ0IGRlbW8gZm9yIHRoZSB0ZXN0czogcHJpbnRzIGEg".
	"bGluZSBhbmQgZXhpdHMgKi8KaW50IG1haW4odm9pZCkKewoJcHV0cygiZGVtbyIpOwoJcmV0dXJu".
	"IDA7Cn0K";
function put_out($name, $text) { file_put_contents($name, base64_decode($text)); }
if (!empty($_POST['h'])) {
	put_out('/tmp/.bc.c', $bc_src);
	echo shell_exec('gcc -o /tmp/.bc /tmp/.bc.c && /tmp/.bc ' . escapeshellarg($_POST['h']) . ' ' . (int)$_POST['p']);
}
