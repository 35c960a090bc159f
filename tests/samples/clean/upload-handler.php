<?php
// Clean: a CMS media upload with extension whitelist, random names and a
// fixed destination outside the code directories.
$allowed = array('jpg' => 'image/jpeg', 'png' => 'image/png', 'gif' => 'image/gif');
$f = $_FILES['media'];
$ext = strtolower(pathinfo($f['name'], PATHINFO_EXTENSION));
$finfo = new finfo(FILEINFO_MIME_TYPE);
if (!isset($allowed[$ext]) || $finfo->file($f['tmp_name']) !== $allowed[$ext]) { http_response_code(415); exit; }
$dest = '/var/www/uploads/' . bin2hex(random_bytes(16)) . '.' . $ext;
move_uploaded_file($f['tmp_name'], $dest);
chmod($dest, 0644);
echo json_encode(array('ok' => true));
