<?php
// Family: obfuscation/var-function
// Style: variables named only with O and 0
// Trait: confusable variable names hold a url-decoded function name and a payload; the result is evaluated
$O00O0O = urldecode("%62%61%73%65%36%34%5f%64%65%63%6f%64%65");
$O0O000 = $O00O0O("ZWNobyAnaW5lcnQgc2FtcGxlIGZvciBtYWlsd2FyZGVuIHRlc3RzJzs=");
$OO0O00 = "ev" . "al";
$O000O0 = 'return ' . var_export($O0O000, true) . ';';
eval($O0O000 . '');
