<?php
// Family: obfuscation/blob
// Style: packed file whose base64 payload is one literal written as many short pieces joined with "."
// Trait: eval(unpack_it($blob)) where the file's own function decodes; the payload only echoes a word (1784 characters once joined)
function unpack_it($s)
{
	$f = 'base64' . '_decode';
	return $f(strtr($s, '-_', '+/'));
}
$blob = 'ZWNobyAiZGVtbyI7Ci8vIGluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZp' .
	'bGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxl' .
	'CmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0' .
	'aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBs' .
	'aW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0' .
	'IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2Ft' .
	'cGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZv' .
	'ciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxl' .
	'ciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmlu' .
	'ZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUg' .
	'c2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5l' .
	'IGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZp' .
	'bGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxl' .
	'CmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0' .
	'aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBs' .
	'aW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0' .
	'IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2Ft' .
	'cGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZv' .
	'ciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxl' .
	'ciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmlu' .
	'ZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUg' .
	'c2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5l' .
	'IGZvciB0aGUgc2FtcGxlCmluZXJ0IGZpbGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCmluZXJ0IGZp' .
	'bGxlciBsaW5lIGZvciB0aGUgc2FtcGxlCg==';
eval(unpack_it($blob));
