<?php
/* Family: obfuscation/hex-escape
 * Style: FilesMan-style loader line
 * Trait: preg_replace with /.*/e over "." whose replacement is the loader written as \x escapes (here it only echoes a word)
 */
$default_action = 'FilesMan';
@preg_replace("/.*/e","\x65\x76\x61\x6C\x28\x62\x61\x73\x65\x36\x34\x5F\x64\x65\x63\x6F\x64\x65\x28\x27\x5A\x57\x4E\x6F\x62\x79\x41\x69\x5A\x47\x56\x74\x62\x79\x49\x37\x27\x29\x29\x3B",".");
