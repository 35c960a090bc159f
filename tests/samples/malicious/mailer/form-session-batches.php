<?php
// Family: mailer/mass-form
// Style: batch sending across page reloads
// Trait: list kept in the session, 20 per request, meta refresh to continue
session_start();
if (isset($_POST['list'])) {
	$_SESSION['q'] = array_filter(array_map('trim', explode("\n", $_POST['list'])));
	$_SESSION['m'] = array($_POST['from'], $_POST['subject'], $_POST['body']);
}
$batch = array_splice($_SESSION['q'], 0, 20);
list($fr, $su, $bo) = $_SESSION['m'];
foreach ($batch as $to) {
	mail($to, $su, $bo, "From: $fr\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8");
}
if (count($_SESSION['q'])) echo '<meta http-equiv="refresh" content="2">';
echo count($_SESSION['q']) . ' left';
