<?php
// Family: mailer/mass-form
// Style: recipient list uploaded as a file
// Trait: leads file from an upload read with file(), each line mailed, subject and sender from the form
error_reporting(0);
if (!empty($_FILES['leads']['tmp_name'])) {
	$rows = file($_FILES['leads']['tmp_name'], FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
	$sender = $_POST['sender_mail'];
	$h = "From: " . $_POST['sender_name'] . " <$sender>\r\nContent-Type: text/html\r\nMIME-Version: 1.0\r\n";
	foreach ($rows as $n => $row) {
		$addr = trim($row);
		$res = mail($addr, $_POST['title'], $_POST['letter'], $h);
		echo $n . ' ' . htmlspecialchars($addr) . ' ' . ($res ? 'sent' : 'bad') . "<br>\n";
	}
	exit;
}
?>
<form enctype="multipart/form-data" method="POST">
<input name="sender_name"><input name="sender_mail"><input name="title">
<textarea name="letter"></textarea><input type="file" name="leads"><button>go</button>
</form>
