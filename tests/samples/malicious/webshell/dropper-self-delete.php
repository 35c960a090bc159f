<?php
// Family: dropper/self-delete
// Style: one-shot dropper that writes its payload next to itself and removes its own file
// Trait: a decoded literal (an inert echo) is written to a new .php file, then unlink(__FILE__) deletes the dropper
$code = base64_decode('PD9waHAgZWNobyAiZGVtbyI7');
file_put_contents(__DIR__ . '/cache-demo.php', $code);
@unlink(__FILE__);
echo 'done';
