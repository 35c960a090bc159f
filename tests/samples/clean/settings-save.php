<?php
// Clean: an installer step that saves the posted site title and database
// name into its own fixed settings file, and a media page that lists one
// fixed upload directory and deletes a posted entry only by its base name.
$conf = __DIR__ . '/settings.local.php';
if (isset($_POST['title'], $_POST['db'])) {
	$fh = fopen($conf, 'w');
	fwrite($fh, '<?php return ' . var_export(array('title' => $_POST['title'], 'db' => $_POST['db']), true) . ';');
	fclose($fh);
}
$media = __DIR__ . '/uploads';
if (!empty($_POST['remove'])) {
	unlink($media . '/' . basename($_POST['remove']));
}
foreach (scandir($media) as $e) {
	if ($e[0] !== '.') {
		echo htmlspecialchars($e) . '<br>';
	}
}
