<?php
// Clean: an application sending its order confirmation through PHPMailer with
// configured SMTP settings; the customer address comes from the database.
use PHPMailer\PHPMailer\PHPMailer;
use PHPMailer\PHPMailer\Exception;
require 'vendor/autoload.php';
function send_order_confirmation(PDO $db, $order_id, array $cfg) {
	$st = $db->prepare('SELECT email, name FROM orders WHERE id = ?');
	$st->execute(array($order_id));
	$row = $st->fetch();
	$mail = new PHPMailer(true);
	$mail->isSMTP();
	$mail->Host = $cfg['smtp_host'];
	$mail->SMTPAuth = true;
	$mail->Username = $cfg['smtp_user'];
	$mail->Password = $cfg['smtp_pass'];
	$mail->Port = 587;
	$mail->setFrom('shop@example.com', 'Example Shop');
	$mail->addAddress($row['email'], $row['name']);
	$mail->Subject = 'Your order #' . (int)$order_id;
	$mail->Body = render_template('order', array('order' => $order_id));
	$mail->send();
}
