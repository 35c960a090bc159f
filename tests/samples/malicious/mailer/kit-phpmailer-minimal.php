<?php
// Family: mailer/kit
// Style: minimal mass sender on a bundled mailer class
// Trait: mailer object fed with sender and subject from the form, one address per line added in a loop
require_once 'class.phpmailer.php';
$list = preg_split("/\r\n|\n/", trim($_POST['addr_list']));
$mailer = new PHPMailer();
$mailer->CharSet = 'UTF-8';
$mailer->setFrom($_POST['from_addr'], $_POST['from_name']);
$mailer->Subject = $_POST['title'];
$mailer->isHTML(true);
$mailer->Body = $_POST['html_body'];
foreach ($list as $n => $a) {
	$mailer->clearAddresses();
	$mailer->addAddress(trim($a));
	$ok = $mailer->send();
	echo ($n + 1) . ': ' . $a . ($ok ? ' delivered' : ' failed') . "<br>\n";
}
