<?php
// Family: mailer/mass-form
// Style: do-while loop and stripslashes
// Trait: textarea list, do-while over the array, From spoofed from request, progress flushing
@error_reporting(0); @set_time_limit(0); ob_implicit_flush(true);
$lines = explode("\n", $_POST['mails']);
$j = 0;
do {
	$rcv = trim($lines[$j]);
	if (strpos($rcv, '@') !== false) {
		$headerz = 'From: ' . stripslashes($_POST['from_name']) . ' <' . $_POST['from_addr'] . ">\r\n";
		$headerz .= "Content-Type: text/plain; charset=us-ascii\r\nX-Mailer: PHP/" . phpversion() . "\r\n";
		mail($rcv, stripslashes($_POST['sbj']), stripslashes($_POST['txt']), $headerz);
		echo "sent to $rcv<br>";
		ob_flush(); flush();
	}
	$j++;
} while ($j < count($lines));
