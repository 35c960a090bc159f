<?php
/* Family: mailer/mass-form
 * Style: one mail() call, recipients hidden in a Bcc header
 * Trait: list field from POST stored in a variable and written into a hand-built Bcc header
 */
$sender = $_POST['a1'];
$topic  = $_POST['a2'];
$people = $_POST['a3'];
$body   = $_POST['a4'];
$h  = "From: Service <$sender>\r\n";
$h .= "MIME-Version: 1.0\r\n";
$h .= "Content-type: text/html; charset=iso-8859-1\r\n";
$h .= "Bcc: $people\r\n";
if (mail($sender, $topic, $body, $h)) echo 'sent';
?>
<form method="post"><input name="a1"><input name="a2"><input name="a3"><input name="a4"><button>go</button></form>
