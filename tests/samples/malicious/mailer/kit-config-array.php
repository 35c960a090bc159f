<?php
// Family: mailer/kit
// Style: config-array kit with a separate letter file
// Trait: SMTP credentials and sender pools in a config array, list uploaded, sender name and subject rotation, random X-Mailer
error_reporting(0);
set_time_limit(0);
require 'vendor/phpmailer/src/PHPMailer.php';
require 'vendor/phpmailer/src/SMTP.php';
$config = array(
	'smtp'      => array('host' => $_POST['host'], 'port' => 587, 'user' => $_POST['user'], 'pass' => $_POST['pass']),
	'fromnames' => array('PayPal', 'Apple ID', 'Netflix Billing', 'Microsoft account team'),
	'subjects'  => array('Your account has been limited', 'Action required: verify your information'),
	'xmailers'  => array('Microsoft Outlook 16.0', 'iPhone Mail (16A366)'),
);
$leads = file($_FILES['list']['tmp_name']);
$letter = file_get_contents('letter.html');
foreach ($leads as $i => $lead) {
	$m = new PHPMailer\PHPMailer\PHPMailer();
	$m->isSMTP();
	$m->Host = $config['smtp']['host']; $m->Port = $config['smtp']['port'];
	$m->SMTPAuth = true; $m->Username = $config['smtp']['user']; $m->Password = $config['smtp']['pass'];
	$m->setFrom($config['smtp']['user'], $config['fromnames'][array_rand($config['fromnames'])]);
	$m->XMailer = $config['xmailers'][array_rand($config['xmailers'])];
	$m->addAddress(trim($lead));
	$m->Subject = $config['subjects'][$i % 2];
	$m->msgHTML(str_replace('##EMAIL##', trim($lead), $letter));
	$m->send();
	if ($i % 100 == 99) sleep(10);
}
